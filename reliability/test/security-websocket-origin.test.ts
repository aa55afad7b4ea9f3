import { type BuiltApp, createTestBackends, skipWithoutBuilds, type TestBackends } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketUrlOf, startRealtime } from '../src/launch/start-realtime.js';
import { attemptUpgrade } from '../src/security/ws-handshake.js';

/**
 * The built realtime server admits a WebSocket only from an allowed Origin: a foreign page (or a
 * look-alike origin) gets HTTP 403 at the upgrade, before any WebSocket exists; a client without
 * Origin is refused too unless WS_ALLOW_NO_ORIGIN is on (apps/realtime/src/ws/origin-policy.ts). An
 * Origin naming the server's own Host passes only in development: elsewhere a DNS-rebinding page has one.
 */

const skip = skipWithoutBuilds('security-websocket-origin', ['realtime']);
const SHOP = 'https://shop.example';

const FOREIGN = [
  'https://evil.example',
  'http://shop.example',
  'https://shop.example:8443',
  'https://shop.example.evil.example',
  'https://evil.example/https://shop.example',
  'null',
  'file://',
];

describe.skipIf(skip)('WebSocket Origin checks on the realtime server', () => {
  let backends: TestBackends;
  let strict: BuiltApp;
  let lenient: BuiltApp;
  let development: BuiltApp;

  beforeAll(async () => {
    backends = await createTestBackends({ label: 'rel-ws-origin' });
    [strict, lenient, development] = await Promise.all([
      startRealtime({ backends, name: 'realtime-strict', allowedOrigins: [SHOP] }),
      startRealtime({ backends, name: 'realtime-no-origin-allowed', allowedOrigins: [SHOP], env: { WS_ALLOW_NO_ORIGIN: 'true' } }),
      startRealtime({ backends, name: 'realtime-development', allowedOrigins: [SHOP], env: { NODE_ENV: 'development' } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([strict, lenient, development].filter(Boolean).map((server) => server.stop()));
    await backends?.close();
  });

  it('accepts the allowed origin: the socket opens with a welcome', async () => {
    for (const server of [strict, lenient]) {
      const outcome = await attemptUpgrade(socketUrlOf(server), SHOP);
      expect(outcome).toMatchObject({ kind: 'open', firstMessage: { type: 'welcome', instanceId: server.name } });
    }
  });

  it('refuses foreign and look-alike origins with 403 at the upgrade, on both servers', async () => {
    for (const server of [strict, lenient]) {
      for (const origin of FOREIGN) {
        const outcome = await attemptUpgrade(socketUrlOf(server), origin);
        expect(outcome, `${server.name} ${origin}`).toMatchObject({ kind: 'refused', status: 403 });
        if (outcome.kind === 'refused') expect(JSON.parse(outcome.body), origin).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      }
    }
  });

  it('refuses a client without Origin unless WS_ALLOW_NO_ORIGIN is on', async () => {
    expect(await attemptUpgrade(socketUrlOf(strict), undefined)).toMatchObject({ kind: 'refused', status: 403 });
    expect(await attemptUpgrade(socketUrlOf(lenient), undefined)).toMatchObject({ kind: 'open', firstMessage: { type: 'welcome' } });
  });

  it('refuses an Origin equal to its Host (a DNS-rebinding page looks so) unless NODE_ENV=development, where its debug page uses it', async () => {
    expect(await attemptUpgrade(socketUrlOf(strict), strict.url)).toMatchObject({ kind: 'refused', status: 403 });
    expect(await attemptUpgrade(socketUrlOf(development), development.url)).toMatchObject({ kind: 'open' });
    expect(await attemptUpgrade(socketUrlOf(development), 'https://evil.example')).toMatchObject({ kind: 'refused', status: 403 });
  });

  it('counts each refused upgrade in its metrics, by reason', async () => {
    const metrics = await (await fetch(`${strict.url}/metrics`)).text();
    const refused = /^realtime_upgrades_refused_total\{reason="origin"[^}]*\} (\d+)$/m.exec(metrics);
    // The foreign origins, the client without one, and its own.
    expect(Number(refused?.[1])).toBe(FOREIGN.length + 2);
  });
});
