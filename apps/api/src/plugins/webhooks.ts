import fp from 'fastify-plugin';
import { connectionConfig, createPool } from '../db/pool.js';
import { resealWebhookSecrets } from '../services/webhooks/reseal-webhook-secrets.js';
import { WebhookWorker } from '../webhooks/delivery-worker.js';
import { createSecretSealer, type SealingKey, type SecretSealer } from '../webhooks/secret-sealer.js';
import { createUrlGuard, type UrlGuard } from '../webhooks/url-guard.js';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: {
      /** The SSRF rules every endpoint URL passes, at registration and at each delivery. */
      guard: UrlGuard;
      /** Seals the signing secrets the endpoints are stored with, and opens them to sign. */
      sealer: SecretSealer;
      /** Present on every instance where enabled; only the one holding the worker lease delivers. */
      worker: WebhookWorker | undefined;
    };
  }
}

export interface WebhooksPluginOptions {
  enabled: boolean;
  databaseUrl: string;
  /** WEBHOOK_SECRET_KEYS: the sealing key first. */
  secretKeys: readonly SealingKey[];
  allowHttp: boolean;
  allowedNetworks: readonly string[];
  pollMs: number;
  roundMinMs: number;
  lockRetryMs: number;
  leaseMs: number;
  concurrency: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  disableAfterMs: number;
  logRetentionHours: number;
}

export default fp<WebhooksPluginOptions>(
  async (fastify, options) => {
    const guard = createUrlGuard({ allowHttp: options.allowHttp, allowedNetworks: options.allowedNetworks });
    const sealer = createSecretSealer(options.secretKeys);
    // Before the worker starts: secrets stored in clear, or by a key no longer first, are sealed anew.
    fastify.addHook('onReady', async () => {
      const { resealed, unreadable } = await resealWebhookSecrets({ pool: fastify.db, sealer }).catch((error: unknown) => {
        fastify.log.error({ err: error }, 'webhooks: could not re-seal endpoint secrets; the next start tries again');
        return { resealed: 0, unreadable: [] };
      });
      if (resealed > 0) fastify.log.info({ resealed }, 'webhooks: sealed endpoint secrets under the first key of WEBHOOK_SECRET_KEYS');
      if (unreadable.length > 0) fastify.log.error({ endpointIds: unreadable }, 'webhooks: no key of WEBHOOK_SECRET_KEYS opens these endpoints’ secrets; their deliveries fail until their secrets are rotated');
    });
    if (!options.enabled) {
      fastify.decorate('webhooks', { guard, sealer, worker: undefined });
      return;
    }
    // Connections of its own: a backlog of deliveries never takes one from a request. Their commits do not
    // wait for the WAL flush: a cursor move or log row lost in a Postgres crash means the message is sent
    // again (receivers de-duplicate by webhook-id; delivery is at least once), and each message costs a
    // commit, which would otherwise bound every endpoint by the disk's flush time.
    const log = fastify.log.child({ component: 'webhooks' });
    const pool = createPool({
      connectionString: options.databaseUrl,
      max: options.concurrency + 2,
      statementTimeoutMs: 30_000,
      applicationName: 'livecart-webhooks',
      synchronousCommit: false,
      onIdleError: (error) => log.warn({ err: error }, 'webhooks: idle Postgres connection failed'),
    });
    const worker = new WebhookWorker({
      connection: connectionConfig({ connectionString: options.databaseUrl, statementTimeoutMs: 30_000, applicationName: 'livecart-webhooks-lease' }),
      pool,
      guard,
      sealer,
      pollMs: options.pollMs,
      roundMinMs: options.roundMinMs,
      lockRetryMs: options.lockRetryMs,
      leaseMs: options.leaseMs,
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      retry: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
      disableAfterMs: options.disableAfterMs,
      logRetentionHours: options.logRetentionHours,
      log,
    });
    fastify.decorate('webhooks', { guard, sealer, worker });
    // Every api instance hears each publication (its L1 follows them): the worker's cue for a round.
    fastify.events.onPublished((seq) => worker.published(seq));
    fastify.addHook('onReady', async () => worker.start());
    fastify.addHook('onClose', async () => {
      await worker.stop();
      await pool.end();
    });
  },
  { name: 'webhooks', dependencies: ['db', 'event-consumer'] },
);
