import { setTimeout as delay } from 'node:timers/promises';

/**
 * The api's limiter counts in fixed windows aligned to the epoch (window = floor(now / windowMs)), on
 * this machine's clock. Waits, if needed, for the next window so that `neededMs` fit in the current
 * one; returns when the current window ends.
 */
export async function roomInWindow(windowMs: number, neededMs: number): Promise<{ windowEndsAt: number }> {
  if (neededMs >= windowMs) throw new Error(`a run of ${neededMs} ms does not fit in a ${windowMs} ms window`);
  const left = windowMs - (Date.now() % windowMs);
  // A little past the boundary, so the servers are past it too.
  if (left < neededMs) await delay(left + 50);
  return { windowEndsAt: (Math.floor(Date.now() / windowMs) + 1) * windowMs };
}
