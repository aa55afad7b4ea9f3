import { setTimeout as delay } from 'node:timers/promises';

export const sleep = (ms: number): Promise<void> => delay(ms);

export interface WaitOptions {
  /** Names what is awaited in the timeout error: `timed out after … ms waiting for <what>`. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Asked between attempts: a message (say, the process exited) ends the wait at once with that message. */
  failed?: () => string | false | undefined;
}

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/**
 * Calls `check` until it returns something other than `undefined` or `false`, and returns that value.
 * An error thrown by `check` ends the wait: a check for which "not yet" is an error catches it itself.
 */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    const failure = options.failed?.();
    if (typeof failure === 'string') throw new Error(failure);
    if (Date.now() >= deadline) throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${options.what}`);
    await delay(options.intervalMs ?? 50);
  }
}

/** True when `url` answers 2xx within `timeoutMs`; never throws. */
export async function answersOk(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
