import type { LiveEvent } from '../events/live-event.js';

/**
 * The last `capacity` events the sequencer delivered, as the same `LiveEvent` objects the hub fanned out
 * (so a frame encoded once serves every replay from here too). It only ever holds a gapless run of one
 * epoch: an event that does not follow the newest held one by seq, or belongs to another epoch, starts a
 * new run, and whoever learns of a break the seqs cannot show (events lost, a restart in another history)
 * calls `clear`. A range is answered only when the run holds all of it; the caller reads the stream else.
 */
export class RecentEvents {
  private readonly ring: (LiveEvent | undefined)[];
  /** Index in `ring` of the oldest held event. */
  private head = 0;
  private length = 0;
  private first = 0;
  private runEpoch: string | undefined;

  constructor(readonly capacity: number) {
    this.ring = new Array<LiveEvent | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** The oldest held seq, or null when nothing is held. */
  get firstSeq(): number | null {
    return this.length === 0 ? null : this.first;
  }

  /** The newest held seq, or null when nothing is held. */
  get lastSeq(): number | null {
    return this.length === 0 ? null : this.first + this.length - 1;
  }

  /** Appends the event delivered next, dropping the oldest when full. */
  add(event: LiveEvent): void {
    if (this.capacity === 0) return;
    if (this.length > 0 && (event.seq !== this.first + this.length || event.epoch !== this.runEpoch)) this.clear();
    if (this.length === 0) {
      this.first = event.seq;
      this.runEpoch = event.epoch;
    }
    if (this.length === this.capacity) {
      this.ring[this.head] = event;
      this.head = (this.head + 1) % this.capacity;
      this.first++;
    } else {
      this.ring[(this.head + this.length) % this.capacity] = event;
      this.length++;
    }
  }

  /** Forgets everything held: the next event starts a new run. */
  clear(): void {
    this.ring.fill(undefined, 0, this.capacity);
    this.head = 0;
    this.length = 0;
  }

  /** The events `from..to` of `epoch`, in order, when all of them are held; otherwise undefined. */
  covering(from: number, to: number, epoch: string | undefined): LiveEvent[] | undefined {
    if (this.length === 0 || epoch !== this.runEpoch || from > to || from < this.first || to >= this.first + this.length) return undefined;
    const events = new Array<LiveEvent>(to - from + 1);
    let index = (this.head + from - this.first) % this.capacity;
    for (let i = 0; i < events.length; i++) {
      events[i] = this.ring[index]!;
      index = index + 1 === this.capacity ? 0 : index + 1;
    }
    return events;
  }
}
