import type { DeliveryMode } from '@livecart/schemas';
import type { SlowConsumerPolicy } from '../env.js';
import type { LiveEvent } from '../events/live-event.js';
import { BatchFrameCache } from './build-frame.js';
import type { WriterRules } from './client-writer.js';
import { Connection } from './connection.js';
import { emptyHubStats, type HubStats } from './hub-stats.js';
import { TopicIndex } from './topic-index.js';
import type { Transport } from './transport.js';
import { WriteLine, type WriteLineOptions } from './write-line.js';

export type { HubStats } from './hub-stats.js';

export interface HubOptions extends WriteLineOptions {
  /** See `WriterRules.sendBufferMaxBytes`. */
  sendBufferMaxBytes: number;
  slowConsumerPolicy: SlowConsumerPolicy;
}

/**
 * Live fan-out: who follows what (the topic index) and where each event goes. An event is routed
 * through the index to its subscribers' writers (each connection's queue, `ClientWriter`); a writer
 * with events waits in the write line (`WriteLine`) and, at its turn, writes them all as one frame.
 * The hub never touches a writer's queue itself.
 */
export class Hub {
  /** The newest seq published; subscriptions made now get live events after it. */
  seq = 0;
  /** The epoch `seq` belongs to; undefined while the stream has no epoch record. */
  epoch: string | undefined;
  readonly index = new TopicIndex<Connection>();
  readonly connections = new Set<Connection>();
  readonly stats: HubStats = emptyHubStats();
  private readonly line: WriteLine;
  private readonly rules: WriterRules;

  constructor(options: HubOptions) {
    this.line = new WriteLine(options);
    this.rules = {
      sendBufferMaxBytes: options.sendBufferMaxBytes,
      slowConsumerPolicy: options.slowConsumerPolicy,
      stats: this.stats,
      onKicked: (connection) => this.remove(connection),
      onLagging: (writer) => this.line.watchLagging(writer),
    };
  }

  add(transport: Transport, delivery: DeliveryMode = 'all'): Connection {
    const connection = new Connection(transport, this.rules, this.seq, delivery);
    this.connections.add(connection);
    return connection;
  }

  remove(connection: Connection): void {
    if (connection.closed) return;
    connection.writer.close();
    for (const topic of connection.topics.keys()) this.index.remove(topic, connection);
    connection.unfollowAll();
    this.line.forget(connection.writer);
    this.connections.delete(connection);
  }

  /**
   * Adds `topics`, each delivered live for events after `from` (kept lower if the topic was already
   * followed from earlier).
   */
  subscribe(connection: Connection, topics: readonly string[], from: number): void {
    for (const topic of topics) {
      const previous = connection.topics.get(topic);
      if (previous === undefined) connection.follow(this.index.add(topic, connection), from);
      else connection.follow(topic, Math.min(previous, from));
    }
  }

  unsubscribe(connection: Connection, topics: readonly string[]): void {
    for (const topic of topics) {
      if (connection.unfollow(topic)) this.index.remove(topic, connection);
      connection.writer.forgetTopic(topic);
    }
  }

  publish(event: LiveEvent): void {
    this.seq = event.seq;
    this.stats.eventsIn++;
    let routed = false;
    for (const topic of event.topics) {
      const members = this.index.get(topic);
      if (members === undefined) continue;
      for (const connection of members) {
        if (!connection.accept(event, topic) || !connection.writer.offer(event)) continue;
        this.line.enqueue(connection.writer);
        routed = true;
      }
    }
    if (routed) this.line.routed(event);
  }

  /**
   * Another history begins after `seq` of `epoch`: every connection is delivered its events from there on
   * (they were told to reset; seqs of the old history compare with nothing).
   */
  beginEpoch(epoch: string, seq: number): void {
    this.epoch = epoch;
    this.seq = seq;
    for (const connection of this.connections) connection.beginEpoch(seq);
  }

  /** Holds live events for `connection` (a replay is being written) after sending what it already queued. */
  pause(connection: Connection): void {
    connection.writer.pause(new BatchFrameCache());
  }

  resume(connection: Connection): void {
    if (connection.writer.resume()) this.line.enqueue(connection.writer);
  }

  /** See `WriteLine.flush`. */
  flush(budgetMs?: number, holdMs?: number): void {
    this.line.flush(budgetMs, holdMs);
  }

  /** The current hold of the write line, in ms. */
  get holdMs(): number {
    return this.line.holdMs;
  }

  /** Stops the lagging-connection timer; the hub is unusable afterwards. */
  close(): void {
    this.line.close();
    for (const connection of [...this.connections]) this.remove(connection);
  }
}
