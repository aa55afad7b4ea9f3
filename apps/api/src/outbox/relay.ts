import { isCatalogEvent, PublishedEventSchema, type PublishedEvent } from '@livecart/schemas/events';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EPOCH_FIELDS, eventJsonOfEntry, eventKeys, parseEpochRecord, parseEventHead, serializeEvent, streamEntryId, streamPositionOf, type EventKeys } from '@livecart/schemas/transport';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { z } from 'zod';
import type { L2Store } from '../cache/l2-store.js';
import type { Log } from '../log.js';
import { adoptStreamEpoch, beginStreamEpoch, claimStream, publishOutcome, queuePublishEvents } from './publish-script.js';
import { LeaseLostError, raiseLease, releaseLease, renewLease, takeLease, type RelayLease } from './relay-lease.js';
import { WakeableSleep } from './wakeable-sleep.js';
import { ASSIGN_SEQS, MARK_PUBLISHED, MARK_REJECTED, NEXT_UNPUBLISHED, PRUNE_PUBLISHED, READ_POSITION, READ_SEQUENCE, RELAY_SESSION_SETTINGS } from './relay-sql.js';

export interface OutboxRelayOptions {
  /** The relay's own session (LISTEN, the lease, seqs and marks); the lease does not depend on it staying open. */
  connection: pg.ClientConfig;
  redis: Redis;
  prefix: string;
  /** When set, the new state of each product is written to L2 before its event goes out. */
  l2?: L2Store;
  streamMaxLen: number;
  pollMs: number;
  /** How often a standby tries to take the lease. */
  lockRetryMs: number;
  /** How long the lease lasts unless renewed; the holder renews it every third of that. */
  leaseMs: number;
  batchSize: number;
  retentionHours: number;
  log: Log;
}

export interface RelayStats {
  leader: boolean;
  /** The generation of the lease this instance holds or last held (0: never held one). */
  generation: number;
  /** Times this instance stepped down because its lease lapsed or was taken over. */
  leaseLosses: number;
  /** When (ms since the epoch, this instance's clock) it last stepped down; 0 if it never did. */
  lastLeaseLossAt: number;
  published: number;
  lastPublishedSeq: number;
  failures: number;
  /** Rows set aside by this instance because they were not valid events. */
  rejected: number;
  /** The epoch this instance publishes in (see the transport contract); empty until it first leads. */
  epoch: string;
  /** New epochs this instance started because the stream did not continue the database's history, by why. */
  regressions: Record<RegressionReason, number>;
}

/**
 * Why the stream does not continue the database's history: it names another epoch, its top is ahead of
 * the database's last seq, or it holds another event (or none) under a seq the database is publishing.
 */
export type RegressionReason = 'other_epoch' | 'stream_ahead' | 'different_event';

/** A row as stored: whatever the writer put there, until PublishedEventSchema says it is an event. */
interface OutboxRow {
  seq: number;
  type: unknown;
  topics: unknown;
  data: unknown;
  /** Null on rows written before events carried their actor. */
  actor: unknown;
  occurredAt: string;
}

const NOTIFY_CHANNEL = 'livecart_outbox';
const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
/** While Redis refuses batches, retries back off from pollMs up to this. */
const MAX_RETRY_DELAY_MS = 1_000;

/** How much of a rejection's explanation is kept on the row and in the log. */
const MAX_REJECTION_LENGTH = 2_000;


/**
 * Publishes outbox rows to Redis, one relay at a time across all instances: the holder of the history's
 * lease (see relay-lease.ts), which it renews every `leaseMs / 3`; the others try every `lockRetryMs` and
 * take it once it lapsed, so a holder that died, froze or stalls is replaced within about `leaseMs`. Each
 * takeover raises the lease generation, and every write of the holder is fenced by it: Postgres assigns
 * no seq and the stream takes no event from a holder that was superseded while it could not tell.
 * Wakes on NOTIFY from committing writes, polls as a safety net. If Redis is down, rows wait and
 * go out in seq order when it is back. At-least-once: consumers de-duplicate by seq within an epoch, and
 * the relay publishes only while the stream continues the database's epoch (see `publish`).
 */
