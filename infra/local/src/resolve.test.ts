import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingServicesError, ServiceUnreachableError } from './errors.js';
import { findFreePort, isPortOpen } from './ports.js';
import { answers, probeRedis } from './probe.js';
import { ensureServices } from './resolve.js';
import { POSTGRES } from './services.js';

const quiet = () => {};
const localPostgres = await POSTGRES.findOnLocalhost();
const localhostUp = 'url' in localPostgres && (await answers(() => probeRedis('redis://127.0.0.1:6379', 1000)));
const NO_LOCALHOST = 'needs Postgres on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, which do not answer here';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecart-resolve-'));
  // Test mode creates its data folder in here; as root, Postgres runs as the postgres user.
  await chmod(dir, 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureServices resolution order', () => {
  it('uses DATABASE_URL and REDIS_URL as given when they answer', async ({ skip }) => {
    if (!('url' in localPostgres) || !localhostUp) return skip(NO_LOCALHOST);
    const env = {
      DATABASE_URL: localPostgres.url.replace(/\/postgres$/, '/template1'),
      REDIS_URL: 'redis://127.0.0.1:6379/3',
    };
    const services = await ensureServices({ env, log: quiet });
    expect(services).toMatchObject({
      databaseUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
      sources: { postgres: 'env', redis: 'env' },
    });
    await services.stop();
  });

  it('fails on a DATABASE_URL that does not answer, naming it with the password masked', async () => {
    const port = await findFreePort();
    const failure = ensureServices({ env: { DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${port}/shop` }, log: quiet });
    await expect(failure).rejects.toThrow(ServiceUnreachableError);
    await expect(failure).rejects.toThrow(`DATABASE_URL=postgres://app:***@127.0.0.1:${port}/shop does not answer`);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('fails on a REDIS_URL that does not answer, naming it with the password masked', async () => {
    const port = await findFreePort();
    const failure = ensureServices({ env: { REDIS_URL: `redis://:s3cret@127.0.0.1:${port}` }, log: quiet });
    await expect(failure).rejects.toThrow(`REDIS_URL=redis://:***@127.0.0.1:${port} does not answer`);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('uses 127.0.0.1:5432 and 127.0.0.1:6379 when nothing is configured and they answer', async ({ skip }) => {
    if (!localhostUp) return skip(NO_LOCALHOST);
    // Test mode: dev mode would create its database on this machine's server (dev-database.test.ts covers it).
    const services = await ensureServices({ mode: 'test', env: {}, log: quiet });
    expect(services.databaseUrl).toMatch(/^postgres:\/\/(postgres|root)@127\.0\.0\.1:5432\/postgres$/);
    expect(services.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(services.sources).toEqual({ postgres: 'localhost', redis: 'localhost' });
    await services.stop();
  });
});

describe('ensureServices without reachable servers', () => {
  it('says what to install when no binaries are found', async () => {
    const empty = await mkdtemp(join(dir, 'empty-'));
    const failure = ensureServices({
      mode: 'test',
      env: { LIVECART_FORCE_LOCAL: '1', LIVECART_PG_BIN_DIR: empty, LIVECART_REDIS_BIN_DIR: empty },
      log: quiet,
    });
    await expect(failure).rejects.toThrow(MissingServicesError);
    await expect(failure).rejects.toThrow('sudo apt-get install -y postgresql redis-server');
    await expect(failure).rejects.toThrow('brew install postgresql@16 redis');
    await expect(failure).rejects.toThrow('docker compose -f infra/compose.yaml up -d postgres redis');
  });

  it('names only what is missing, before starting anything', async () => {
    const empty = await mkdtemp(join(dir, 'empty-'));
    const failure = ensureServices({
      mode: 'test',
      env: { LIVECART_FORCE_LOCAL: '1', PATH: process.env.PATH, LIVECART_REDIS_BIN_DIR: empty, TMPDIR: empty },
      log: quiet,
    });
    await expect(failure).rejects.toMatchObject({ missing: ['redis'] });
    await expect(failure).rejects.toThrow('sudo apt-get install -y redis-server\n');
    expect(await readdir(empty)).toEqual([]);
  });

  it('starts throwaway servers from the installed binaries in test mode and removes them at stop()', async () => {
    const tmp = await mkdtemp(join(dir, 'tmp-'));
    await chmod(tmp, 0o755);
    const services = await ensureServices({
      mode: 'test',
      env: { LIVECART_FORCE_LOCAL: '1', PATH: process.env.PATH, TMPDIR: tmp },
      log: quiet,
    });
    expect(services.sources).toEqual({ postgres: 'local-binary', redis: 'local-binary' });
    expect(await readdir(tmp)).toHaveLength(1);

    const client = new pg.Client({ connectionString: services.databaseUrl });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    const redis = new Redis(services.redisUrl);
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();

    await services.stop();
    expect(await isPortOpen(Number(new URL(services.databaseUrl).port))).toBe(false);
    expect(await isPortOpen(Number(new URL(services.redisUrl).port))).toBe(false);
    expect(await readdir(tmp)).toEqual([]);
    await expect(services.stop()).resolves.toBeUndefined();
  });
});
