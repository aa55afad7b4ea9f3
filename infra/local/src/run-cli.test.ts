import { describe, expect, it } from 'vitest';
import { findFreePort } from './ports.js';
import { answers, probeRedis } from './probe.js';
import { runCli, type CliIo } from './run-cli.js';
import { POSTGRES } from './services.js';

const localPostgres = await POSTGRES.findOnLocalhost();
const redisUp = await answers(() => probeRedis('redis://127.0.0.1:6379', 1000));
const NO_LOCALHOST = 'needs Postgres on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, which do not answer here';

function capture(env: NodeJS.ProcessEnv): CliIo & { out: string; err: string } {
  const io = {
    env,
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  return io;
}

describe('livecart-services', () => {
  it('prints usage and exits 2 on an unknown command', async () => {
    const io = capture({});
    expect(await runCli(['start'], io)).toBe(2);
    expect(io.err).toContain('Usage: livecart-services');
  });

  it('exits 2 when exec is given no command', async () => {
    expect(await runCli(['exec', '--'], capture({}))).toBe(2);
  });

  it('exec runs the command with DATABASE_URL and REDIS_URL and exits with its code', async ({ skip }) => {
    if (!('url' in localPostgres) || !redisUp) return skip(NO_LOCALHOST);
    const io = capture({ PATH: process.env.PATH, DATABASE_URL: localPostgres.url, REDIS_URL: 'redis://127.0.0.1:6379/1' });
    const sawUrls = `process.env.DATABASE_URL === ${JSON.stringify(localPostgres.url)} && process.env.REDIS_URL === 'redis://127.0.0.1:6379/1'`;
    const check = `process.exit(${sawUrls} ? 7 : 1)`;
    expect(await runCli(['exec', '--', process.execPath, '-e', check], io)).toBe(7);
  });

  it('env prints the URLs in KEY=value lines', async ({ skip }) => {
    if (!('url' in localPostgres) || !redisUp) return skip(NO_LOCALHOST);
    const io = capture({ DATABASE_URL: localPostgres.url, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(await runCli(['env'], io)).toBe(0);
    expect(io.out).toBe(`DATABASE_URL=${localPostgres.url}\nREDIS_URL=redis://127.0.0.1:6379\n`);
  });

  it('prints why and exits 1 when a configured server does not answer', async () => {
    const io = capture({ DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${await findFreePort()}/shop` });
    expect(await runCli(['env'], io)).toBe(1);
    expect(io.err).toMatch(/^\[services\] Postgres: DATABASE_URL=postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/shop does not answer/m);
    expect(io.out).toBe('');
  });
});
