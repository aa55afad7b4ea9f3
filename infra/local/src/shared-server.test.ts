import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findFreePort, isPortOpen } from './ports.js';
import { answers, probeRedis } from './probe.js';
import { localRedisUrl, startLocalRedis, stopLocalRedis } from './redis.js';
import { acquireSharedServer } from './shared-server.js';

let stateDir: string;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'livecart-shared-'));
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('acquireSharedServer', () => {
  it('starts one server for concurrent users and stops it when the last one releases', async () => {
    const port = await findFreePort();
    const url = localRedisUrl(port);
    const start = vi.fn(() => startLocalRedis({ dataDir: join(stateDir, 'redis'), port, log: () => {} }));
    const spec = {
      label: 'Redis',
      stateDir,
      key: 'redis',
      log: () => {},
      isUp: () => answers(() => probeRedis(url, 1000)),
      start,
      stop: () => stopLocalRedis({ port }),
    };

    const [first, second] = await Promise.all([acquireSharedServer(spec), acquireSharedServer(spec)]);
    expect(start).toHaveBeenCalledTimes(1);

    await first.release();
    expect(await isPortOpen(port)).toBe(true);

    await second.release();
    expect(await isPortOpen(port)).toBe(false);
  });
});
