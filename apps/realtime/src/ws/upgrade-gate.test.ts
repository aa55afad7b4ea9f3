import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin-policy.js';
import { UpgradeGate } from './upgrade-gate.js';

const policy = { allowedOrigins: ['https://shop.example'], allowNoOrigin: false, allowSameHost: false };

describe('isOriginAllowed', () => {
  it('allows listed origins, refuses others', () => {
    expect(isOriginAllowed('https://shop.example', 'rt.example', policy)).toBe(true);
    expect(isOriginAllowed('https://evil.example', 'rt.example', policy)).toBe(false);
    expect(isOriginAllowed('null', 'rt.example', policy)).toBe(false);
  });

  it('allows an Origin equal to the Host (the page served by this host) only when told to (development)', () => {
    // A rebinding attack's page: its Origin and the Host its browser sends name the same attacker's site.
    expect(isOriginAllowed('http://rebound.example:4001', 'rebound.example:4001', policy)).toBe(false);
    expect(isOriginAllowed('http://rt.example:4001', 'rt.example:4001', { ...policy, allowSameHost: true })).toBe(true);
    expect(isOriginAllowed('http://rt.example:4001', 'rt.example:4002', { ...policy, allowSameHost: true })).toBe(false);
    expect(isOriginAllowed('not a url', 'rt.example', { ...policy, allowSameHost: true })).toBe(false);
  });

  it('allows a missing Origin only when configured, and * allows any', () => {
    expect(isOriginAllowed(undefined, 'rt.example', policy)).toBe(false);
    expect(isOriginAllowed(undefined, 'rt.example', { ...policy, allowNoOrigin: true })).toBe(true);
    expect(isOriginAllowed('https://any.example', undefined, { ...policy, allowedOrigins: ['*'] })).toBe(true);
  });
});

function upgradeRequest(origin?: string): IncomingMessage & { socket: EventEmitter } {
  return { headers: { origin, host: 'rt.example' }, socket: new EventEmitter() } as unknown as IncomingMessage & { socket: EventEmitter };
}

describe('UpgradeGate', () => {
  it('counts handshakes in flight against the cap until they settle or their socket closes', () => {
    let open = 0;
    const gate = new UpgradeGate({ ...policy, allowNoOrigin: true, maxConnections: 2, openConnections: () => open, feedStarted: () => true });
    const [a, b, c] = [upgradeRequest(), upgradeRequest(), upgradeRequest()];
    expect(gate.admit(a)).toBe('ok');
    expect(gate.admit(b)).toBe('ok');
    expect(gate.admit(c)).toBe('capacity');
    b.socket.emit('close');
    expect(gate.admit(c)).toBe('ok');
    gate.settle(a);
    open = 1;
    a.socket.emit('close');
    expect(gate.admit(upgradeRequest())).toBe('capacity');
  });

  it('refuses foreign origins, and everyone until the feed has started', () => {
    let started = false;
    const gate = new UpgradeGate({ ...policy, maxConnections: 10, openConnections: () => 0, feedStarted: () => started });
    expect(gate.admit(upgradeRequest('https://shop.example'))).toBe('not_ready');
    started = true;
    expect(gate.admit(upgradeRequest('https://evil.example'))).toBe('origin');
    expect(gate.admit(upgradeRequest('https://shop.example'))).toBe('ok');
  });
});
