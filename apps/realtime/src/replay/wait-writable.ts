import { setTimeout as delay } from 'node:timers/promises';

export class NotWritableError extends Error {
  override readonly name = 'NotWritableError';
}

/**
 * Resolves once `bufferedAmount()` is at most `maxBytes`, polling: a replay must not pile its history
 * into memory faster than the client reads it. Rejects after `timeoutMs`, or once `closed()`.
 */
export async function waitWritable(options: {
  bufferedAmount: () => number;
  closed: () => boolean;
  maxBytes: number;
  timeoutMs: number;
  pollMs?: number;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.closed()) throw new NotWritableError('connection closed');
    if (options.bufferedAmount() <= options.maxBytes) return;
    if (Date.now() >= deadline) throw new NotWritableError('client did not read its replay in time');
    await delay(options.pollMs ?? 10);
  }
}
