import type pg from 'pg';
import type { RelayLease } from '../outbox/relay-lease.js';
import type { CursorPosition, DeliveredMessage } from './pending-deliveries.js';
import { LOG_DELIVERED_AND_ADVANCE } from './worker-sql.js';

/** One lane's write: its delivered messages' log rows and its cursor's new position. */
export interface LaneWrite {
  endpointId: string;
  /** The endpoint's revision the lane read; the cursor moves only from it. */
  revision: number;
  rows: readonly DeliveredMessage[];
  to: CursorPosition;
  lease: RelayLease;
}

interface Queued extends LaneWrite {
  resolve: (moved: boolean) => void;
  reject: (error: unknown) => void;
}

/** Lanes written per statement at most. */
const MAX_LANES = 100;

/**
 * Writes the lanes' delivery log rows and cursor moves, several lanes per statement. The lanes of one
 * round answer at about the same moment; a statement (and a commit) each would cost Postgres one commit
 * per endpoint per round, on the machine the live path runs on. Group commit: a write that finds none in
 * flight goes at once, and every write that arrives while one is in flight goes together in the next.
 * Each lane still learns whether its own cursor moved (lease lost, endpoint changed or deleted: it did not).
 */
export class DeliveryLogWriter {
  private queue: Queued[] = [];
  private draining = false;

  constructor(private readonly pool: pg.Pool) {}

  /** True when the lane's cursor moved to `write.to`, with its log rows written in the same statement. */
  write(write: LaneWrite): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ ...write, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Writes until the queue is empty; `draining` falls in the same turn as the last look at the queue. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          const moved = await this.run(batch);
          for (const write of batch) write.resolve(moved.has(write.endpointId));
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** The oldest writes of one lease, one per endpoint (a lane awaits its write, so two are a lane's next). */
  private takeBatch(): Queued[] {
    const { holder, generation } = this.queue[0]!.lease;
    const batch: Queued[] = [];
    const endpoints = new Set<string>();
    const rest: Queued[] = [];
    for (const write of this.queue) {
      const fits = batch.length < MAX_LANES && write.lease.holder === holder && write.lease.generation === generation && !endpoints.has(write.endpointId);
      if (fits) {
        batch.push(write);
        endpoints.add(write.endpointId);
      } else rest.push(write);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: readonly Queued[]): Promise<Set<string>> {
    const rows = batch.flatMap((write) => write.rows.map((row) => ({ endpointId: write.endpointId, ...row })));
    const { holder, generation } = batch[0]!.lease;
    const { rows: moved } = await this.pool.query<{ id: string }>(LOG_DELIVERED_AND_ADVANCE, [
      batch.map((write) => write.endpointId),
      batch.map((write) => write.revision),
      batch.map((write) => write.to.epoch),
      batch.map((write) => write.to.seq),
      holder,
      generation,
      rows.map((row) => row.endpointId),
      rows.map((row) => row.messageId),
      rows.map((row) => row.seq),
      rows.map((row) => row.lastSeq),
      rows.map((row) => row.events),
      rows.map((row) => row.type),
      rows.map((row) => row.attempt),
      rows.map((row) => row.statusCode),
      rows.map((row) => row.latencyMs),
      rows.map((row) => row.attemptedAt),
    ]);
    return new Set(moved.map((row) => row.id));
  }
}
