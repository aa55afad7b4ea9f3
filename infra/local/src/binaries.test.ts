import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPostgresBinaries, findRedisServer } from './binaries.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecart-bins-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fakeExecutables(...names: string[]): Promise<void> {
  for (const name of names) {
    await writeFile(join(dir, name), '#!/bin/sh\n');
    await chmod(join(dir, name), 0o755);
  }
}

describe('findPostgresBinaries', () => {
  it('uses LIVECART_PG_BIN_DIR when initdb, pg_ctl and postgres are all there', async () => {
    await fakeExecutables('initdb', 'pg_ctl', 'postgres');
    expect(await findPostgresBinaries({ LIVECART_PG_BIN_DIR: dir })).toEqual({
      initdb: join(dir, 'initdb'),
      pgCtl: join(dir, 'pg_ctl'),
      dir,
    });
  });

  it('finds nothing when LIVECART_PG_BIN_DIR lacks one of them, without looking elsewhere', async () => {
    await fakeExecutables('initdb', 'postgres');
    expect(await findPostgresBinaries({ LIVECART_PG_BIN_DIR: dir, PATH: process.env.PATH })).toBeUndefined();
  });

  it('ignores files that are not executable', async () => {
    await fakeExecutables('initdb', 'pg_ctl', 'postgres');
    await chmod(join(dir, 'pg_ctl'), 0o644);
    expect(await findPostgresBinaries({ LIVECART_PG_BIN_DIR: dir })).toBeUndefined();
  });
});

describe('findRedisServer', () => {
  it('finds redis-server on PATH', async () => {
    await fakeExecutables('redis-server');
    expect(await findRedisServer({ PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'redis-server'));
  });

  it('finds nothing in an empty LIVECART_REDIS_BIN_DIR', async () => {
    expect(await findRedisServer({ LIVECART_REDIS_BIN_DIR: dir, PATH: process.env.PATH })).toBeUndefined();
  });
});
