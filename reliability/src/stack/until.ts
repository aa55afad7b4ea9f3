import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `condition` until it holds; throws after `timeoutMs` naming `what`. Returns how long it took,
 * so a caller can report the wait as a measurement.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number, intervalMs = 25): Promise<number> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
  return Date.now() - started;
}
