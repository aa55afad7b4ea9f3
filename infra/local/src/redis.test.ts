import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFreePort, isPortOpen } from './ports.js';
import { startLocalRedis } from './redis.js';

const quiet = () => {};
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecart-redis-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startLocalRedis', () => {
  it('starts a server that answers PING, and stop() shuts it down', async () => {
    const port = await findFreePort();
    const server = await startLocalRedis({ dataDir: join(dir, 'data'), port, log: quiet });

    expect(server.url).toBe(`redis://127.0.0.1:${port}`);
    const client = new Redis(server.url);
    try {
      expect(await client.ping()).toBe('PONG');
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
    } finally {
      client.disconnect();
    }

    await server.stop();
    expect(await isPortOpen(port)).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('refuses a port another program listens on', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await expect(startLocalRedis({ dataDir: join(dir, 'data'), port, log: quiet })).rejects.toThrow(
        /port \d+ on 127\.0\.0\.1 is already in use/,
      );
    } finally {
      blocker.close();
    }
  });
});
