import type { DeliveryMode } from '@livecart/schemas';
import type { LiveEvent } from '../events/live-event.js';
import { ClientWriter, type WriterRules } from './client-writer.js';
import type { Transport } from './transport.js';

/** One client as the hub sees it: what it follows, from which seq, and its writer queue. */
export class Connection {
  /** topic → the seq after which this connection gets that topic's events. */
  private readonly following = new Map<string, number>();
  /** An upper bound of the values in `following`: events above it skip the per-topic check. */
  private maxFrom = 0;
  /** The newest seq accepted here; every seq is accepted at most once, and in order. */
  private lastSeq: number;
  readonly writer: ClientWriter;

  constructor(
    readonly transport: Transport,
    rules: WriterRules,
    /** Events up to this seq were published before the connection existed. */
    seq: number,
    /** `latest`: a write carries only the newest state of each subject (see DELIVERY_MODES). */
    readonly delivery: DeliveryMode = 'all',
  ) {
    this.lastSeq = seq;
    this.writer = new ClientWriter(this, rules);
  }

  /** The topics followed, each with the seq after which its events are delivered here. */
  get topics(): ReadonlyMap<string, number> {
    return this.following;
  }

  get closed(): boolean {
    return this.writer.closed;
  }

  /** Sets the seq after which `topic` is delivered here. */
  follow(topic: string, from: number): void {
    this.following.set(topic, from);
    if (from > this.maxFrom) this.maxFrom = from;
  }

  /** Stops following `topic`; false if it was not followed. */
  unfollow(topic: string): boolean {
    return this.following.delete(topic);
  }

  /**
   * Whether `event`, routed here through `topic`, is one to deliver, and if so takes it as the newest:
   * not when already taken through another of its topics or older than one taken, nor when it is at or
   * before the seq `topic` was subscribed from (the client has it).
   */
  accept(event: LiveEvent, topic: string): boolean {
    const seq = event.seq;
    if (seq <= this.lastSeq) return false;
    if (seq <= this.maxFrom && seq <= (this.following.get(topic) ?? 0)) return false;
    this.lastSeq = seq;
    return true;
  }

  /** Another history begins after `seq`: every topic is delivered from there, whatever seqs came before. */
  beginEpoch(seq: number): void {
    for (const topic of this.following.keys()) this.following.set(topic, seq);
    this.maxFrom = seq;
    this.lastSeq = seq;
  }

  unfollowAll(): void {
    this.following.clear();
  }
}
