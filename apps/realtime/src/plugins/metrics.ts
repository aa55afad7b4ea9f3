import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** A counter whose total lives in plain domain counters, read at scrape time instead of on the hot path. */
function mirrored(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function mirroredByLabel<Key extends string>(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => ReadonlyMap<Key, number>,
): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, count] of read()) this.inc({ [label]: value }, count);
    },
  });
}

/** Prometheus metrics of this instance, on a registry of its own (several apps may share a process in tests). */
export const metricsPlugin = fp<{ instanceId: string }>(
  async (app, options) => {
    const registry = new Registry();
    registry.setDefaultLabels({ instance_id: options.instanceId });
    collectDefaultMetrics({ register: registry });
    const { hub, sequencer, source, clientStats, recentEvents, replayStream } = app.liveFeed;

    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    gauge('realtime_connections', 'Open WebSocket connections.', () => hub.connections.size);
    gauge('realtime_subscriptions', 'Topic subscriptions over all connections.', () => hub.index.subscriptionCount);
    gauge('realtime_topics', 'Distinct topics with at least one subscriber.', () => hub.index.topicCount);
    gauge('realtime_redis_subscribed', '1 while the event subscription is live.', () => (source.ready ? 1 : 0));
    gauge('realtime_last_seq', 'Newest event seq delivered to the hub.', () => sequencer.lastSeq);
    gauge('realtime_replay_memory_events', 'Delivered events held in memory for replays (up to WS_REPLAY_MEMORY_EVENTS).', () => recentEvents.size);
    gauge('realtime_flush_hold_seconds', 'How long a connection is held after its first pending event, so that its write carries more (0 unless writing is saturating the process).', () => hub.holdMs / 1000);

    mirrored(registry, 'realtime_pubsub_messages_total', 'Messages received from Redis pub/sub.', () => source.stats.received);
    mirrored(registry, 'realtime_events_invalid_total', 'Published messages dropped as not routable.', () => source.stats.invalid);
    mirrored(registry, 'realtime_epoch_changes_total', 'Times the event stream started a new epoch (every client was told to reset).', () => source.stats.epochChanges);
    mirrored(registry, 'realtime_events_duplicate_total', 'Re-published events dropped by seq.', () => sequencer.stats.duplicates);
    mirrored(registry, 'realtime_gap_fills_total', 'Stream reads to fill a gap in the live feed.', () => sequencer.stats.gapFills);
    mirrored(registry, 'realtime_events_recovered_total', 'Events read from the stream to fill gaps.', () => sequencer.stats.recovered);
    mirrored(registry, 'realtime_events_lost_total', 'Events trimmed from the stream before they could be fetched.', () => sequencer.stats.lost);
    mirrored(registry, 'realtime_events_in_total', 'Events fanned out, in seq order.', () => hub.stats.eventsIn);
    mirrored(registry, 'realtime_events_out_total', 'Live events written, once per receiving connection.', () => hub.stats.delivered);
    mirrored(registry, 'realtime_batch_frames_total', 'Frames carrying several events.', () => hub.stats.batchFrames);
    mirrored(registry, 'realtime_event_frames_total', 'Frames carrying one event.', () => hub.stats.eventFrames);
    mirrored(registry, 'realtime_slow_consumer_closes_total', 'Connections closed with 4000 for reading too slowly.', () => hub.stats.slowConsumerKicks);
    mirrored(registry, 'realtime_slow_consumer_lagging_total', 'Times a connection fell back to newest-per-topic delivery.', () => hub.stats.laggingEntered);
    mirrored(registry, 'realtime_events_coalesced_total', 'Events not sent for a newer one: of the same topic to a lagging connection, of the same subject in one write to a delivery=latest connection.', () => hub.stats.coalesced);
    mirrored(registry, 'realtime_client_messages_total', 'Frames received from clients.', () => clientStats.clientMessages);
    mirrored(registry, 'realtime_replayed_events_total', 'Events sent by replays.', () => clientStats.replayedEvents);
    mirroredByLabel(
      registry,
      'realtime_replay_events_read_total',
      'Events read for replays, by where from: memory (the recent-events window) or stream (Redis).',
      'source',
      () => new Map(Object.entries(replayStream.stats)),
    );
    mirroredByLabel(registry, 'realtime_replays_total', 'Subscribes with `since`, by result.', 'result', () => clientStats.replays);
    mirroredByLabel(registry, 'realtime_client_errors_total', 'Error messages sent to clients, by code.', 'code', () => clientStats.clientErrors);
    mirroredByLabel(registry, 'realtime_kicks_total', 'Connections closed by the server, by reason.', 'reason', () => clientStats.kicks);
    mirroredByLabel(registry, 'realtime_upgrades_refused_total', 'WebSocket upgrades refused, by reason.', 'reason', () => clientStats.refusedUpgrades);

    const lag = new Histogram({
      name: 'realtime_event_lag_seconds',
      help: "From an event's occurredAt to the end of the flush that wrote it to the last connection it was queued for.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    app.liveFeed.onFlushed = (events, nowMs) => {
      for (const event of events) lag.observe(Math.max(0, nowMs - event.occurredAtMs) / 1000);
    };

    app.decorate('metrics', registry);
  },
  { name: 'metrics', dependencies: ['live-feed'] },
);
