import { EnvError } from '@livecart/config/env';
import { describe, expect, it } from 'vitest';
import { DEV_ADMIN_TOKEN, loadApiEnv } from './env.js';

const base = { DATABASE_URL: 'postgres://localhost/db', REDIS_URL: 'redis://localhost:6379' };

describe('loadApiEnv', () => {
  it('fails fast without ADMIN_TOKEN in production', () => {
    expect(() => loadApiEnv({ ...base, NODE_ENV: 'production' })).toThrow(EnvError);
    expect(() => loadApiEnv({ ...base, NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN/);
  });

  it('uses the development default only in development, and says so', () => {
    const env = loadApiEnv({ ...base, NODE_ENV: 'development' });
    expect(env.ADMIN_TOKEN).toBe(DEV_ADMIN_TOKEN);
    expect(env.ADMIN_TOKEN_IS_DEFAULT).toBe(true);
    expect(() => loadApiEnv({ ...base, NODE_ENV: 'test' })).toThrow(EnvError);
  });

  it('refuses the public development token outside development, without echoing it', () => {
    for (const NODE_ENV of ['production', 'test']) {
      let message = '';
      try {
        loadApiEnv({ ...base, NODE_ENV, ADMIN_TOKEN: DEV_ADMIN_TOKEN });
      } catch (error) {
        message = (error as EnvError).message;
      }
      expect(message).toMatch(/ADMIN_TOKEN: must not be the public development token/);
      expect(message).not.toContain(DEV_ADMIN_TOKEN);
    }
    expect(loadApiEnv({ ...base, NODE_ENV: 'development', ADMIN_TOKEN: DEV_ADMIN_TOKEN }).ADMIN_TOKEN_IS_DEFAULT).toBe(false);
  });

  it('refuses a short token and applies defaults', () => {
    expect(() => loadApiEnv({ ...base, NODE_ENV: 'production', ADMIN_TOKEN: 'short' })).toThrow(/at least 16/);
    const env = loadApiEnv({ ...base, NODE_ENV: 'production', ADMIN_TOKEN: 'a-long-enough-token' });
    expect(env).toMatchObject({ ADMIN_TOKEN_IS_DEFAULT: false, PORT: 4000, RATE_LIMIT_ENABLED: true, OUTBOX_STREAM_MAXLEN: 100_000 });
  });
});
