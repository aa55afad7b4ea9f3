import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { roomInWindow } from './rate-window.js';

describe('roomInWindow', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date', 'setTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('returns at once with the window’s end when the run fits in what is left of it', async () => {
    vi.setSystemTime(10_200);
    await expect(roomInWindow(1_000, 500)).resolves.toEqual({ windowEndsAt: 11_000 });
  });

  it('waits past the end of a window that has too little left, and returns the next one’s end', async () => {
    vi.setSystemTime(10_900);
    let settled: { windowEndsAt: number } | undefined;
    const room = roomInWindow(1_000, 500).then((value) => (settled = value));
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(50);
    await room;
    expect(settled).toEqual({ windowEndsAt: 12_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(11_000);
  });

  it('refuses a run longer than a window', async () => {
    await expect(roomInWindow(1_000, 1_000)).rejects.toThrow('does not fit');
  });
});