export class OutboxRelay {
  readonly stats: RelayStats = {
    leader: false,
    generation: 0,
    leaseLosses: 0,
    lastLeaseLossAt: 0,
    published: 0,
    lastPublishedSeq: 0,
    failures: 0,
    rejected: 0,
    epoch: '',
    regressions: { other_epoch: 0, stream_ahead: 0, different_event: 0 },
  };
  private readonly keys: EventKeys;
  private stopping = false;
  private running: Promise<void> | undefined;
  private readonly naps = new WakeableSleep();
  private session: pg.Client | undefined;
  private sessionLost = false;
  private leaseLost = false;
  /** Local time after which the lease may have lapsed: the last renewal's start, plus leaseMs. */
  private leaseDeadline = 0;
  private renewing = false;
  /** Whether this lease's generation is on the stream's record yet (see `publish`). */
  private claimed = false;
  /** A new epoch Postgres holds and the stream does not yet (see `enterEpoch`). */
  private pendingEpoch: { epoch: string; base: number } | undefined;
  private readonly holder = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private lastHousekeeping = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.keys = eventKeys({ prefix: options.prefix });
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the batch in hand, releases the lease and closes the session. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
  }

  /** Runs a cycle now instead of at the next poll: on NOTIFY, on losing the session, on stop. */
  wake(): void {
    this.naps.wake();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const held = await this.acquire();
      if (held !== undefined) {
        await this.lead(held.session, held.lease);
        await this.release(held.session, held.lease);
      }
      if (!this.stopping) await this.sleep(this.options.lockRetryMs);
    }
  }

  private async acquire(): Promise<{ session: pg.Client; lease: RelayLease } | undefined> {
    const session = new pg.Client(this.options.connection);
    this.sessionLost = false;
    this.leaseLost = false;
    session.on('error', (error) => this.onSessionLost(session, error));
    session.on('end', () => this.onSessionLost(session));
    try {
      await session.connect();
      const takenAt = Date.now();
      const lease = await takeLease(session, this.holder, this.options.leaseMs);
      if (lease !== undefined) {
        this.leaseDeadline = takenAt + this.options.leaseMs;
        return { session, lease };
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'outbox relay: could not reach Postgres for the relay lease');
    }
    await session.end().catch(() => {});
    return undefined;
  }

  private onSessionLost(session: pg.Client, error?: Error): void {
    if (session !== this.session || this.sessionLost) return;
    this.sessionLost = true;
    this.stats.leader = false;
    if (!this.stopping) this.options.log.error({ err: error }, 'outbox relay: relay session lost; relaying stopped');
    this.wake();
  }

  /** Whether this instance may still act as the relay: its session is up and its lease is its own. */
  private get leading(): boolean {
    return !this.sessionLost && !this.leaseLost;
  }

  /** The lease lapsed or another instance took it: stop at once, write nothing more, compete again. */
  private stepDown(why: string): void {
    if (this.leaseLost) return;
    this.leaseLost = true;
    this.stats.leader = false;
    this.stats.leaseLosses++;
    this.stats.lastLeaseLossAt = Date.now();
    this.options.log.error({ generation: this.stats.generation, why }, 'outbox relay: lease lost; this instance steps down');
    this.wake();
  }

  private async renew(session: pg.Client, lease: RelayLease): Promise<void> {
    if (!this.leading) return;
    // Its renewal is overdue (the process was frozen or its event loop stalled past the lease): another
    // instance may hold the lease already, so it stops now, before a query that would wait behind
    // whatever piled up meanwhile. It competes again like any standby.
    if (Date.now() >= this.leaseDeadline) {
      this.stepDown('the lease was not renewed in time');
      return;
    }
    if (this.renewing) return;
    this.renewing = true;
    const sentAt = Date.now();
    try {
      if (await renewLease(session, lease, this.options.leaseMs)) this.leaseDeadline = sentAt + this.options.leaseMs;
      else this.stepDown('the lease lapsed or was taken over');
    } catch (error) {
      // The session's own error handler steps down if the session is gone; otherwise the next try may work.
      if (this.leading) this.options.log.warn({ err: error }, 'outbox relay: could not renew the lease');
    } finally {
      this.renewing = false;
    }
  }

  private async lead(session: pg.Client, lease: RelayLease): Promise<void> {
    this.session = session;
    this.stats.leader = true;
    this.stats.generation = lease.generation;
    this.options.log.info({ generation: lease.generation }, 'outbox relay: this instance is the relay');
    const renewal = setInterval(() => void this.renew(session, lease), Math.max(1, Math.floor(this.options.leaseMs / 3)));
    // While Redis is failing, a commit changes nothing for the relay: retrying on each NOTIFY would re-read
    // the whole waiting backlog from Postgres once per write, for as long as the outage lasts.
    session.on('notification', () => {
      if (this.stats.failures === 0) this.wake();
    });
    try {
      await session.query(RELAY_SESSION_SETTINGS);
      await session.query(`LISTEN ${NOTIFY_CHANNEL}`);
      this.stats.epoch = (await this.readSequence(session)).epoch;
      this.claimed = false;
      // Postgres holds that epoch now: if the stream does not, the check below starts another.
      this.pendingEpoch = undefined;
      // Each cycle first claims the stream (fencing off earlier holders) and checks it against the database.
      while (!this.stopping && this.leading) {
        await this.cycle(session, lease);
        await this.sleep(this.stats.failures === 0 ? this.options.pollMs : this.retryDelay());
      }
    } catch (error) {
      if (error instanceof LeaseLostError) this.stepDown(error.message);
      else if (!this.sessionLost) this.options.log.error({ err: error }, 'outbox relay: session failed; relaying stopped');
    } finally {
      clearInterval(renewal);
      this.stats.leader = false;
    }
  }

  private async release(session: pg.Client, lease: RelayLease): Promise<void> {
    if (this.leading) await releaseLease(session, lease).catch(() => {});
    this.session = undefined;
    await session.end().catch(() => {});
  }

  /** Assigns seqs, then publishes until nothing is left. Redis failures leave rows for the next cycle. */
  private async cycle(session: pg.Client, lease: RelayLease): Promise<void> {
    // Even with nothing to publish: a history that went back must reach the consumers now, not with the next write.
    if (!(await this.settleStream(session, lease))) return;
    await session.query(ASSIGN_SEQS, [this.options.batchSize * 10, lease.holder, lease.generation]);
    while (!this.stopping && this.leading && (await this.publishBatch(session, lease)) === this.options.batchSize);
    if (Date.now() - this.lastHousekeeping > HOUSEKEEPING_EVERY_MS) await this.housekeeping(session);
  }

  /**
   * Claims the stream and finishes a pending epoch, if either is still to do; false while Redis refuses
   * (counted as a failure, so the relay backs off as for a publish). Losing the lease throws.
   */
  private async settleStream(session: pg.Client, lease: RelayLease): Promise<boolean> {
    if (this.claimed && this.pendingEpoch === undefined) return true;
    try {
      if (!this.claimed) await this.claim(session, lease);
      if (this.pendingEpoch !== undefined) await this.enterEpoch(lease, this.pendingEpoch);
      this.stats.failures = 0;
      return true;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      this.stats.failures++;
      if (this.stats.failures % 20 === 1) this.options.log.warn({ err: error }, 'outbox relay: could not check the event stream; trying again');
      return false;
    }
  }

  /** Publishes the next rows in seq order; the number of rows done with, 0 when Redis refused them. */
  private async publishBatch(session: pg.Client, lease: RelayLease): Promise<number> {
    const { rows } = await session.query<OutboxRow>(NEXT_UNPUBLISHED, [this.options.batchSize]);
    const first = rows[0];
    const last = rows.at(-1);
    if (first === undefined || last === undefined) return 0;
    // Back from a freeze before the renewal timer ran: the lease may be another's already.
    if (Date.now() >= this.leaseDeadline) {
      this.stepDown('the lease was not renewed in time');
      return 0;
    }
    const events = await this.validate(session, rows);
    try {
      await this.publish(session, lease, events);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.stepDown(error.message);
        return 0;
      }
      this.stats.failures++;
      if (this.stats.failures % 20 === 1) this.options.log.warn({ err: error }, 'outbox relay: Redis unavailable; events wait in the outbox');
      return 0;
    }
    if (!this.leading) return 0;
    await session.query(MARK_PUBLISHED, [first.seq, last.seq]);
    this.stats.published += events.length;
    this.stats.lastPublishedSeq = last.seq;
    this.stats.failures = 0;
    return rows.length;
  }

  /**
   * The rows that are valid events, as PublishedEventSchema parses them; the others are set aside first. A row that
   * fails was written wrong and will fail every time, so retrying it would stall every event behind it,
   * and publishing it would hand consumers what they cannot read. It is marked rejected (with the reason,
   * logged as an error, counted in /metrics as outbox_rejected_events) and its seq stays a hole in the
   * stream, which consumers already step over. A fixed row is not re-published under its old seq
   * (consumers have moved past it): the write it stood for is redone as a new event.
   */
  private async validate(session: pg.Client, rows: readonly OutboxRow[]): Promise<PublishedEvent[]> {
    const events: PublishedEvent[] = [];
    for (const row of rows) {
      const parsed = PublishedEventSchema.safeParse({
        seq: row.seq,
        type: row.type,
        topics: row.topics,
        occurredAt: row.occurredAt,
        actor: row.actor ?? undefined,
        data: row.data,
      });
      if (parsed.success) {
        events.push(parsed.data);
        continue;
      }
      const rejection = z.prettifyError(parsed.error).slice(0, MAX_REJECTION_LENGTH);
      await session.query(MARK_REJECTED, [row.seq, rejection]);
      this.stats.rejected++;
      this.options.log.error({ seq: row.seq, type: row.type, rejection }, 'outbox relay: row is not a valid event; set aside, not published');
    }
    return events;
  }

  /**
   * Appends the events to the stream and publishes them, once the stream is known to continue this
   * database's history: a batch whose seqs the stream already holds is a re-publish after a crash only if
   * it holds the same events; anything else starts a new epoch before publishing (never a silent skip).
   */
  private async publish(session: pg.Client, lease: RelayLease, events: readonly PublishedEvent[]): Promise<void> {
    // Redis failures here are like a publish's.
    if (!this.claimed) await this.claim(session, lease);
    if (this.pendingEpoch !== undefined) await this.enterEpoch(lease, this.pendingEpoch);
    let pending = events;
    while (pending.length > 0 && this.leading) {
      const epoch = this.stats.epoch;
      const serialized = pending.map((event) => ({ event, seq: event.seq, json: serializeEvent({ ...event, epoch }) }));
      const pipeline = this.options.redis.pipeline();
      for (const { event } of serialized) {
        // Orders have no cache entry to refresh.
        if (!isCatalogEvent(event)) continue;
        this.options.l2?.queueSetIfNewer(pipeline, event.data.id, event.data.version, event.type === 'product.deleted' ? null : event.data);
      }
      queuePublishEvents(pipeline, { ...this.streamKeys(), channel: this.keys.channel, epoch, generation: lease.generation, maxLen: this.options.streamMaxLen, events: serialized });
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error !== null) throw error;
      const outcome = publishOutcome(results.at(-1)?.[1]);
      if (outcome.kind === 'ok') return;
      if (outcome.kind === 'fenced') {
        if (await this.outrank(session, lease, outcome.generation)) continue;
        throw new LeaseLostError(`the stream (at generation ${outcome.generation})`);
      }
      const first = serialized[0]!;
      const { lastSeq } = await this.readSequence(session);
      if (outcome.kind === 'epoch' && outcome.streamEpoch === undefined) {
        const top = await this.streamTop();
        if (top > lastSeq) await this.regress(session, lease, 'stream_ahead', first.seq, { streamTop: top, databaseSeq: lastSeq });
        else await adoptStreamEpoch(this.options.redis, this.keys.epoch, epoch);
      } else if (outcome.kind === 'epoch') {
        await this.regress(session, lease, 'other_epoch', first.seq, { streamEpoch: outcome.streamEpoch, databaseEpoch: epoch });
      } else if (outcome.topSeq > lastSeq) {
        await this.regress(session, lease, 'stream_ahead', first.seq, { streamTop: outcome.topSeq, databaseSeq: lastSeq });
      } else {
        const held = serialized.filter(({ seq }) => seq <= outcome.topSeq);
        if (await this.streamHolds(held)) pending = pending.filter(({ seq }) => seq > outcome.topSeq);
        else await this.regress(session, lease, 'different_event', first.seq, { seq: first.seq, streamTop: outcome.topSeq });
      }
    }
  }

  private streamKeys(): { stream: string; epochKey: string; channel: string } {
    return { stream: this.keys.stream, epochKey: this.keys.epoch, channel: this.keys.channel };
  }

  /**
   * Fences off the previous holders on the stream (from now on their writes are refused, even if they do
   * not know yet that they lost the lease), then compares the stream with the database, so that a history
   * that went back (a restore, a failover that lost commits) starts a new epoch as soon as the lease is
   * taken, not only with the next write. Runs once per lease, before anything is published.
   */
  private async claim(session: pg.Client, lease: RelayLease): Promise<void> {
    let claimed = await claimStream(this.options.redis, this.streamKeys(), this.stats.epoch, lease.generation);
    if (!claimed) {
      const recorded = Number((await this.options.redis.hget(this.keys.epoch, EPOCH_FIELDS.generation)) ?? 0);
      claimed = (await this.outrank(session, lease, recorded)) && (await claimStream(this.options.redis, this.streamKeys(), this.stats.epoch, lease.generation));
    }
    if (!claimed) throw new LeaseLostError('the stream');
    this.claimed = true;
    const [record, top, position] = await Promise.all([
      this.options.redis.hgetall(this.keys.epoch).then(parseEpochRecord),
      this.streamTop(),
      this.readPosition(session),
    ]);
    const streamTop = Math.max(top, record?.base ?? 0);
    if (record !== undefined && record.id !== this.stats.epoch) {
      await this.regress(session, lease, 'other_epoch', position.next, { streamEpoch: record.id, databaseEpoch: this.stats.epoch });
    } else if (streamTop > position.lastSeq) {
      await this.regress(session, lease, 'stream_ahead', position.next, { streamTop, databaseSeq: position.lastSeq });
    }
  }

  /**
   * The stream was written by a higher generation than the lease this instance holds, in the database's
   * own epoch. If the database says the lease is still ours, it is the database that went back (restored
   * to before later takeovers): generations never go back in one history. The lease then moves past the
   * stream's generation, and the history check that follows decides about the epoch. False when the lease
   * is no longer ours: this instance is the stale one and must step down.
   */
  private async outrank(session: pg.Client, lease: RelayLease, streamGeneration: number): Promise<boolean> {
    if (!(streamGeneration > lease.generation)) return false;
    const raised = await raiseLease(session, lease, streamGeneration + 1);
    if (!raised) return false;
    this.options.log.error(
      { generation: lease.generation, streamGeneration },
      'outbox relay: the event stream saw a later relay lease than the database holds (a restore or lost commits?)',
    );
    lease.generation = streamGeneration + 1;
    this.stats.generation = lease.generation;
    this.claimed = false;
    return true;
  }

  /** The database's last seq, and the first seq to publish next (the oldest unpublished one, or the next to give). */
  private async readPosition(session: pg.Client): Promise<{ lastSeq: number; next: number }> {
    const { rows } = await session.query<{ lastSeq: number; pending: number | null }>(READ_POSITION);
    const row = rows[0];
    if (row === undefined) throw new Error('outbox_sequence has no row');
    return { lastSeq: row.lastSeq, next: row.pending ?? row.lastSeq + 1 };
  }

  private async readSequence(session: pg.Client): Promise<{ epoch: string; lastSeq: number }> {
    const { rows } = await session.query<{ epoch: string; lastSeq: number }>(READ_SEQUENCE);
    const row = rows[0];
    if (row === undefined) throw new Error('outbox_sequence has no row');
    return row;
  }

  private async streamTop(): Promise<number> {
    const [top] = await this.options.redis.xrevrange(this.keys.stream, '+', '-', 'COUNT', 1);
    return top === undefined ? 0 : streamPositionOf(top[0]).seq;
  }

  /**
   * Whether the stream holds these very events (a batch published before a crash, not yet marked):
   * the same product, type, version and time under each seq, and not another epoch's. Those are
   * published again on the channel (at-least-once: live consumers may have missed them).
   */
  private async streamHolds(events: readonly { event: PublishedEvent; seq: number }[]): Promise<boolean> {
    const first = events[0];
    const last = events.at(-1);
    if (first === undefined || last === undefined) return true;
    const entries = await this.options.redis.xrange(this.keys.stream, streamEntryId(first), streamEntryId(last));
    const stored = new Map(entries.map(([id, fields]) => [streamPositionOf(id).seq, eventJsonOfEntry(fields) ?? '']));
    for (const { event, seq } of events) {
      const json = stored.get(seq);
      if (json === undefined || !this.isSameEvent(json, event)) return false;
    }
    const pipeline = this.options.redis.pipeline();
    for (const { seq } of events) pipeline.publish(this.keys.channel, stored.get(seq)!);
    for (const [error] of (await pipeline.exec()) ?? []) if (error !== null) throw error;
    return true;
  }

  private isSameEvent(json: string, event: PublishedEvent): boolean {
    try {
      const head = parseEventHead(json);
      const data = head.body.data as { version?: unknown };
      return (
        (head.epoch === undefined || head.epoch === this.stats.epoch) &&
        head.type === event.type &&
        head.subjectId === event.data.id &&
        // Orders carry no version: their type (each status is entered once) and time tell them apart.
        data.version === (isCatalogEvent(event) ? event.data.version : undefined) &&
        head.occurredAtMs === Date.parse(event.occurredAt)
      );
    } catch {
      return false;
    }
  }

  /**
   * Starts a new epoch: first in Postgres (should this stop half way, the next relay finds the stream in
   * another epoch and starts one again), then the stream (see `enterEpoch`).
   */
  private async regress(session: pg.Client, lease: RelayLease, reason: RegressionReason, firstSeq: number, positions: Record<string, unknown>): Promise<void> {
    const epoch = randomUUID();
    const { rowCount } = await session.query('UPDATE outbox_sequence SET epoch = $1 WHERE lease_holder = $2 AND lease_generation = $3', [epoch, lease.holder, lease.generation]);
    if (rowCount !== 1) throw new LeaseLostError('Postgres');
    this.stats.regressions[reason]++;
    this.options.log.error(
      { reason, ...positions, previousEpoch: this.stats.epoch, epoch, base: firstSeq - 1 },
      reason === 'stream_ahead'
        ? 'outbox relay: the event stream is ahead of the database (a restore or lost commits?); starting a new epoch'
        : 'outbox relay: the event stream does not continue the database\'s history; starting a new epoch',
    );
    await this.enterEpoch(lease, { epoch, base: firstSeq - 1 });
  }

  /**
   * Moves the stream into the epoch Postgres already holds. L2 goes first: its entries may hold versions
   * of the old history, higher than the restored rows', and must be gone before any consumer hears of
   * the new epoch and reloads through it. Then the stream is replaced by an empty one whose events follow
   * `base`, so no consumer can be replayed the old history as this one. A Redis failure part way leaves
   * the epoch pending: the next publish finishes it (never publishing in the new epoch before that).
   */
  private async enterEpoch(lease: RelayLease, pending: { epoch: string; base: number }): Promise<void> {
    this.pendingEpoch = pending;
    await this.options.l2?.clear();
    const begun = await beginStreamEpoch(this.options.redis, this.streamKeys(), { epoch: pending.epoch, base: pending.base, previousEpoch: this.stats.epoch }, lease.generation);
    if (!begun) throw new LeaseLostError('the stream');
    this.stats.epoch = pending.epoch;
    this.pendingEpoch = undefined;
  }

  /**
   * Published rows and idempotency keys are kept for a while (debugging, retries), not forever; rows an
   * enabled webhook endpoint has not received yet are kept until it has (see services/webhooks).
   */
  private async housekeeping(session: pg.Client): Promise<void> {
    this.lastHousekeeping = Date.now();
    const hours = this.options.retentionHours;
    await session.query(PRUNE_PUBLISHED, [hours]);
    await session.query("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'");
  }

  /** pollMs, doubling with each consecutive failure, up to MAX_RETRY_DELAY_MS. */
  private retryDelay(): number {
    return Math.min(this.options.pollMs * 2 ** Math.min(this.stats.failures - 1, 10), MAX_RETRY_DELAY_MS);
  }

  private sleep(ms: number): Promise<void> {
    return this.naps.sleep(ms, this.stopping);
  }
}
