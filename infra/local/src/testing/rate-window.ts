/**
 * The api's rate limits count in fixed windows aligned to the epoch (window = floor(now / windowMs)), on
 * this machine's clock: requests counted across the end of one window start counting again in the next,
 * so a test that counts up to a limit and expects the next request refused sees it admitted. Waits, if
 * needed, for the next window so that `neededMs` fit in the current one; returns when that window ends.
 */
export async function roomInWindow(windowMs: number, neededMs: number): Promise<{ windowEndsAt: number }> {
  if (neededMs >= windowMs) throw new Error(`a run of ${neededMs} ms does not fit in a ${windowMs} ms window`);
  const left = windowMs - (Date.now() % windowMs);
  // A little past the boundary, so the servers are past it too.
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return { windowEndsAt: (Math.floor(Date.now() / windowMs) + 1) * windowMs };
}
