import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWebSockets, product, updated } from '../live/test-support';
import { createCacheInvalidator } from './start-cache-invalidator';

vi.mock('@/env', () => ({ env: {} }));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const { WebSocket, last: socket } = fakeWebSockets();
  const expired: string[][] = [];
  createCacheInvalidator({
    url: 'ws://realtime.test/ws',
    WebSocket,
    expire: async (tags) => void expired.push([...tags]),
    warn: () => {},
  });
  return { socket, expired };
}

describe('the cache invalidator', () => {
  it('expires every product page on first connect, then each changed product once per change', async () => {
    const { socket, expired } = setup();
    await vi.advanceTimersByTimeAsync(0);
    socket().welcome();
    await vi.advanceTimersByTimeAsync(0);
    expect(expired).toEqual([['products']]);

    const a = product({ id: '00000000-0000-4000-8000-00000000000a' });
    socket().serverSends({ type: 'event', event: updated(1, { ...a, priceMinor: 900, version: 2 }) });
    await vi.advanceTimersByTimeAsync(0);
    // At-least-once delivery may repeat an event: it is the same change, not a second one.
    socket().serverSends({ type: 'event', event: updated(1, { ...a, priceMinor: 900, version: 2 }) });
    await vi.advanceTimersByTimeAsync(0);
    socket().serverSends({ type: 'event', event: updated(2, { ...a, priceMinor: 800, version: 3 }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(expired).toEqual([['products'], [`product:${a.id}`], [`product:${a.id}`]]);
  });
});
