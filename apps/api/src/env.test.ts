import { EnvError } from '@livecart/config/env';
import { randomBytes } from 'node:crypto';
import { DEV_REALTIME_TOKEN_KEYS } from '@livecart/schemas/realtime-token-signing';
import { describe, expect, it } from 'vitest';
import { DEV_ORDER_LINK_KEYS, DEV_PAYMENT_WEBHOOK_SECRET, DEV_SESSION_SECRET, DEV_WEBHOOK_SECRET_KEYS, loadApiEnv } from './env.js';

const TOKEN_KEY = randomBytes(32).toString('base64');
const base = { DATABASE_URL: 'postgres://localhost/db', REDIS_URL: 'redis://localhost:6379', REALTIME_TOKEN_KEYS: `k1:${TOKEN_KEY}` };
const SECRET = 'a-session-secret-of-32-characters-or-more';
/** What a deployment must set besides SESSION_SECRET. */
const ORDER_SECRETS = {
  ORDER_LINK_KEYS: 'k1:an-order-link-key-of-32-characters-or-more',
  PAYMENT_WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters-or-more',
  WEBHOOK_SECRET_KEYS: `w1:${randomBytes(32).toString('base64')}`,
};

function messageOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  return '';
}

describe('loadApiEnv', () => {
  it('names the public base URL of the OpenAPI servers: API_PUBLIC_URL, else one derived from HOST and PORT', () => {
    const load = (extra: Record<string, string>) => loadApiEnv({ ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, ...ORDER_SECRETS, ...extra });
    expect(load({ API_PUBLIC_URL: 'https://api.shop.example/' }).API_PUBLIC_URL).toBe('https://api.shop.example');
    expect(load({ HOST: '0.0.0.0', PORT: '8080' }).API_PUBLIC_URL).toBe('http://localhost:8080');
    expect(load({ HOST: '10.0.0.7', PORT: '4000' }).API_PUBLIC_URL).toBe('http://10.0.0.7:4000');
    expect(load({ HOST: '::1', PORT: '4000' }).API_PUBLIC_URL).toBe('http://[::1]:4000');
    expect(messageOf(() => load({ API_PUBLIC_URL: 'ftp://api.shop.example' }))).toMatch(/API_PUBLIC_URL: must be an http\(s\) URL/);
  });

  it('fails fast without SESSION_SECRET unless NODE_ENV=development is explicit', () => {
    for (const NODE_ENV of ['production', 'test', undefined]) {
      expect(messageOf(() => loadApiEnv({ ...base, NODE_ENV }))).toMatch(/SESSION_SECRET: is required/);
    }
    expect(loadApiEnv({ ...base, NODE_ENV: 'development' }).SESSION_SECRET).toBe(DEV_SESSION_SECRET);
  });

  it('refuses the retired ADMIN_TOKEN in every mode, saying what replaces it, without echoing it', () => {
    for (const NODE_ENV of ['production', 'test', 'development']) {
      const message = messageOf(() => loadApiEnv({ ...base, NODE_ENV, SESSION_SECRET: SECRET, ...ORDER_SECRETS, ADMIN_TOKEN: 'an-old-static-admin-token' }));
      expect(message).toMatch(/ADMIN_TOKEN: is retired/);
      expect(message).toMatch(/keys:create/);
      expect(message).not.toContain('an-old-static-admin-token');
    }
    expect(loadApiEnv({ ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, ...ORDER_SECRETS })).not.toHaveProperty('ADMIN_TOKEN');
  });

  it('derives the per-email login limit from the strict one unless it is set, and refuses a first cool-down above the longest', () => {
    const env = { ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, ...ORDER_SECRETS };
    expect(loadApiEnv(env)).toMatchObject({ LOGIN_MAX_FAILURES_PER_ACCOUNT: 5, LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: 20 });
    expect(loadApiEnv({ ...env, LOGIN_MAX_FAILURES_PER_ACCOUNT: '10000' }).LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES).toBe(40_000);
    expect(loadApiEnv({ ...env, LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: '7' }).LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES).toBe(7);
    expect(messageOf(() => loadApiEnv({ ...env, LOGIN_COOLDOWN_MS: '2000', LOGIN_COOLDOWN_MAX_MS: '1000' }))).toMatch(/LOGIN_COOLDOWN_MS: must not exceed LOGIN_COOLDOWN_MAX_MS/);
  });

  it('refuses the public development session secret outside development (NODE_ENV unset included), without echoing it', () => {
    for (const NODE_ENV of ['production', 'test', undefined]) {
      const message = messageOf(() => loadApiEnv({ ...base, NODE_ENV, SESSION_SECRET: DEV_SESSION_SECRET }));
      expect(message).toMatch(/SESSION_SECRET: must not be the public development secret/);
      expect(message).not.toContain(DEV_SESSION_SECRET);
    }
  });

  it('refuses a short secret, an idle timeout past the absolute one, and applies defaults', () => {
    expect(() => loadApiEnv({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(/at least 32/);
    expect(messageOf(() => loadApiEnv({ ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT_S: '100', SESSION_ABSOLUTE_TIMEOUT_S: '50' }))).toMatch(
      /SESSION_IDLE_TIMEOUT_S: must not exceed SESSION_ABSOLUTE_TIMEOUT_S/,
    );
    const env = loadApiEnv({ ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, ...ORDER_SECRETS });
    expect(env).toMatchObject({ PORT: 4000, RATE_LIMIT_ENABLED: true, SESSION_IDLE_TIMEOUT_S: 28_800, AUTH_CACHE_TTL_MS: 30_000 });
  });

  it('takes TRUST_PROXY as a hop count or a list of proxies, off by default, and refuses trusting everyone by name', () => {
    const production = { ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, ...ORDER_SECRETS };
    expect(loadApiEnv(production).TRUST_PROXY).toEqual({ kind: 'none' });
    expect(loadApiEnv({ ...production, TRUST_PROXY: '1' }).TRUST_PROXY).toEqual({ kind: 'hops', hops: 1 });
    expect(loadApiEnv({ ...production, TRUST_PROXY: '172.28.0.10,172.28.0.11' }).TRUST_PROXY).toEqual({ kind: 'addresses', addresses: ['172.28.0.10', '172.28.0.11'] });
    for (const value of ['true', '*', '0.0.0.0/0', '::/0']) {
      expect(messageOf(() => loadApiEnv({ ...production, TRUST_PROXY: value }))).toMatch(/TRUST_PROXY: must name the proxies, not trust every client/);
    }
    expect(messageOf(() => loadApiEnv({ ...production, TRUST_PROXY: 'the-proxy' }))).toMatch(/TRUST_PROXY: expected a hop count or IPs\/CIDRs/);
  });

  it('requires the order-link keys and the webhook secret outside development and tests, refusing the published defaults, without echoing them', () => {
    const production = { ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET };
    for (const NODE_ENV of ['production', undefined]) {
      const message = messageOf(() => loadApiEnv({ ...production, NODE_ENV }));
      expect(message).toMatch(/ORDER_LINK_KEYS: is required/);
      expect(message).toMatch(/PAYMENT_WEBHOOK_SECRET: is required/);
      expect(message).toMatch(/WEBHOOK_SECRET_KEYS: is required/);
      const published = messageOf(() =>
        loadApiEnv({
          ...production,
          NODE_ENV,
          ORDER_LINK_KEYS: `new:${'n'.repeat(32)},${DEV_ORDER_LINK_KEYS}`,
          PAYMENT_WEBHOOK_SECRET: DEV_PAYMENT_WEBHOOK_SECRET,
          WEBHOOK_SECRET_KEYS: `new:${randomBytes(32).toString('base64')},${DEV_WEBHOOK_SECRET_KEYS}`,
        }),
      );
      expect(published).toMatch(/WEBHOOK_SECRET_KEYS: must not hold the public development key/);
      expect(published).not.toContain(DEV_WEBHOOK_SECRET_KEYS.slice(4));
      expect(published).toMatch(/ORDER_LINK_KEYS: must not hold the public development key/);
      expect(published).toMatch(/PAYMENT_WEBHOOK_SECRET: must not be the public development secret/);
      expect(published).not.toContain(DEV_PAYMENT_WEBHOOK_SECRET);
      expect(published).not.toContain('dev-order-link-key');
    }
    for (const NODE_ENV of ['development', 'test']) {
      const env = loadApiEnv({ ...production, NODE_ENV });
      expect(env.ORDER_LINK_KEYS).toEqual([{ id: 'dev', secret: expect.any(String) }]);
      expect(env.PAYMENT_WEBHOOK_SECRET).toBe(DEV_PAYMENT_WEBHOOK_SECRET);
      expect(env.WEBHOOK_SECRET_KEYS.map((key) => key.id)).toEqual(['dev']);
    }
    const weak = messageOf(() => loadApiEnv({ ...production, ORDER_LINK_KEYS: 'k1:short-secret', PAYMENT_WEBHOOK_SECRET: 'short-secret', WEBHOOK_SECRET_KEYS: 'w1:short-secret' }));
    expect(weak).toMatch(/WEBHOOK_SECRET_KEYS: entry 1 \(key w1\) needs exactly 32 random bytes/);
    expect(weak).toMatch(/ORDER_LINK_KEYS: entry 1 \(key k1\) needs a secret of at least 32 characters/);
    expect(weak).toMatch(/PAYMENT_WEBHOOK_SECRET: must be at least 32 characters/);
    expect(weak).not.toContain('short-secret');
    const env = loadApiEnv({ ...production, ...ORDER_SECRETS, ORDER_LINK_KEYS: `k2:${'b'.repeat(32)},${ORDER_SECRETS.ORDER_LINK_KEYS}` });
    expect(env.ORDER_LINK_KEYS.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(env).toMatchObject({ ORDER_PAYMENT_TTL_MS: 900_000, ORDER_LINK_TTL_S: 2_592_000, PAYMENT_WEBHOOK_TOLERANCE_S: 300, RATE_LIMIT_ORDER_MAX: 30 });
  });

  it('serves /docs only in development unless API_DOCS_ENABLED says otherwise', () => {
    const production = { ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, ...ORDER_SECRETS };
    expect(loadApiEnv(production).API_DOCS_ENABLED).toBe(false);
    expect(loadApiEnv({ ...production, NODE_ENV: undefined }).API_DOCS_ENABLED).toBe(false);
    expect(loadApiEnv({ ...production, NODE_ENV: 'test' }).API_DOCS_ENABLED).toBe(false);
    expect(loadApiEnv({ ...production, API_DOCS_ENABLED: 'true' }).API_DOCS_ENABLED).toBe(true);
    expect(loadApiEnv({ ...base, NODE_ENV: 'development' }).API_DOCS_ENABLED).toBe(true);
    expect(loadApiEnv({ ...base, NODE_ENV: 'development', API_DOCS_ENABLED: 'false' }).API_DOCS_ENABLED).toBe(false);
    expect(messageOf(() => loadApiEnv({ ...production, API_DOCS_ENABLED: 'maybe' }))).toMatch(/API_DOCS_ENABLED: expected one of true\/false/);
  });

  it('takes the realtime token key ring, the development one only under development or test, never echoed', () => {
    const production = { ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET, ...ORDER_SECRETS };
    expect(loadApiEnv(production).REALTIME_TOKEN_KEYS.signing.kid).toBe('k1');
    const { REALTIME_TOKEN_KEYS: _unset, ...withoutKeys } = production;
    expect(messageOf(() => loadApiEnv(withoutKeys))).toMatch(/REALTIME_TOKEN_KEYS: is required unless NODE_ENV is development or test/);
    expect(loadApiEnv({ ...withoutKeys, NODE_ENV: 'test' }).REALTIME_TOKEN_KEYS.signing.kid).toBe('dev');
    expect(messageOf(() => loadApiEnv({ ...production, REALTIME_TOKEN_KEYS: DEV_REALTIME_TOKEN_KEYS }))).toMatch(/REALTIME_TOKEN_KEYS: must not hold the public development key/);
    const weak = messageOf(() => loadApiEnv({ ...production, REALTIME_TOKEN_KEYS: `k1:${TOKEN_KEY.slice(0, 20)}` }));
    expect(weak).toMatch(/REALTIME_TOKEN_KEYS: key k1: the secret is 15 bytes; it needs 32/);
    expect(weak).not.toContain(TOKEN_KEY.slice(0, 20));
  });
});
