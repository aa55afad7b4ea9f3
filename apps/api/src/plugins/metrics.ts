import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { LatencyHistogram } from '../http/latency-histogram.js';
import { staticHelmetHeaders } from '../http/security-headers.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Observes a request answered before Fastify's hooks (the fast lane), as the onResponse hook does for the rest. */
    recordRequest(method: string, route: string, statusCode: number, seconds: number): void;
  }
}

export interface MetricsPluginOptions {
  slowRequestMs: number;
}

interface OutboxLag {
  unpublished: number;
  oldestAgeSeconds: number;
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
        SELECT count(*)::int AS unpublished,
               coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS "oldestAgeSeconds"
        FROM outbox WHERE published_at IS NULL`);
      return rows[0] ?? { unpublished: 0, oldestAgeSeconds: 0 };
    };
    new Gauge({
      name: 'outbox_unpublished_events',
      help: 'Outbox rows not yet published to Redis (relay lag).',
      registers: [registry],
      async collect() {
        const lag = await readLag().catch(() => undefined);
        if (lag !== undefined) this.set(lag.unpublished);
      },
    });
    new Gauge({
      name: 'outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished outbox row; 0 when none waits.',
      registers: [registry],
      async collect() {
        const lag = await readLag().catch(() => undefined);
        if (lag !== undefined) this.set(lag.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'outbox_relay_leader',
      help: '1 on the instance currently holding the relay lock.',
      registers: [registry],
      collect() {
        this.set(fastify.relay?.stats.leader === true ? 1 : 0);
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

    fastify.decorate('recordRequest', (method: string, route: string, statusCode: number, seconds: number) => duration.observe(method, route, statusCode, seconds));
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      const ms = reply.elapsedTime;
      duration.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, ms / 1000);
      if (ms > options.slowRequestMs) {
        request.log.warn({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(ms) }, 'slow request');
      }
      done();
    });

    // Registered outside helmet's scope (see app.ts), so it sends the same static headers itself.
    const securityHeaders = staticHelmetHeaders();
    fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.headers(securityHeaders);
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics', dependencies: ['cache', 'event-consumer', 'outbox-relay'] },
);
