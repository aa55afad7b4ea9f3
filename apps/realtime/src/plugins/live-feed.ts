import { eventKeys } from '@livecart/schemas/transport';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { RedisEventSource } from '../events/event-source.js';
import { RedisEventStream, type EventStream } from '../events/event-stream.js';
import type { LiveEvent } from '../events/live-event.js';
import { Sequencer } from '../events/sequencer.js';
import { Hub } from '../hub/hub.js';
import type { RealtimeOptions } from '../options.js';
import { ClientStats } from '../protocol/client-stats.js';
import { RecentEvents } from '../replay/recent-events.js';
import { ReplayStream } from '../replay/replay-stream.js';
import { Heartbeat } from '../ws/heartbeat.js';

export interface LiveFeed {
  hub: Hub;
  /** The Redis Stream: gap filling and the epoch record. */
  stream: EventStream;
  /** The last events delivered, served to resumes they cover. */
  recentEvents: RecentEvents;
  /** What replays read: `recentEvents` when it covers a page, else `stream`. */
  replayStream: ReplayStream;
  sequencer: Sequencer;
  source: RedisEventSource;
  heartbeat: Heartbeat;
  clientStats: ClientStats;
  /** Hook for the lag histogram, set by the metrics plugin. */
  onFlushed: ((events: readonly LiveEvent[], nowMs: number) => void) | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    liveFeed: LiveFeed;
  }
}

/** Redis events → sequencer (order, de-dup, gap fill) → hub (fan-out); plus heartbeat and counters. */
export const liveFeedPlugin = fp<RealtimeOptions>(
  async (app, options) => {
    const logger = app.log as Logger;
    const keys = eventKeys({ prefix: options.redisPrefix });
    const stream = new RedisEventStream(app.redis, keys.stream, keys.epoch, (id, error) =>
      logger.warn({ err: error, id }, 'skipped a stream entry that is not a routable event'),
    );
    const clientStats = new ClientStats();
    const hub: Hub = new Hub({
      sendBufferMaxBytes: options.sendBufferMaxBytes,
      slowConsumerPolicy: options.slowConsumerPolicy,
      adaptiveFlush: options.adaptiveFlush,
      onFlushed: (events, nowMs) => feed.onFlushed?.(events, nowMs),
    });
    const recentEvents = new RecentEvents(options.replayMemoryEvents);
    // Gap filling keeps reading the stream: it fetches seqs not delivered yet, which the window never holds.
    const sequencer = new Sequencer({
      stream,
      deliver: (event) => {
        recentEvents.add(event);
        hub.publish(event);
      },
      // A start or a restart (another epoch, whose seqs may go on from the held ones) breaks the run.
      onStart: (lastSeq) => {
        recentEvents.clear();
        hub.seq = lastSeq;
      },
      onLost: (from, to) => {
        recentEvents.clear();
        hub.seq = Math.max(hub.seq, to);
        // Nobody can tell which topics those events touched: every client must refetch.
        logger.error({ from, to }, 'events were trimmed from the stream before they could be fetched; resetting clients');
        for (const connection of hub.connections) {
          const topics = [...connection.topics.keys()];
          if (topics.length > 0) connection.transport.sendMessage({ type: 'reset', topics, seq: to, reason: 'history_trimmed' });
        }
      },
      onFillError: (error) => logger.warn({ err: error }, 'reading missed events from the stream failed; retrying'),
    });
    const feed: LiveFeed = {
      hub,
      stream,
      recentEvents,
      replayStream: new ReplayStream(recentEvents, stream, () => hub.epoch),
      sequencer,
      source: new RedisEventSource({
        subscriber: app.redisSubscriber,
        stream,
        channel: keys.channel,
        sequencer,
        logger,
        onEpochKnown: (epoch) => {
          hub.epoch = epoch;
        },
        onEpochChange: (record) => {
          hub.beginEpoch(record.id, record.base);
          // Every position a client holds is of the old history: all of them refetch and carry on from here.
          for (const connection of hub.connections) {
            const topics = [...connection.topics.keys()];
            if (topics.length > 0) connection.transport.sendMessage({ type: 'reset', topics, seq: record.base, epoch: record.id, reason: 'epoch_changed' });
          }
        },
      }),
      heartbeat: new Heartbeat({
        intervalMs: options.heartbeatIntervalMs,
        timeoutMs: options.heartbeatTimeoutMs,
        onDead: () => clientStats.count(clientStats.kicks, 'heartbeat'),
      }),
      clientStats,
      onFlushed: undefined,
    };
    app.decorate('liveFeed', feed);
    feed.heartbeat.start();
    app.addHook('onClose', async () => {
      feed.heartbeat.stop();
      feed.source.stop();
      feed.hub.close();
    });
  },
  { name: 'live-feed', dependencies: ['redis'] },
);
