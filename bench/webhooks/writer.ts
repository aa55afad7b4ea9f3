import { setTimeout as delay } from 'node:timers/promises';
import { LatencyCounts } from '../realtime/harness/latency-counts.js';

export interface WriterTarget {
  apiUrl: string;
  /** A key with catalog:write. */
  apiKey: string;
  /** The products written, in groups of `batch` (one bulk request each), round after round. */
  productIds: string[];
  batch: number;
}

export interface WritePhase {
  /** Events per second to offer: each item of a bulk update is one product.updated event. */
  eventsPerSecond: number;
  durationMs: number;
  /** Bulk requests in flight at most; a request due while this many wait is skipped (counted). */
  maxInFlight: number;
}

export interface WriterOutcome {
  /** Items acknowledged by a 200: one committed event each. */
  events: number;
  requests: number;
  /** Requests answered other than 200, or failed in transport (nothing committed: a bulk update is one transaction). */
  failed: number;
  failures: Record<string, number>;
  /** Requests not sent because `maxInFlight` were still waiting: the API did not keep up. */
  skipped: number;
  /** From the first request to the last answer. */
  elapsedMs: number;
  eventsPerSecond: number;
  /** Committed events per product id. */
  perProduct: Map<string, number>;
  requestP50Ms: number;
  requestP99Ms: number;
}

/**
 * Writes price changes through `POST /v1/products/bulk` (one transaction per request, all or nothing) at
 * a fixed offered rate: open loop, the request schedule does not wait for answers (up to `maxInFlight`).
 * Each group of products is disjoint from the others in flight, so no request waits on another's locks.
 */
export class BulkWriter {
  /** Where in the product list the next request starts: carried across phases, so each writes all of it in turn. */
  private cursor = 0;
  private priceTick = 0;

  constructor(private readonly target: WriterTarget) {
    if (target.productIds.length % target.batch !== 0) throw new Error(`${target.productIds.length} products do not split into groups of ${target.batch}`);
  }

  async write(options: WritePhase): Promise<WriterOutcome> {
    const { productIds, batch, apiUrl, apiKey } = this.target;
    const perRequestMs = (batch / options.eventsPerSecond) * 1_000;
    const total = Math.max(1, Math.round(options.durationMs / perRequestMs));
    const latency = new LatencyCounts();
    const failures: Record<string, number> = {};
    const inFlight = new Set<Promise<void>>();
    let events = 0;
    const perProduct = new Map<string, number>();
    let failed = 0;
    let skipped = 0;
    const started = performance.now();
    let lastAnswer = started;

    const post = async (items: { id: string; priceMinor: number }[]) => {
      const sent = performance.now();
      try {
        const response = await fetch(`${apiUrl}/v1/products/bulk`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ items }),
        });
        const body = await response.text();
        if (response.status === 200) {
          events += items.length;
          for (const { id } of items) perProduct.set(id, (perProduct.get(id) ?? 0) + 1);
        } else {
          failed++;
          const key = `${response.status} ${body.slice(0, 120)}`;
          failures[key] = (failures[key] ?? 0) + 1;
        }
      } catch (error) {
        failed++;
        const key = String(error).slice(0, 120);
        failures[key] = (failures[key] ?? 0) + 1;
      }
      lastAnswer = performance.now();
      latency.record(Math.round(lastAnswer - sent));
    };

    for (let request = 0; request < total; request++) {
      const due = started + request * perRequestMs;
      const wait = due - performance.now();
      if (wait > 1) await delay(wait);
      if (inFlight.size >= options.maxInFlight) {
        skipped++;
        continue;
      }
      const items = Array.from({ length: batch }, (_, i) => ({ id: productIds[this.cursor + i]!, priceMinor: 10_000 + (this.priceTick % 5_000) }));
      this.cursor = (this.cursor + batch) % productIds.length;
      this.priceTick++;
      const pending = post(items).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
    await Promise.all(inFlight);
    const elapsedMs = Math.max(1, lastAnswer - started);
    const histogram = latency.toHistogram();
    return {
      events,
      requests: total - skipped,
      failed,
      failures,
      skipped,
      elapsedMs: Math.round(elapsedMs),
      eventsPerSecond: Math.round((events / elapsedMs) * 1_000),
      perProduct,
      requestP50Ms: histogram.getValueAtPercentile(50),
      requestP99Ms: histogram.getValueAtPercentile(99),
    };
  }
}
