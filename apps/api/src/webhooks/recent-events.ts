import type { EventRow } from './worker-sql.js';

/** Rows kept: a few batches for each of several endpoints at different positions. */
const DEFAULT_CAPACITY = 5_000;

/**
 * The published events the worker read last, as one gapless run of the outbox: every published event
 * with a seq in (`after`, `through`] of one epoch. Endpoints usually trail the stream together, so their
 * lanes read each batch from here instead of asking Postgres for the same rows once per endpoint; lanes
 * that miss at the same position share one query. A batch is served from memory when the run holds all
 * of it, or when the run reaches `head`, the last seq the caller knows was published: a short read is then
 * the truth as of the caller's snapshot, so endpoints that caught up at different positions cost one
 * query per round between them, not one each. Otherwise a lane is never told it caught up early.
 */
export class RecentEvents {
  private epoch: string | undefined;
  private rows: EventRow[] = [];
  /** The run covers every published event with after < seq <= through. */
  private after = 0;
  private through = 0;
  private readonly inflight = new Map<string, Promise<EventRow[]>>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /**
   * Up to `limit` published events after `seq` in `epoch`, in seq order; `query` asks Postgres when the run
   * cannot answer. `head`: the last seq known published (fewer rows than `limit` may then come from memory).
   */
  async read(epoch: string, seq: number, limit: number, query: (seq: number, limit: number) => Promise<EventRow[]>, head = Number.POSITIVE_INFINITY): Promise<EventRow[]> {
    const held = this.held(epoch, seq, limit, head);
    if (held !== undefined) return held;
    const key = `${epoch}:${seq}:${limit}`;
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = query(seq, limit).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
      const rows = await pending;
      this.remember(epoch, seq, rows);
      return rows;
    }
    return pending;
  }

  get size(): number {
    return this.rows.length;
  }

  private held(epoch: string, seq: number, limit: number, head: number): EventRow[] | undefined {
    if (epoch !== this.epoch || seq < this.after || seq > this.through) return undefined;
    const start = firstAfter(this.rows, seq);
    if (this.rows.length - start < limit && this.through < head) return undefined;
    return this.rows.slice(start, start + limit);
  }

  /** `rows` are every published event after `seq`, up to the last of them (a full or a short batch alike). */
  private remember(epoch: string, seq: number, rows: EventRow[]): void {
    const last = rows.at(-1);
    if (last === undefined) return;
    if (epoch === this.epoch && seq >= this.after && seq <= this.through) {
      // Joins the run: the rows past its end extend it.
      if (last.seq > this.through) {
        this.rows.push(...rows.slice(firstAfter(rows, this.through)));
        this.through = last.seq;
      }
    } else {
      this.epoch = epoch;
      this.rows = [...rows];
      this.after = seq;
      this.through = last.seq;
    }
    const excess = this.rows.length - this.capacity;
    if (excess > 0) {
      // The run's oldest rows go first; the run still starts right after the last row dropped.
      this.after = this.rows[excess - 1]!.seq;
      this.rows = this.rows.slice(excess);
    }
  }
}

/** The index of the first row with a seq above `seq` (rows in seq order). */
function firstAfter(rows: readonly EventRow[], seq: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (rows[middle]!.seq <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}
