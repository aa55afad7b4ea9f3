import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { WEBHOOK_RESET_TYPE, webhookResetMessageId, type WebhookReset } from '@livecart/schemas';
import pg from 'pg';
import { isForeignKeyViolation } from '../db/pg-errors.js';
import type { Log } from '../log.js';
import { releaseLease, renewLease, takeLease, type RelayLease } from '../outbox/relay-lease.js';
import { createWebhookSignature } from '../services/payments/webhook-signature.js';
import { disableFailingEndpoint } from '../services/webhooks/disable-failing-endpoint.js';
import { DeliveryLogWriter } from './delivery-log-writer.js';
import { EventBodies } from './event-bodies.js';
import { laneMessages, type Message } from './lane-messages.js';
import { OpenedSecrets } from './opened-secrets.js';
import { PendingDeliveries, type CursorPosition } from './pending-deliveries.js';
import { RecentEvents } from './recent-events.js';
import { postMessage, type PostOutcome } from './post-message.js';
import { retryDelayMs, type RetrySchedule } from './retry-schedule.js';
import type { SecretSealer } from './secret-sealer.js';
import { UrlRefusedError, type UrlGuard } from './url-guard.js';
import { DELIVERY_LOG_ENDPOINT_KEY, leaseFence, LOG_ATTEMPT, PRUNE_LOG, READ_ENDPOINTS, READ_EVENTS, READ_HISTORY, RECORD_FAILURE, type DeliveryEndpoint, type EventRow, type History } from './worker-sql.js';
import { WakeableSleep } from '../outbox/wakeable-sleep.js';

export interface WebhookWorkerOptions {
  /** The lease's own session; the lease does not depend on it staying open. */
  connection: pg.ClientConfig;
  /** The worker's own pool (never the request path's): cursors, events, the delivery log. */
  pool: pg.Pool;
  guard: UrlGuard;
  /** Opens the endpoints' signing secrets, stored sealed. */
  sealer: SecretSealer;
  /** The longest pause between rounds: retries that came due, and a publication no wake-up announced. */
  pollMs: number;
  /**
   * The shortest time from one round's start to the next's: a publication (`published`) starts a round
   * this soon after the last one at the earliest, so a steady stream of events makes rounds this far apart.
   */
  roundMinMs: number;
  lockRetryMs: number;
  leaseMs: number;
  /** Endpoints delivered to at the same time, at most; each endpoint gets one message at a time. */
  concurrency: number;
  timeoutMs: number;
  retry: RetrySchedule;
  /** An endpoint failing every attempt for this long is disabled. */
  disableAfterMs: number;
  logRetentionHours: number;
  log: Log;
}

export interface WebhookWorkerStats {
  leader: boolean;
  generation: number;
  leaseLosses: number;
  /** Messages delivered: events, batches, reset notices. */
  delivered: number;
  /** Events in those messages. */
  deliveredEvents: number;
  failed: number;
  disabled: number;
}

interface LaneState {
  epoch: string | null;
  seq: number;
  attempts: number;
}

const LEASE_TABLE = 'webhook_worker_lease';
/** Events read per query while an endpoint catches up (at least its batch size). */
const READ_SIZE = 100;
/** Events one endpoint is sent before its lane gives its place to the others for a turn. */
const LANE_BUDGET = 500;
const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

/**
 * Delivers every published event to each matching webhook endpoint, in seq order per endpoint, at least
 * once. One worker at a time across all instances: the holder of the worker lease (relay-lease.ts, on its
 * own table), renewed every third of `leaseMs`, taken over by another instance once it lapses; every
 * cursor move is fenced by the lease's generation. Reads committed events from the outbox (the relay keeps
 * them until every enabled endpoint has them), on its own connections, so the live path never waits for
 * it. Each endpoint has one lane: one message in flight (an event, or a batch of up to its
 * `maxBatchSize`: lane-messages.ts), a timeout per request, a retry schedule of its own; at most
 * `concurrency` lanes run at once, so a slow endpoint delays only itself.
 */
