import { setTimeout as delay } from 'node:timers/promises';

/**
 * Starts `task` at a steady `perSecond` until `signal` aborts, with at most `maxInFlight` running at once
 * (a slow server then sees fewer starts, not a growing pile of them: the shortfall shows up as a lower
 * achieved rate in the report instead of as client-side memory). Resolves once the last task settled.
 */
export async function runPaced(perSecond: number, maxInFlight: number, task: () => Promise<void>, signal: AbortSignal): Promise<number> {
  if (!(perSecond > 0)) throw new Error(`a paced load needs a positive rate; got ${perSecond}`);
  const interval = 1_000 / perSecond;
  const running = new Set<Promise<void>>();
  const started = performance.now();
  let launched = 0;
  while (!signal.aborted) {
    const due = Math.floor((performance.now() - started) / interval) + 1;
    while (launched < due && running.size < maxInFlight) {
      launched += 1;
      const run = task().finally(() => running.delete(run));
      running.add(run);
    }
    // A missed start is dropped, not made up in a burst later.
    if (launched < due) launched = due;
    await delay(Math.max(1, Math.min(interval, 50)));
  }
  await Promise.allSettled(running);
  return launched;
}
