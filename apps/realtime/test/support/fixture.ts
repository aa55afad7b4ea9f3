import { clearRedisPrefix, testRedisPrefix } from '@livecart/local-services/testing';
import { afterAll, beforeAll, inject } from 'vitest';
import { startApp, type RunningApp } from './app.js';
import { TestClient } from './client.js';
import { TestPublisher } from './publisher.js';

export interface ServerFixture {
  readonly server: RunningApp;
  readonly publisher: TestPublisher;
  readonly clients: TestClient[];
  /** A client that has been welcomed; terminated after the file. */
  connect(options?: Parameters<typeof TestClient.connect>[1]): Promise<TestClient>;
}

/** One server and one publisher per test file, on a Redis prefix of the file's own. */
export function useServerFixture(label: string, env?: Record<string, string>): ServerFixture {
  const redisUrl = inject('redisUrl');
  const prefix = testRedisPrefix(label);
  let server: RunningApp | undefined;
  let publisher: TestPublisher | undefined;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    publisher = new TestPublisher(redisUrl, prefix);
    server = await startApp({ redisUrl, prefix, ...(env ? { env } : {}) });
  });

  afterAll(async () => {
    for (const client of clients) client.ws.terminate();
    await server?.close();
    await publisher?.close();
    await clearRedisPrefix(redisUrl, prefix);
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the server fixture is used before beforeAll ran');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get publisher() {
      return started(publisher);
    },
    clients,
    async connect(options) {
      const client = await TestClient.connect(started(server).wsUrl, options);
      clients.push(client);
      await client.waitForType('welcome');
      return client;
    },
  };
}