export class WebhookWorker {
  readonly stats: WebhookWorkerStats = { leader: false, generation: 0, leaseLosses: 0, delivered: 0, deliveredEvents: 0, failed: 0, disabled: 0 };
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  private readonly lanes = new Map<string, Promise<void>>();
  private running: Promise<void> | undefined;
  private stopping = false;
  private leaseLost = false;
  private leaseDeadline = 0;
  private lastHousekeeping = 0;
  private roundFailures = 0;
  private renewing: Promise<void> | undefined;
  private round = 0;
  /** The pause between rounds: cut short by a publication, a lane's leftover work, a lost lease or stop. */
  private readonly naps = new WakeableSleep();
  /** The least gap between rounds' starts: cut short only by a lost lease or stop. */
  private readonly gaps = new WakeableSleep();
  /** The last seq heard published, and when: a round that does not find it published yet looks again. */
  private readonly heard = { seq: 0, at: 0 };
  private readonly bodies = new EventBodies();
  private readonly events = new RecentEvents();
  /** When this holder's lanes last moved each endpoint's cursor, to tell a stale read of it (see tick). */
  private readonly writtenAt = new Map<string, number>();
  private readonly secrets: OpenedSecrets;
  private readonly logWriter: DeliveryLogWriter;
  private session: pg.Client | undefined;
  private lease: RelayLease | undefined;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.secrets = new OpenedSecrets(options.sealer);
    this.logWriter = new DeliveryLogWriter(options.pool);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Lets the deliveries in flight finish, releases the lease and closes the worker's connections. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interrupt();
    await this.running;
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private get leading(): boolean {
    return this.lease !== undefined && !this.leaseLost && !this.stopping;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const held = await this.acquire();
      if (held !== undefined) await this.lead(held.session, held.lease);
      if (!this.stopping) await this.sleep(this.options.lockRetryMs);
    }
  }

  private async acquire(): Promise<{ session: pg.Client; lease: RelayLease } | undefined> {
    const session = new pg.Client(this.options.connection);
    session.on('error', (error) => this.stepDown(session, `the lease session failed: ${error.message}`));
    session.on('end', () => this.stepDown(session, 'the lease session closed'));
    try {
      await session.connect();
      const takenAt = Date.now();
      const lease = await takeLease(session, this.holder, this.options.leaseMs, LEASE_TABLE);
      if (lease !== undefined) {
        this.leaseDeadline = takenAt + this.options.leaseMs;
        return { session, lease };
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'webhooks: could not reach Postgres for the worker lease');
    }
    await session.end().catch(() => {});
    return undefined;
  }

  private stepDown(session: pg.Client, why: string): void {
    if (session !== this.session || this.leaseLost) return;
    this.leaseLost = true;
    this.stats.leader = false;
    if (!this.stopping) {
      this.stats.leaseLosses++;
      this.options.log.error({ generation: this.stats.generation, why }, 'webhooks: worker lease lost; this instance stops delivering');
    }
    this.interrupt();
  }

  private async renew(session: pg.Client, lease: RelayLease): Promise<void> {
    if (!this.leading) return this.renewing;
    // Overdue (frozen, or a stalled event loop): the lease may be another's already; stop before asking.
    if (Date.now() >= this.leaseDeadline) return this.stepDown(session, 'the lease was not renewed in time');
    // One renewal at a time: a slow one is not joined by another every third of the lease.
    if (this.renewing !== undefined) return this.renewing;
    const sentAt = Date.now();
    this.renewing = (async () => {
      try {
        if (await renewLease(session, lease, this.options.leaseMs, LEASE_TABLE)) this.leaseDeadline = sentAt + this.options.leaseMs;
        else this.stepDown(session, 'the lease lapsed or was taken over');
      } catch (error) {
        if (this.leading) this.options.log.warn({ err: error }, 'webhooks: could not renew the worker lease');
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  private async lead(session: pg.Client, lease: RelayLease): Promise<void> {
    this.session = session;
    this.lease = lease;
    this.leaseLost = false;
    this.stats.leader = true;
    this.stats.generation = lease.generation;
    this.writtenAt.clear();
    this.options.log.info({ generation: lease.generation }, 'webhooks: this instance delivers webhooks');
    const renewal = setInterval(() => void this.renew(session, lease), Math.max(1, Math.floor(this.options.leaseMs / 3)));
    try {
      while (this.leading) {
        const started = performance.now();
        await this.tick(lease).then(
          () => {
            this.roundFailures = 0;
          },
          (error: unknown) => {
            // Once per outage, then every 100th round: Postgres being away is not news every poll.
            if (this.roundFailures++ % 100 === 0) this.options.log.warn({ err: error }, 'webhooks: delivery round failed; retrying');
          },
        );
        // Rounds at most every roundMinMs, however often events are published: each round's batches
        // carry what came meanwhile. Then until a publication wakes the worker, or pollMs after the start.
        const { roundMinMs, pollMs } = this.options;
        const gap = roundMinMs - (performance.now() - started);
        if (gap > 0) await this.gaps.sleep(gap, this.stopping);
        await this.sleep(Math.max(0, pollMs - (performance.now() - started)));
      }
    } finally {
      clearInterval(renewal);
      this.stats.leader = false;
      await Promise.all(this.lanes.values());
      if (!this.leaseLost) await releaseLease(session, lease, LEASE_TABLE).catch(() => {});
      this.lease = undefined;
      this.session = undefined;
      await session.end().catch(() => {});
    }
  }

  /** Starts a lane for each endpoint that has something due, up to `concurrency` lanes. */
  private async tick(lease: RelayLease): Promise<void> {
    const { pool } = this.options;
    if (Date.now() - this.lastHousekeeping > HOUSEKEEPING_EVERY_MS) {
      this.lastHousekeeping = Date.now();
      await pool.query(PRUNE_LOG, [this.options.logRetentionHours]);
    }
    const readAt = performance.now();
    const [{ rows: histories }, { rows: endpoints }] = await Promise.all([pool.query<History>(READ_HISTORY), pool.query<DeliveryEndpoint>(READ_ENDPOINTS)]);
    const history = histories[0];
    this.secrets.keepOnly(new Set(endpoints.map((endpoint) => endpoint.id)));
    if (history === undefined) return;
    // Heard before the relay marked it published (it tells Redis first): another round once roundMinMs
    // allows, for as long as a poll would have waited (a seq of a history since rolled back is let go).
    if (history.published < this.heard.seq && performance.now() - this.heard.at < this.options.pollMs) this.wake();
    // An endpoint whose cursor a lane moved after this read began may be read as it was before: a lane
    // started from there would send those messages again. It waits for the next round's read.
    // Each round starts one endpoint further along, so that with more endpoints behind than lanes, none waits for ever.
    const start = endpoints.length === 0 ? 0 : this.round++ % endpoints.length;
    for (const endpoint of [...endpoints.slice(start), ...endpoints.slice(0, start)]) {
      if (this.lanes.size >= this.options.concurrency || !this.leading) break;
      if (this.lanes.has(endpoint.id) || (this.writtenAt.get(endpoint.id) ?? 0) > readAt || !endpoint.due || !this.behind(endpoint, history)) continue;
      const lane = this.runLane(endpoint, history, lease)
        .catch((error: unknown) => {
          // Deleted between the log's existence check and its insert: nothing is left to deliver to.
          if (isForeignKeyViolation(error, DELIVERY_LOG_ENDPOINT_KEY)) return;
          this.options.log.warn({ err: error, endpointId: endpoint.id }, 'webhooks: endpoint lane failed; retrying');
        })
        .finally(() => this.lanes.delete(endpoint.id));
      this.lanes.set(endpoint.id, lane);
    }
  }

  private behind(endpoint: DeliveryEndpoint, history: History): boolean {
    return endpoint.cursorEpoch !== history.epoch || endpoint.cursorSeq < history.published || (history.oldest !== null && history.oldest > endpoint.cursorSeq + 1);
  }

  /**
   * Brings one endpoint forward from its cursor: a reset notice first where its history broke, then each
   * matching event in seq order, moving the cursor after the deliveries (PendingDeliveries: in batches).
   * Ends at the first failure (the retry is scheduled), when caught up, or after LANE_BUDGET messages.
   */
  private async runLane(endpoint: DeliveryEndpoint, history: History, lease: RelayLease): Promise<void> {
    const pending = new PendingDeliveries();
    try {
      await this.deliverLane(endpoint, history, lease, pending);
    } finally {
      // What was delivered before the lane stopped is logged, and the cursor moved past it (fenced: not once the lease is lost).
      await this.flush(endpoint, lease, pending).catch((error: unknown) => {
        if (!isForeignKeyViolation(error, DELIVERY_LOG_ENDPOINT_KEY)) this.options.log.warn({ err: error, endpointId: endpoint.id }, 'webhooks: could not log deliveries; they will be sent again');
      });
    }
  }

  private async deliverLane(endpoint: DeliveryEndpoint, history: History, lease: RelayLease, pending: PendingDeliveries): Promise<void> {
    const state = { epoch: endpoint.cursorEpoch, seq: endpoint.cursorSeq, attempts: endpoint.attempts };
    const { epoch } = history;
    if (state.epoch !== epoch) {
      // A new history (a restored database): its seqs continue from what this database says was delivered.
      const afterSeq = Math.min(state.seq, history.published);
      const moved = state.epoch === null
        ? await this.stepTo(endpoint, lease, state, pending, { epoch, seq: afterSeq })
        : await this.send(endpoint, lease, state, pending, this.resetMessage(endpoint.id, { epoch, afterSeq, reason: 'epoch' }), { epoch, seq: afterSeq });
      if (!moved) return;
    }
    if (history.oldest !== null && history.oldest > state.seq + 1) {
      // Pruned while the endpoint was disabled: what it missed is gone, and it is told so.
      const afterSeq = history.oldest - 1;
      if (!(await this.send(endpoint, lease, state, pending, this.resetMessage(endpoint.id, { epoch, afterSeq, reason: 'history_pruned' }), { epoch, seq: afterSeq }))) return;
    }
    let sent = 0;
    const readSize = Math.max(READ_SIZE, endpoint.maxBatchSize);
    while (this.leading) {
      const rows = await this.events.read(epoch, state.seq, readSize, this.readEvents, history.published);
      for (const message of laneMessages(endpoint, epoch, rows, this.bodies)) {
        if (!(await this.send(endpoint, lease, state, pending, message, { epoch, seq: message.lastSeq as number }))) return;
        sent += message.events;
      }
      const last = rows.at(-1);
      // Events it does not take move the cursor too, once per read.
      if (last !== undefined && last.seq > state.seq && !(await this.stepTo(endpoint, lease, state, pending, { epoch, seq: last.seq }))) return;
      if (rows.length < readSize) return;
      if (sent >= LANE_BUDGET) {
        this.wake();
        return;
      }
    }
  }

  private readonly readEvents = async (seq: number, limit: number): Promise<EventRow[]> => (await this.options.pool.query<EventRow>(READ_EVENTS, [seq, limit])).rows;

  private resetMessage(endpointId: string, reset: Omit<WebhookReset, 'type'>): Message {
    const body: WebhookReset = { type: WEBHOOK_RESET_TYPE, ...reset };
    return { id: webhookResetMessageId(endpointId, reset.epoch, reset.afterSeq), type: WEBHOOK_RESET_TYPE, seq: null, lastSeq: null, events: 0, body: Buffer.from(JSON.stringify(body)) };
  }

  /** Moves the lane past events the endpoint does not take; the cursor follows with the next write. */
  private async stepTo(endpoint: DeliveryEndpoint, lease: RelayLease, state: LaneState, pending: PendingDeliveries, to: CursorPosition): Promise<boolean> {
    pending.steppedTo(to);
    state.epoch = to.epoch;
    state.seq = to.seq;
    state.attempts = 0;
    return pending.due ? this.flush(endpoint, lease, pending) : true;
  }

  /** Writes what the lane delivered since its last write; false when the cursor did not move (lease lost, endpoint changed or gone). */
  private async flush(endpoint: DeliveryEndpoint, lease: RelayLease, pending: PendingDeliveries): Promise<boolean> {
    const taken = pending.take();
    if (taken === undefined) return true;
    const moved = await this.logWriter.write({ endpointId: endpoint.id, revision: endpoint.revision, rows: taken.rows, to: taken.to, lease });
    if (moved) this.writtenAt.set(endpoint.id, performance.now());
    return moved;
  }

  /**
   * One attempt at one message. Delivered: its log row and the cursor move to `to` join the pending write
   * (false if that write, when due, did not move the cursor). Failed: what was pending is written, the
   * attempt logged, the next one scheduled (or the endpoint disabled), and false.
   */
  private async send(endpoint: DeliveryEndpoint, lease: RelayLease, state: LaneState, pending: PendingDeliveries, message: Message, to: CursorPosition): Promise<boolean> {
    if (!this.leading) return false;
    // Back from a freeze before the renewal timer ran: the lease may be another's already.
    if (Date.now() >= this.leaseDeadline && this.session !== undefined) {
      this.stepDown(this.session, 'the lease was not renewed in time');
      return false;
    }
    const attemptedAt = new Date().toISOString();
    const started = performance.now();
    const outcome = await this.post(endpoint, message);
    const latencyMs = Math.round(performance.now() - started);
    const attempt = state.attempts + 1;
    const fence = [lease.holder, lease.generation];
    const { pool } = this.options;
    if (outcome.error === null) {
      this.stats.delivered++;
      this.stats.deliveredEvents += message.events;
      pending.delivered({ messageId: message.id, seq: message.seq, lastSeq: message.lastSeq, events: message.events, type: message.type, attempt, statusCode: outcome.statusCode, latencyMs, attemptedAt }, to);
      state.epoch = to.epoch;
      state.seq = to.seq;
      state.attempts = 0;
      return pending.due ? this.flush(endpoint, lease, pending) : true;
    }
    if (!(await this.flush(endpoint, lease, pending))) return false;
    await pool.query(LOG_ATTEMPT, [endpoint.id, message.id, message.seq, message.type, attempt, outcome.statusCode, latencyMs, outcome.error, false, ...fence, message.lastSeq, message.events]);
    this.stats.failed++;
    state.attempts = attempt;
    const delay = retryDelayMs(this.options.retry, attempt);
    const { rows } = await pool.query<{ expired: boolean }>(RECORD_FAILURE, [endpoint.id, endpoint.revision, delay, ...fence, this.options.disableAfterMs]);
    if (rows[0]?.expired === true) {
      const disabled = await disableFailingEndpoint({
        pool,
        id: endpoint.id,
        revision: endpoint.revision,
        stuckAtSeq: message.seq ?? state.seq,
        lastError: outcome.error,
        fence: { sql: leaseFence(1, 2), params: fence },
      });
      if (disabled) {
        this.stats.disabled++;
        this.options.log.warn({ endpointId: endpoint.id, stuckAtSeq: message.seq ?? state.seq, lastError: outcome.error }, 'webhooks: endpoint failed for the whole failure period; disabled');
      }
    }
    return false;
  }

  private async post(endpoint: DeliveryEndpoint, message: Message): Promise<PostOutcome> {
    const url = new URL(endpoint.url);
    let target;
    try {
      target = await this.options.guard.resolve(url);
    } catch (error) {
      if (error instanceof UrlRefusedError) return { statusCode: null, error: `refused: ${error.message}` };
      throw error;
    }
    let secrets;
    try {
      secrets = this.secrets.open(endpoint.id, endpoint.secret, endpoint.previousSecret);
    } catch (error) {
      // Failed like any attempt (logged, retried, the endpoint disabled in the end): a key dropped from the ring too soon shows here.
      return { statusCode: null, error: `not signed: ${(error as Error).message}` };
    }
    const timestampS = Math.floor(Date.now() / 1_000);
    const signed = createWebhookSignature({ secret: secrets.secret, toleranceS: 0 }).sign(message.id, message.body, timestampS);
    if (secrets.previous !== null) {
      const previous = createWebhookSignature({ secret: secrets.previous, toleranceS: 0 }).sign(message.id, message.body, timestampS);
      signed['webhook-signature'] = `${signed['webhook-signature']} ${previous['webhook-signature']}`;
    }
    return postMessage({
      url,
      target,
      headers: { 'content-type': 'application/json', 'user-agent': 'livecart-webhooks', ...signed },
      body: message.body,
      timeoutMs: this.options.timeoutMs,
      agents: this.agents,
    });
  }

  /**
   * A relay published the event `seq` (heard on the events channel by this instance): the next round
   * starts as soon as `roundMinMs` allows, instead of at the next poll. Only while delivering: a standby
   * keeps to its lease retries.
   */
  published(seq: number): void {
    // The last one heard, not the highest: after a restore the history's seqs start lower again. Updated in
    // place: this runs for every event the instance hears.
    this.heard.seq = seq;
    this.heard.at = performance.now();
    if (this.leading) this.naps.wake();
  }

  private wake(): void {
    this.naps.wake();
  }

  /** Ends whatever pause the worker is in: the lease was lost, or it is stopping. */
  private interrupt(): void {
    this.naps.wake();
    this.gaps.wake();
  }

  private sleep(ms: number): Promise<void> {
    return this.naps.sleep(ms, this.stopping);
  }
}

