import { setTimeout as delay } from 'node:timers/promises';

export interface PriceWriter {
  /** Stops after the write in flight and resolves with the product version each write produced, in order. */
  stop(): Promise<number[]>;
}

/**
 * Changes a product's price through the api every `intervalMs`, so real events travel api → outbox →
 * Redis → realtime while a test does something else. Any failed write fails `stop()`.
 */
export function startPriceWriter(options: { apiUrl: string; apiKey: string; productId: string; intervalMs: number }): PriceWriter {
  const versions: number[] = [];
  let running = true;
  const loop = (async () => {
    for (let price = 1_000; running; price++) {
      const response = await fetch(`${options.apiUrl}/v1/products/${options.productId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json', 'if-match': '*' },
        body: JSON.stringify({ priceMinor: price }),
      });
      const body = (await response.json()) as { version?: number };
      if (response.status !== 200 || body.version === undefined) throw new Error(`PATCH /v1/products/${options.productId} answered ${response.status}: ${JSON.stringify(body)}`);
      versions.push(body.version);
      await delay(options.intervalMs);
    }
  })();
  // Handled here so a failure waits for stop() instead of surfacing as an unhandled rejection.
  loop.catch(() => {});
  return {
    async stop() {
      running = false;
      await loop;
      return versions;
    },
  };
}
