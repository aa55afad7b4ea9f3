import fp from 'fastify-plugin';
import { connectionConfig } from '../db/pool.js';
import { OutboxRelay } from '../outbox/relay.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Present on every instance; only the one holding the relay lease publishes. */
    relay: OutboxRelay | undefined;
  }
}

export interface OutboxRelayPluginOptions {
  enabled: boolean;
  databaseUrl: string;
  prefix: string;
  streamMaxLen: number;
  pollMs: number;
  lockRetryMs: number;
  leaseMs: number;
  batchSize: number;
  retentionHours: number;
}

export default fp<OutboxRelayPluginOptions>(
  async (fastify, options) => {
    if (!options.enabled) {
      fastify.decorate('relay', undefined);
      return;
    }
    const redis = fastify.createRedis({ commandTimeout: 5_000 });
    const relay = new OutboxRelay({
      // A stuck statement fails after 30 s; the lease, renewed every third of OUTBOX_LEASE_MS, lapses well before.
      connection: connectionConfig({ connectionString: options.databaseUrl, statementTimeoutMs: 30_000, applicationName: 'livecart-relay' }),
      redis,
      prefix: options.prefix,
      // Through the relay's connection: clearing L2 for a new epoch must not fail on the request path's short timeout.
      l2: fastify.l2Store.through(redis),
      streamMaxLen: options.streamMaxLen,
      pollMs: options.pollMs,
      lockRetryMs: options.lockRetryMs,
      leaseMs: options.leaseMs,
      batchSize: options.batchSize,
      retentionHours: options.retentionHours,
      log: fastify.log.child({ component: 'outbox-relay' }),
    });
    fastify.decorate('relay', relay);
    fastify.addHook('onReady', async () => relay.start());
    // After in-flight writes drained, so their events still go out; before the Redis clients close.
    fastify.addHook('onClose', () => relay.stop());
  },
  { name: 'outbox-relay', dependencies: ['redis', 'cache'] },
);
