import { CLOSE_CODES } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { Heartbeat, type Peer } from './heartbeat.js';

class FakePeer implements Peer {
  pings = 0;
  kicked: number | undefined;
  ping(): void {
    this.pings++;
  }
  kick(code: number): void {
    this.kicked = code;
  }
}

describe('Heartbeat', () => {
  it('pings a quiet peer after the interval and closes it with 4001 if no answer comes within the timeout', () => {
    let now = 0;
    const dead: Peer[] = [];
    const heartbeat = new Heartbeat({ intervalMs: 1000, timeoutMs: 500, now: () => now, onDead: (peer) => dead.push(peer) });
    const peer = new FakePeer();
    heartbeat.add(peer);
    now = 999;
    heartbeat.sweep();
    expect(peer.pings).toBe(0);
    now = 1000;
    heartbeat.sweep();
    expect(peer.pings).toBe(1);
    now = 1499;
    heartbeat.sweep();
    expect(peer.kicked).toBeUndefined();
    now = 1500;
    heartbeat.sweep();
    expect(peer.kicked).toBe(CLOSE_CODES.HEARTBEAT_TIMEOUT);
    expect(dead).toEqual([peer]);
  });

  it('counts any sign of life, and forgets removed peers', () => {
    let now = 0;
    const heartbeat = new Heartbeat({ intervalMs: 1000, timeoutMs: 500, now: () => now });
    const [talkative, gone] = [new FakePeer(), new FakePeer()];
    heartbeat.add(talkative);
    heartbeat.add(gone);
    heartbeat.remove(gone);
    now = 1000;
    heartbeat.sweep();
    now = 1200;
    heartbeat.seen(talkative);
    now = 1600;
    heartbeat.sweep();
    expect(talkative.kicked).toBeUndefined();
    expect(gone.pings).toBe(0);
  });
});
