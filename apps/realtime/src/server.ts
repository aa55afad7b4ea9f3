import { createLogger } from '@livecart/config';
import { buildApp } from './app.js';
import { readEnv } from './env.js';
import { optionsFromEnv } from './options.js';

const env = readEnv();
const logger = createLogger({ name: 'realtime', level: env.LOG_LEVEL, nodeEnv: env.NODE_ENV });
const app = await buildApp(optionsFromEnv(env, logger));

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: closing sockets with 1001 going away');
  try {
    await app.close();
    logger.info('shut down cleanly');
    process.exitCode = 0;
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exitCode = 1;
  }
}
process.once('SIGTERM', (signal) => void shutdown(signal));
process.once('SIGINT', (signal) => void shutdown(signal));

try {
  await app.listen({ host: env.HOST, port: env.PORT, backlog: env.LISTEN_BACKLOG });
  logger.info({ instanceId: env.INSTANCE_ID, redisPrefix: env.REDIS_PREFIX }, 'realtime listening');
} catch (error) {
  logger.fatal({ err: error }, 'could not start');
  await app.close().catch(() => {});
  process.exit(1);
}
