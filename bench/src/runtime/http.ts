import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `url` until it answers 2xx. `failed` is asked between attempts: a message from it (the server
 * exited) ends the wait at once instead of at the timeout.
 */
export async function waitForOk(url: string, timeoutMs: number, failed: () => string | false = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    const reason = failed();
    if (reason !== false) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`${url} did not answer 2xx within ${timeoutMs} ms`);
    await delay(50);
  }
}
