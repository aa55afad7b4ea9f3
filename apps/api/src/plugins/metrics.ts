import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { LatencyHistogram } from '../http/latency-histogram.js';
import { loggableUrl } from '../http/loggable-url.js';
import { registerWebhookMetrics } from './webhook-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Observes an answered request in the latency histogram and logs it if slow: the onResponse hook's
     * work, for the read lane too, which answers before Fastify's hooks.
     */
    recordRequest(request: RecordedRequest): void;
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  /** The route as registered (`/v1/products/:id`), `unmatched` for none. */
  route: string;
  statusCode: number;
  ms: number;
  log: FastifyBaseLogger;
}

export interface MetricsPluginOptions {
  slowRequestMs: number;
}

interface OutboxLag {
  unpublished: number;
  oldestAgeSeconds: number;
  rejected: number;
}

/**
 * Prometheus metrics on GET /metrics, from a registry of this app (two apps in one process, as in the
 * tests, do not collide). Per-request work is one allocation-free histogram observation; cache
 * counters are plain integers read at scrape time.
 */
export default fp<MetricsPluginOptions>(
  async (fastify, options) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });

    const duration = new LatencyHistogram(
      'http_request_duration_seconds',
      'HTTP request latency by route; its _count is the request rate.',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    );
    registry.registerMetric(duration as unknown as Metric);

    const stats = fastify.productCache.stats;
    new Counter({
      name: 'cache_requests_total',
      help: 'Product cache lookups by level and result.',
      labelNames: ['level', 'result'] as const,
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ level: 'l1', result: 'hit' }, stats.l1Hits);
        this.inc({ level: 'l1', result: 'miss' }, stats.l1Misses);
        this.inc({ level: 'l2', result: 'hit' }, stats.l2Hits);
        this.inc({ level: 'l2', result: 'miss' }, stats.l2Misses);
        this.inc({ level: 'db', result: 'load' }, stats.dbLoads);
      },
    });
    new Counter({
      name: 'cache_errors_total',
      help: 'L2 (Redis) cache failures answered from Postgres instead.',
      labelNames: ['level'] as const,
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ level: 'l2' }, stats.l2Errors);
      },
    });
    new Gauge({
      name: 'cache_l1_entries',
      help: 'Products held in this instance\'s L1.',
      registers: [registry],
      collect() {
        this.set(fastify.productCache.l1Size);
      },
    });
    new Gauge({
      name: 'events_applied_seq',
      help: 'Highest event seq this instance has applied to its L1 (what X-Event-Seq reports).',
      registers: [registry],
      collect() {
        this.set(fastify.events.appliedSeq);
      },
    });

    const readLag = async (): Promise<OutboxLag> => {
      const { rows } = await fastify.db.query<OutboxLag>(`
        SELECT count(*) FILTER (WHERE rejected_at IS NULL)::int AS unpublished,
               coalesce(extract(epoch FROM now() - min(occurred_at) FILTER (WHERE rejected_at IS NULL)), 0)::float8 AS "oldestAgeSeconds",
               count(*) FILTER (WHERE rejected_at IS NOT NULL)::int AS rejected
        FROM outbox WHERE published_at IS NULL`);
      return rows[0] ?? { unpublished: 0, oldestAgeSeconds: 0, rejected: 0 };
    };
    // prom-client collects every metric of a scrape at once: the three gauges below share one read.
    let lagOfScrape: Promise<OutboxLag | undefined> | undefined;
    const sharedLag = () =>
      (lagOfScrape ??= readLag()
        .catch(() => undefined)
        .finally(() => {
          lagOfScrape = undefined;
        }));
    const outboxGauges: [name: string, help: string, field: keyof OutboxLag][] = [
      ['outbox_unpublished_events', 'Outbox rows not yet published to Redis (relay lag).', 'unpublished'],
      ['outbox_oldest_unpublished_age_seconds', 'Age of the oldest unpublished outbox row; 0 when none waits.', 'oldestAgeSeconds'],
      [
        'outbox_rejected_events',
        'Outbox rows the relay set aside, unpublished, because they were not valid events (see their rejection column).',
        'rejected',
      ],
    ];
    for (const [name, help, field] of outboxGauges) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          const lag = await sharedLag();
          if (lag !== undefined) this.set(lag[field]);
        },
      });
    }
    new Gauge({
      name: 'outbox_relay_leader',
      help: '1 on the instance currently holding the relay lease.',
      registers: [registry],
      collect() {
        this.set(fastify.relay?.stats.leader === true ? 1 : 0);
      },
    });
    new Gauge({
      name: 'outbox_relay_lease_generation',
      help: 'Generation (fencing token) of the relay lease this instance holds or last held; 0 if it never held one.',
      registers: [registry],
      collect() {
        this.set(fastify.relay?.stats.generation ?? 0);
      },
    });
    new Counter({
      name: 'outbox_relay_lease_losses_total',
      help: 'Times this instance stepped down as the relay because its lease lapsed or was taken over (a freeze or a stall).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(fastify.relay?.stats.leaseLosses ?? 0);
      },
    });
    new Gauge({
      name: 'outbox_relay_last_lease_loss_timestamp_seconds',
      help: 'When this instance last stepped down as the relay (Unix time, its own clock); 0 if it never did.',
      registers: [registry],
      collect() {
        this.set((fastify.relay?.stats.lastLeaseLossAt ?? 0) / 1000);
      },
    });
    new Counter({
      name: 'outbox_published_total',
      help: 'Events this instance published as the relay.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(fastify.relay?.stats.published ?? 0);
      },
    });

    new Counter({
      name: 'outbox_history_regressions_total',
      help: 'New event epochs this instance started as the relay because the Redis stream did not continue the database\'s history (other_epoch, stream_ahead: its top was ahead of the database, different_event).',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(fastify.relay?.stats.regressions ?? {})) this.inc({ reason }, count);
      },
    });

    registerWebhookMetrics(fastify, registry);

    const recordRequest = ({ method, url, route, statusCode, ms, log }: RecordedRequest): void => {
      duration.observe(method, route, statusCode, ms / 1000);
      if (ms > options.slowRequestMs) log.warn({ method, url: loggableUrl(url), statusCode, ms: Math.round(ms) }, 'slow request');
    };
    fastify.decorate('recordRequest', recordRequest);
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      recordRequest({ method: request.method, url: request.url, route: request.routeOptions.url ?? 'unmatched', statusCode: reply.statusCode, ms: reply.elapsedTime, log: request.log });
      done();
    });

    fastify.get(
      '/metrics',
      {
        config: { openapi: { mediaType: 'text/plain' } },
        schema: { tags: ['operations'], operationId: 'getMetrics', summary: 'Prometheus metrics (text exposition format); unauthenticated: keep it off the public ingress' },
      },
      async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics', dependencies: ['cache', 'event-consumer', 'outbox-relay', 'webhooks'] },
);
