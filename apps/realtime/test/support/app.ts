import type { AddressInfo } from 'node:net';
import { REALTIME_TOKEN_KEYS_OF_RUN } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import { readEnv } from '../../src/env.js';
import { optionsFromEnv } from '../../src/options.js';

export interface RunningApp {
  app: FastifyInstance;
  /** ws://127.0.0.1:<port>/ws */
  wsUrl: string;
  /** http://127.0.0.1:<port> */
  httpUrl: string;
  close(): Promise<void>;
}

/**
 * The real app on a free port, configured through the same env parsing as production (plus `env`),
 * started once it is subscribed to the event feed.
 */
export async function startApp(options: { redisUrl: string; prefix: string; env?: Record<string, string> }): Promise<RunningApp> {
  const env = readEnv({
    NODE_ENV: 'test',
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.prefix,
    WS_ALLOW_NO_ORIGIN: 'true',
    SHUTDOWN_GRACE_MS: '1000',
    // As deployed: a production NODE_ENV (some tests say it) needs a key ring of its own.
    REALTIME_TOKEN_KEYS: REALTIME_TOKEN_KEYS_OF_RUN,
    ...options.env,
  });
  const app = await buildApp(optionsFromEnv(env, pino({ level: 'silent' })));
  await app.listen({ host: '127.0.0.1', port: 0 });
  await app.liveFeed.source.whenReady();
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    httpUrl: `http://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}
