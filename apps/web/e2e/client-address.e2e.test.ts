import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { actionBody, callAction, serverActionsUnder } from './support/server-actions';
import { type Stack, startStack } from './support/stack';

/**
 * The web tells the API whose request it serves (`X-Forwarded-For`), so the API's per-address limits
 * count shoppers. Observed through the API's per-address login throttle, set to refuse a fourth failure.
 */
const MAX_FAILURES_PER_IP = 3;

describe.each([0, 1])('a web server trusting %i proxy hop(s)', (hops) => {
  let stack: Stack;
  let attempt = 0;

  beforeAll(async () => {
    stack = await startStack({
      adminDatabaseUrl: inject('adminDatabaseUrl'),
      redisUrl: inject('redisUrl'),
      seedCount: 1,
      // The API takes X-Forwarded-For from the web server only (on loopback here), as it would trust the web's addresses.
      apiEnv: { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_IP: String(MAX_FAILURES_PER_IP), LOGIN_COOLDOWN_MS: '60000' },
      webEnv: { TRUST_PROXY_HOPS: String(hops) },
    });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** A failed sign-in through the web's own action, each for a different unknown email (so only the address counts). */
  async function failedLogin(forwardedFor: string): Promise<string> {
    const [signIn] = serverActionsUnder('apps/web/src/app/login/').filter((action) => action.exportedName === 'signIn');
    attempt += 1;
    const body = actionBody({ email: `nobody-${hops}-${attempt}@staff.example.com`, password: 'not a password anyone has', next: '/admin' });
    const outcome = await callAction(stack.webUrl, { id: signIn!.id, pagePath: '/login' }, body, { 'x-forwarded-for': forwardedFor });
    const message = /"message":"([^"]*)"/.exec(outcome.body)?.[1];
    if (message === undefined) throw new Error(`no sign-in answer: ${outcome.status} ${outcome.body.slice(0, 300)}`);
    return message;
  }

  if (hops === 0) {
    it('counts the connection’s own address: a browser cannot pick its bucket with X-Forwarded-For', async () => {
      for (let i = 1; i <= MAX_FAILURES_PER_IP; i += 1) expect(await failedLogin(`203.0.113.${i}`)).toMatch(/wrong/);
      expect(await failedLogin('203.0.113.200')).toMatch(/^Too many attempts/);
    });
  } else {
    it('counts the address the trusted proxy saw, whatever was claimed before it', async () => {
      for (let i = 1; i <= MAX_FAILURES_PER_IP; i += 1) expect(await failedLogin(`192.0.2.${i}, 198.51.100.7`)).toMatch(/wrong/);
      expect(await failedLogin('198.51.100.7')).toMatch(/^Too many attempts/);
      // Another shopper behind the same proxy has a bucket of their own.
      expect(await failedLogin('198.51.100.8')).toMatch(/wrong/);
    });
  }
});
