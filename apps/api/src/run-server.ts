import { createLogger } from '@livecart/config/logger';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ApiEnv } from './env.js';

/**
 * Starts the API and owns the process: listen, then on SIGTERM/SIGINT stop accepting, let in-flight
 * requests finish, release the relay lease and close Redis and Postgres (Fastify onClose hooks), exit 0.
 * A second signal (a second later), or a drain longer than SHUTDOWN_TIMEOUT_MS, exits at once with 1.
 * Answers the listening app (the development entry hands its payment provider to the demo shoppers).
 */
export async function runServer(env: ApiEnv): Promise<FastifyInstance> {
  const logger = createLogger({ name: 'livecart-api', level: env.LOG_LEVEL, nodeEnv: env.NODE_ENV });

  const app = await buildApp({ env, logger });
  let closingSince = 0;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closingSince !== 0) {
      // One Ctrl-C can arrive twice (terminal process group + a forwarding parent such as tsx watch);
      // only a second signal that comes later means "stop waiting".
      if (Date.now() - closingSince < 1_000) return;
      logger.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    closingSince = Date.now();
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    // Keep-alive connections whose request finishes during the drain would otherwise stay open (and
    // hold close()) until their idle timeout; close each as soon as it has nothing in flight.
    const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
    reaper.unref();
    try {
      await app.close();
      logger.info('shut down cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });

  await app.listen({ host: env.HOST, port: env.PORT, backlog: env.LISTEN_BACKLOG });
  return app;
}
