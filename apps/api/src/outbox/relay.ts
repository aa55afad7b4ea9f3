import { EventSchema, type LivecartEvent } from '@livecart/schemas/events';
import { EVENT_FIELD, eventKeys, serializeEvent, streamEntryId, type EventKeys } from '@livecart/schemas/transport';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { z } from 'zod';
import type { L2Store } from '../cache/l2-store.js';
import type { Log } from '../log.js';

export interface OutboxRelayOptions {
  /** The relay's own session: the advisory lock lives and dies with it. */
  connection: pg.ClientConfig;
  redis: Redis;
  prefix: string;
  /** When set, the new state of each product is written to L2 before its event goes out. */
  l2?: L2Store;
  streamMaxLen: number;
  pollMs: number;
  lockRetryMs: number;
  batchSize: number;
  retentionHours: number;
  log: Log;
}

export interface RelayStats {
  leader: boolean;
  published: number;
  lastPublishedSeq: number;
  failures: number;
  /** Rows set aside by this instance because they were not valid events. */
  rejected: number;
}

/** A row as stored: whatever the writer put there, until EventSchema says it is an event. */
interface OutboxRow {
  seq: number;
  type: unknown;
  topics: unknown;
  data: unknown;
  /** Null on rows written before events carried their actor. */
  actor: unknown;
  occurredAt: string;
}

/** Session advisory lock key shared by every API instance: whoever holds it is the one relay. */
export const RELAY_LOCK_KEY = 4_242_017_001;
const NOTIFY_CHANNEL = 'livecart_outbox';
const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
/** While Redis refuses batches, retries back off from pollMs up to this. */
const MAX_RETRY_DELAY_MS = 1_000;

// Seqs are handed out in id order among the rows visible now and committed before anything is
// published, so a seq never changes once given and never goes backwards. The audit entries of those
// events get the seq in the same statement: the audit log outlives the pruned outbox rows.
const ASSIGN_SEQS = `
  WITH pending AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n
    FROM (SELECT id FROM outbox WHERE seq IS NULL ORDER BY id LIMIT $1) AS unassigned
  ), counter AS (
    UPDATE outbox_sequence SET last_seq = last_seq + (SELECT count(*) FROM pending)
    RETURNING last_seq - (SELECT count(*) FROM pending) AS base
  ), assigned AS (
    UPDATE outbox o SET seq = counter.base + pending.n
    FROM pending, counter WHERE o.id = pending.id
    RETURNING o.id, o.seq
  )
  UPDATE audit_log a SET event_seq = assigned.seq
  FROM assigned WHERE a.outbox_id = assigned.id AND a.event_seq IS NULL`;

const NEXT_UNPUBLISHED = `
  SELECT seq, type, topics, data, actor, occurred_at AS "occurredAt"
  FROM outbox WHERE published_at IS NULL AND rejected_at IS NULL AND seq IS NOT NULL
  ORDER BY seq LIMIT $1`;

const MARK_PUBLISHED = `
  UPDATE outbox SET published_at = now()
  WHERE seq BETWEEN $1 AND $2 AND published_at IS NULL AND rejected_at IS NULL`;

const MARK_REJECTED = 'UPDATE outbox SET rejected_at = now(), rejection = $2 WHERE seq = $1 AND published_at IS NULL';

/** How much of a rejection's explanation is kept on the row and in the log. */
const MAX_REJECTION_LENGTH = 2_000;

/** Redis's answer to an XADD whose id is already in the stream: a re-publish after a crash, not a failure. */
const ALREADY_IN_STREAM = /equal or smaller than the target stream top item/;

/**
 * Publishes outbox rows to Redis, one relay at a time across all instances (Postgres session advisory
 * lock on a dedicated connection; the others retry every `lockRetryMs` and take over when the holder
 * dies). Wakes on NOTIFY from committing writes, polls as a safety net. If Redis is down, rows wait and
 * go out in seq order when it is back. At-least-once: consumers de-duplicate by seq.
 */
