import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseEnv, databaseEnv, envBoolean, EnvError, envInt, envList, httpEnv, loadEnv, redisEnv } from './env.js';

const shape = {
  ...baseEnv,
  ...httpEnv(4000),
  ...databaseEnv,
  ...redisEnv,
  API_SECRET: z.string().min(16, 'expected at least 16 characters'),
  DEMO: envBoolean(false),
  ORIGINS: envList(['http://localhost:3000']),
};

function catchEnvError(source: Record<string, string | undefined>): EnvError {
  try {
    loadEnv(shape, source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('loadEnv accepted an invalid environment');
}

describe('loadEnv', () => {
  it('returns typed values with defaults applied', () => {
    const env = loadEnv(shape, {
      DATABASE_URL: 'postgres://u@localhost:5432/db',
      REDIS_URL: 'redis://localhost:6379',
      API_SECRET: 'a'.repeat(32),
      DEMO: 'yes',
      ORIGINS: 'http://a.test, http://b.test',
    });
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: 4000,
      LISTEN_BACKLOG: 4_096,
      DATABASE_POOL_MAX: 10,
      DATABASE_POOL_WAIT_MS: 10_000,
      REDIS_PREFIX: 'livecart',
      DEMO: true,
      ORIGINS: ['http://a.test', 'http://b.test'],
    });
  });

  it('means production when NODE_ENV is unset or empty: development only when said', () => {
    const valid = { DATABASE_URL: 'postgres://u@localhost:5432/db', REDIS_URL: 'redis://localhost:6379', API_SECRET: 'a'.repeat(32) };
    expect(loadEnv(shape, valid).NODE_ENV).toBe('production');
    expect(loadEnv(shape, { ...valid, NODE_ENV: '' }).NODE_ENV).toBe('production');
    expect(loadEnv(shape, { ...valid, NODE_ENV: 'development' }).NODE_ENV).toBe('development');
    expect(loadEnv(shape, { ...valid, NODE_ENV: 'test' }).NODE_ENV).toBe('test');
  });

  it('throws once, naming every missing and invalid variable with what was expected', () => {
    const error = catchEnvError({
      NODE_ENV: 'staging',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x@y/z',
      DEMO: 'maybe',
      API_SECRET: 'short',
    });
    expect(error.problems.map((p) => p.variable)).toEqual([
      'API_SECRET',
      'DATABASE_URL',
      'DEMO',
      'NODE_ENV',
      'PORT',
      'REDIS_URL',
    ]);
    expect(error.message).toContain('6 problems');
    expect(error.message).toMatch(/PORT: expected an integer between 0 and 65535 \(got "eighty"\)/);
    expect(error.message).toMatch(/DATABASE_URL: expected a URL starting with postgres:\/\/ or postgresql:\/\//);
    expect(error.message).toMatch(/REDIS_URL: is required but not set/);
    expect(error.message).toMatch(/NODE_ENV: expected development, test or production/);
    expect(error.message).toMatch(/DEMO: expected one of true\/false/);
  });

  it('never echoes secrets or URL passwords', () => {
    const error = catchEnvError({
      DATABASE_URL: 'mysql://user:hunter2@db/x',
      REDIS_URL: 'redis://localhost',
      API_SECRET: 'tiny-secret',
    });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('tiny-secret');
    expect(error.message).toContain('API_SECRET: expected at least 16 characters (got <redacted>)');
  });

  it('treats empty strings as unset so defaults apply', () => {
    const env = loadEnv({ ...httpEnv(5000) }, { PORT: '', HOST: '', LISTEN_BACKLOG: '' });
    expect(env).toEqual({ HOST: '127.0.0.1', PORT: 5000, LISTEN_BACKLOG: 4_096 });
  });

  it('bounds integers', () => {
    expect(() => loadEnv({ N: envInt({ min: 1, max: 10 }) }, { N: '11' })).toThrow(/N: expected an integer between 1 and 10/);
    expect(() => loadEnv({ N: envInt({ min: 1, max: 10 }) }, { N: '1.5' })).toThrow(EnvError);
    expect(loadEnv({ N: envInt({ min: 1, max: 10 }) }, { N: '7' })).toEqual({ N: 7 });
  });
});
