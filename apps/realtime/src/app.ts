import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { RealtimeOptions } from './options.js';
import { liveFeedPlugin } from './plugins/live-feed.js';
import { metricsPlugin } from './plugins/metrics.js';
import { redisPlugin } from './plugins/redis.js';
import { asyncApiRoutes } from './routes/asyncapi.js';
import { debugPageRoutes } from './routes/debug-page.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { wsRoutes } from './routes/ws.js';
import { preFramedWritesSupported } from './ws/ws-internals.js';

export type { RealtimeOptions } from './options.js';

/** The realtime service, ready to `listen`; tests build it directly. `close()` shuts it down gracefully. */
export async function buildApp(options: RealtimeOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // A line per request would mostly be probes and scrapes; refused upgrades are logged at debug.
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (!preFramedWritesSupported) {
    app.log.warn('the installed ws no longer writes pre-built frames as ws-internals.ts expects; every frame goes through ws.send');
  }

  await app.register(redisPlugin, { url: options.redisUrl, instanceId: options.instanceId, commandTimeoutMs: options.redisCommandTimeoutMs });
  await app.register(liveFeedPlugin, options);
  await app.register(metricsPlugin, { instanceId: options.instanceId });

  await app.register(wsRoutes, options);
  await app.register(healthRoutes, { instanceId: options.instanceId });
  await app.register(metricsRoutes);
  await app.register(debugPageRoutes);
  await app.register(asyncApiRoutes, { publicUrl: options.publicUrl });
  return app;
}
