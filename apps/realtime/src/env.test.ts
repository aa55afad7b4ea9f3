import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DEV_REALTIME_TOKEN_KEYS } from '@livecart/schemas/realtime-token-signing';
import { readEnv } from './env.js';

describe('readEnv', () => {
  it('applies the documented defaults', () => {
    const env = readEnv({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:6379' });
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
      PUBLIC_URL: 'ws://localhost:4001',
      WS_REPLAY_MAX_EVENTS: 10_000,
      WS_REPLAY_MEMORY_EVENTS: 10_000,
    });
    expect(readEnv({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:6379', PORT: '4100' }).PUBLIC_URL).toBe('ws://localhost:4100');
    expect(readEnv({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:6379', WS_REPLAY_MEMORY_EVENTS: '0' }).WS_REPLAY_MEMORY_EVENTS).toBe(0);
  });

  it('takes a ws:// or wss:// PUBLIC_URL and refuses any other', () => {
    const base = { NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(readEnv({ ...base, PUBLIC_URL: 'wss://shop.example.com/live' }).PUBLIC_URL).toBe('wss://shop.example.com/live');
    expect(() => readEnv({ ...base, PUBLIC_URL: 'https://shop.example.com' })).toThrow(/PUBLIC_URL/);
  });

  it('names every bad variable at once', () => {
    expect(() => readEnv({ WS_SLOW_CONSUMER_POLICY: 'drop', WS_MAX_CONNECTIONS: '0', INSTANCE_ID: 'has space' })).toThrow(
      /INSTANCE_ID[\s\S]*REDIS_URL[\s\S]*WS_MAX_CONNECTIONS[\s\S]*WS_SLOW_CONSUMER_POLICY/,
    );
  });

  it('uses the development token keys only under NODE_ENV development or test, and refuses them elsewhere', () => {
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(readEnv({ ...redis, NODE_ENV: 'test' }).REALTIME_TOKEN_KEYS.signing.kid).toBe('dev');
    expect(() => readEnv(redis)).toThrow(/REALTIME_TOKEN_KEYS: is required unless NODE_ENV is development or test/);
    expect(() => readEnv({ ...redis, REALTIME_TOKEN_KEYS: DEV_REALTIME_TOKEN_KEYS })).toThrow(/REALTIME_TOKEN_KEYS: must not hold the public development key/);
    const keys = `b:${randomBytes(32).toString('base64')},a:${randomBytes(32).toString('base64')}`;
    const ring = readEnv({ ...redis, REALTIME_TOKEN_KEYS: keys }).REALTIME_TOKEN_KEYS;
    expect([ring.signing.kid, [...ring.keys.keys()]]).toEqual(['b', ['b', 'a']]);
  });

  it('refuses a weak token key without echoing it', () => {
    const weak = `k:${Buffer.alloc(32, 'x').toString('base64')}`;
    expect(() => readEnv({ REDIS_URL: 'redis://127.0.0.1:6379', REALTIME_TOKEN_KEYS: weak })).toThrow(/REALTIME_TOKEN_KEYS: key k: the secret does not look random.*\(got <redacted>\)/);
    expect(() => readEnv({ REDIS_URL: 'redis://127.0.0.1:6379', REALTIME_TOKEN_KEYS: weak })).not.toThrow(weak.slice(2));
  });
});