export class OutboxRelay {
  readonly stats: RelayStats = { leader: false, published: 0, lastPublishedSeq: 0, failures: 0, rejected: 0 };
  private readonly keys: EventKeys;
  private stopping = false;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private session: pg.Client | undefined;
  private sessionLost = false;
  private lastHousekeeping = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.keys = eventKeys({ prefix: options.prefix });
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the batch in hand, releases the lock and closes the session. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
  }

  /** Runs a cycle now instead of at the next poll: on NOTIFY, on losing the session, on stop. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const session = await this.acquire();
      if (session !== undefined) {
        await this.lead(session);
        await this.release(session);
      }
      if (!this.stopping) await this.sleep(this.options.lockRetryMs);
    }
  }

  private async acquire(): Promise<pg.Client | undefined> {
    const session = new pg.Client(this.options.connection);
    this.sessionLost = false;
    session.on('error', (error) => this.onSessionLost(session, error));
    session.on('end', () => this.onSessionLost(session));
    try {
      await session.connect();
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (rows[0]?.locked === true) return session;
    } catch (error) {
      this.options.log.warn({ err: error }, 'outbox relay: could not reach Postgres for the relay lock');
    }
    await session.end().catch(() => {});
    return undefined;
  }

  private onSessionLost(session: pg.Client, error?: Error): void {
    if (session !== this.session || this.sessionLost) return;
    this.sessionLost = true;
    this.stats.leader = false;
    if (!this.stopping) this.options.log.error({ err: error }, 'outbox relay: lock session lost; relaying stopped');
    this.wake();
  }

  private async lead(session: pg.Client): Promise<void> {
    this.session = session;
    this.stats.leader = true;
    this.options.log.info('outbox relay: this instance is the relay');
    // While Redis is failing, a commit changes nothing for the relay: retrying on each NOTIFY would re-read
    // the whole waiting backlog from Postgres once per write, for as long as the outage lasts.
    session.on('notification', () => {
      if (this.stats.failures === 0) this.wake();
    });
    try {
      await session.query(`LISTEN ${NOTIFY_CHANNEL}`);
      while (!this.stopping && !this.sessionLost) {
        await this.cycle(session);
        await this.sleep(this.stats.failures === 0 ? this.options.pollMs : this.retryDelay());
      }
    } catch (error) {
      if (!this.sessionLost) this.options.log.error({ err: error }, 'outbox relay: session failed; relaying stopped');
    } finally {
      this.stats.leader = false;
    }
  }

  private async release(session: pg.Client): Promise<void> {
    if (!this.sessionLost) await session.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]).catch(() => {});
    this.session = undefined;
    await session.end().catch(() => {});
  }

  /** Assigns seqs, then publishes until nothing is left. Redis failures leave rows for the next cycle. */
  private async cycle(session: pg.Client): Promise<void> {
    await session.query(ASSIGN_SEQS, [this.options.batchSize * 10]);
    while (!this.stopping && !this.sessionLost && (await this.publishBatch(session)) === this.options.batchSize);
    if (Date.now() - this.lastHousekeeping > HOUSEKEEPING_EVERY_MS) await this.housekeeping(session);
  }

  /** Publishes the next rows in seq order; the number of rows done with, 0 when Redis refused them. */
  private async publishBatch(session: pg.Client): Promise<number> {
    const { rows } = await session.query<OutboxRow>(NEXT_UNPUBLISHED, [this.options.batchSize]);
    const first = rows[0];
    const last = rows.at(-1);
    if (first === undefined || last === undefined) return 0;
    const events = await this.validate(session, rows);
    try {
      await this.publish(events);
    } catch (error) {
      this.stats.failures++;
      if (this.stats.failures % 20 === 1) this.options.log.warn({ err: error }, 'outbox relay: Redis unavailable; events wait in the outbox');
      return 0;
    }
    if (this.sessionLost) return 0;
    await session.query(MARK_PUBLISHED, [first.seq, last.seq]);
    this.stats.published += events.length;
    this.stats.lastPublishedSeq = last.seq;
    this.stats.failures = 0;
    return rows.length;
  }

  /**
   * The rows that are valid events, as EventSchema parses them; the others are set aside first. A row that
   * fails was written wrong and will fail every time, so retrying it would stall every event behind it,
   * and publishing it would hand consumers what they cannot read. It is marked rejected (with the reason,
   * logged as an error, counted in /metrics as outbox_rejected_events) and its seq stays a hole in the
   * stream, which consumers already step over. A fixed row is not re-published under its old seq
   * (consumers have moved past it): the write it stood for is redone as a new event.
   */
  private async validate(session: pg.Client, rows: readonly OutboxRow[]): Promise<LivecartEvent[]> {
    const events: LivecartEvent[] = [];
    for (const row of rows) {
      const parsed = EventSchema.safeParse({
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

  private async publish(events: readonly LivecartEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.options.redis.pipeline();
    for (const event of events) {
      // The same bytes go to the stream and the channel.
      const json = serializeEvent(event);
      this.options.l2?.queueSetIfNewer(pipeline, event.data.id, event.data.version, event.type === 'product.deleted' ? null : event.data);
      pipeline.xadd(this.keys.stream, 'MAXLEN', '~', this.options.streamMaxLen, streamEntryId(event), EVENT_FIELD, json);
      pipeline.publish(this.keys.channel, json);
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) {
      if (error !== null && !ALREADY_IN_STREAM.test(error.message)) throw error;
    }
  }

  /** Published rows and idempotency keys are kept for a while (debugging, retries), not forever. */
  private async housekeeping(session: pg.Client): Promise<void> {
    this.lastHousekeeping = Date.now();
    const hours = this.options.retentionHours;
    await session.query('DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)', [hours]);
    await session.query("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'");
  }

  /** pollMs, doubling with each consecutive failure, up to MAX_RETRY_DELAY_MS. */
  private retryDelay(): number {
    return Math.min(this.options.pollMs * 2 ** Math.min(this.stats.failures - 1, 10), MAX_RETRY_DELAY_MS);
  }

  /** Waits `ms`, or less if woken; a wake that came while busy makes the next sleep return at once. */
  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        this.woken = false;
        done();
      };
    });
  }
}
