import type { EventStream, StreamPage } from '../events/event-stream.js';
import type { RecentEvents } from './recent-events.js';

/** Events handed to replays, by where they were read. */
export interface ReplaySourceStats {
  memory: number;
  stream: number;
}

/**
 * The history replays read: a page the recent-events window holds entirely, in the current epoch, comes
 * from memory (no Redis round trip, no parse, frames already encoded); any other page from the stream, whole.
 * A page is never split between the two, so it has no gap either way. `firstSeq`, `lastSeq` and `epoch`
 * are the stream's: replay asks for `firstSeq` only when a page does not start where it asked, which a
 * page from memory always does.
 */
export class ReplayStream implements EventStream {
  readonly stats: ReplaySourceStats = { memory: 0, stream: 0 };

  constructor(
    private readonly recent: RecentEvents,
    private readonly stream: EventStream,
    /** The epoch delivered now: a window of another one is never read. */
    private readonly currentEpoch: () => string | undefined,
  ) {}

  async range(from: number, to: number, count: number): Promise<StreamPage> {
    const end = Math.min(to, from + count - 1);
    const events = this.recent.covering(from, end, this.currentEpoch());
    if (events !== undefined) {
      this.stats.memory += events.length;
      return { events, next: end < to ? end + 1 : null };
    }
    const page = await this.stream.range(from, to, count);
    this.stats.stream += page.events.length;
    return page;
  }

  firstSeq(): Promise<number | null> {
    return this.stream.firstSeq();
  }

  lastSeq(): Promise<number | null> {
    return this.stream.lastSeq();
  }

  epoch(): ReturnType<EventStream['epoch']> {
    return this.stream.epoch();
  }
}
