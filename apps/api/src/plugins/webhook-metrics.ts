import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';

const READ_LAG = `
  SELECT e.id, greatest(coalesce(p.seq, 0) - e.cursor_seq, 0)::float8 AS lag
  FROM webhook_endpoints e,
    LATERAL (SELECT seq FROM outbox WHERE published_at IS NOT NULL ORDER BY seq DESC LIMIT 1) p
  WHERE e.enabled`;

/**
 * The webhook metrics: this instance's deliveries and failures as the worker (counters of the lease
 * holder), and each enabled endpoint's lag, from Postgres, on whichever instance is scraped.
 */
export function registerWebhookMetrics(fastify: FastifyInstance, registry: Registry): void {
  const stats = () => fastify.webhooks.worker?.stats;
  const counters: [name: string, help: string, read: () => number][] = [
    ['webhook_deliveries_total', 'Webhook messages this instance delivered (answered 2xx): events, batches and reset notices.', () => stats()?.delivered ?? 0],
    ['webhook_delivered_events_total', 'Events in the webhook messages this instance delivered (a batch counts its events).', () => stats()?.deliveredEvents ?? 0],
    ['webhook_delivery_failures_total', 'Webhook delivery attempts of this instance that failed (non-2xx, timeout, refused, reset).', () => stats()?.failed ?? 0],
    ['webhook_endpoints_disabled_total', 'Endpoints this instance disabled after their failure period.', () => stats()?.disabled ?? 0],
    ['webhook_worker_lease_losses_total', 'Times this instance stopped delivering because its worker lease lapsed or was taken over.', () => stats()?.leaseLosses ?? 0],
  ];
  for (const [name, help, read] of counters) {
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
  new Gauge({
    name: 'webhook_worker_leader',
    help: '1 on the instance currently holding the webhook worker lease.',
    registers: [registry],
    collect() {
      this.set(stats()?.leader === true ? 1 : 0);
    },
  });
  new Gauge({
    name: 'webhook_endpoint_lag_events',
    help: 'Published events past each enabled endpoint\'s cursor (delivered or skipped as not matching): how far behind it is.',
    labelNames: ['endpoint'],
    registers: [registry],
    async collect() {
      const rows = await fastify.db
        .query<{ id: string; lag: number }>(READ_LAG)
        .then((result) => result.rows)
        .catch(() => undefined);
      if (rows === undefined) return;
      this.reset();
      for (const { id, lag } of rows) this.set({ endpoint: id }, lag);
    },
  });
}
