import { describe, expect, it } from 'vitest';
import { readEnv } from './env.js';

describe('readEnv', () => {
  it('applies the documented defaults', () => {
    const env = readEnv({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(env).toMatchObject({
      PORT: 4001,
      HOST: '127.0.0.1',
      REDIS_PREFIX: 'livecart',
      INSTANCE_ID: expect.stringMatching(/-\d+$/),
      ALLOWED_ORIGINS: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      WS_ALLOW_NO_ORIGIN: false,
      WS_SLOW_CONSUMER_POLICY: 'close',
      WS_PERMESSAGE_DEFLATE: false,
      WS_HEARTBEAT_INTERVAL_MS: 30_000,
      WS_HEARTBEAT_TIMEOUT_MS: 10_000,
    });
  });

  it('names every bad variable at once', () => {
    expect(() => readEnv({ WS_SLOW_CONSUMER_POLICY: 'drop', WS_MAX_CONNECTIONS: '0', INSTANCE_ID: 'has space' })).toThrow(
      /INSTANCE_ID[\s\S]*REDIS_URL[\s\S]*WS_MAX_CONNECTIONS[\s\S]*WS_SLOW_CONSUMER_POLICY/,
    );
  });
});
