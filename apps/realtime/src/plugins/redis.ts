import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

declare module 'fastify' {
  interface FastifyInstance {
    /** Commands (stream reads for replay and gap filling). */
    redis: Redis;
    /** The instance's one pub/sub connection. */
    redisSubscriber: Redis;
  }
}

function connect(
  url: string,
  name: string,
  logger: Logger,
  subscriber: boolean,
  commandTimeoutMs?: number,
): { redis: Redis; quit(): Promise<void> } {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    // Resubscribing is the event source's job: it must read the stream's tail right after.
    autoResubscribe: !subscriber,
    maxRetriesPerRequest: subscriber ? null : 3,
    // A read that hangs (a Redis or a network path that stopped answering) would hold a client's resume
    // forever; failing it turns into a `reset` for that client, or a retried gap fill.
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
  });
  let up = false;
  let quitting = false;
  redis.on('ready', () => {
    up = true;
    logger.info({ connection: name }, 'redis connected');
  });
  redis.on('close', () => {
    if (up && !quitting) logger.warn({ connection: name }, 'redis connection lost; reconnecting');
    up = false;
  });
  // ioredis reports every failed reconnect attempt; the transitions above are what operators need.
  redis.on('error', (error) => logger.debug({ err: error, connection: name }, 'redis error'));
  const quit = async () => {
    quitting = true;
    await redis.quit().catch(() => redis.disconnect());
  };
  return { redis, quit };
}

export const redisPlugin = fp<{ url: string; instanceId: string; commandTimeoutMs: number }>(
  async (app, options) => {
    const name = `livecart-realtime:${options.instanceId}`;
    const commands = connect(options.url, `${name}:cmd`, app.log as Logger, false, options.commandTimeoutMs);
    const subscriber = connect(options.url, `${name}:sub`, app.log as Logger, true);
    app.decorate('redis', commands.redis);
    app.decorate('redisSubscriber', subscriber.redis);
    // Not awaited: the instance serves /health while Redis is away, and /ready says so.
    commands.redis.connect().catch(() => {});
    subscriber.redis.connect().catch(() => {});
    app.addHook('onClose', async () => {
      await Promise.all([subscriber.quit(), commands.quit()]);
    });
  },
  { name: 'redis' },
);
