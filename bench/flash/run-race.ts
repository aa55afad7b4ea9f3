import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Crowd } from './crowd.js';
import { measureProbe, measureRace, type ProbeMeasures, type RaceMeasures } from './measures.js';
import { publishedAtOf, tallyProduct, type ProductTally } from './postgres-tally.js';
import type { RaceMode } from './protocol.js';

export interface RaceOptions {
  mode: RaceMode;
  /** The balancer. */
  url: string;
  apiKey: string;
  databaseUrl: string;
  shoppers: number;
  /** One shopper in this many also loads the storefront's rendered page (Next renders each view: costly). */
  storefrontEvery: number;
  units: number;
  /** The cluster's RESERVATION_TTL_MS and CART_SWEEP_INTERVAL_MS: holds must be gone after both. */
  reservationTtlMs: number;
  sweepIntervalMs: number;
  clientCpus: string;
  localAddresses: string[];
  log: (line: string) => void;
}

export interface RaceOutcome {
  measures: RaceMeasures;
  /** One change to the product with every page open, before the rush: the same fan-out on a quiet machine. */
  probe: ProbeMeasures;
  /** Postgres once every page showed sold out, and again once the reservation TTL had passed. */
  afterRace: ProductTally;
  afterTtl: ProductTally;
  oversold: number;
  leakedReservations: number;
  productId: string;
  openS: number;
  /** Page opens that failed and were tried again (a socket refused or timed out while the crowd gathered). */
  openRetries: number;
}

const PRICE_MINOR = 4_999;
/** Every open page must show sold out; past this, the ones that do not are counted as never. */
const SOLD_OUT_WAIT_MS = 15_000;
/** Every open page must show the probe before the rush; past this, the ones that do not are counted as never. */
const PROBE_WAIT_MS = 10_000;

async function createProduct(options: RaceOptions): Promise<string> {
  const sku = `FLASH-${options.mode.toUpperCase()}-${Date.now().toString(36).toUpperCase()}`;
  const response = await fetch(`${options.url}/v1/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sku, name: `Flash sale ${options.mode}`, category: 'flash-sale', priceMinor: PRICE_MINOR, currency: 'EUR', stock: options.units }),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || body.id === undefined) throw new Error(`POST /v1/products answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/** Changes the product's description to `marker` as staff would (If-Match its ETag); returns when the answer came. */
async function changeDescription(options: RaceOptions, productId: string, marker: string): Promise<number> {
  const url = `${options.url}/v1/products/${productId}`;
  const headers = { authorization: `Bearer ${options.apiKey}` };
  const current = await fetch(url, { headers });
  const etag = current.headers.get('etag');
  await current.body?.cancel();
  if (current.status !== 200 || etag === null) throw new Error(`GET ${url} answered ${current.status} (ETag ${etag})`);
  const response = await fetch(url, { method: 'PATCH', headers: { ...headers, 'if-match': etag, 'content-type': 'application/json' }, body: JSON.stringify({ description: marker }) });
  const answeredAt = Date.now();
  if (response.status !== 200) throw new Error(`PATCH ${url} answered ${response.status}: ${await response.text()}`);
  await response.body?.cancel();
  return answeredAt;
}

/** With every page open and nothing else going on: one change, timed to every page (the fan-out's floor). */
async function probeFanOut(options: RaceOptions, crowd: Crowd, productId: string): Promise<ProbeMeasures> {
  const marker = `flash-sale probe ${randomUUID()}`;
  await crowd.probe(marker);
  const answeredAt = await changeDescription(options, productId, marker);
  let shoppers = await crowd.report();
  for (let waited = 0; shoppers.some((s) => s.probeSeenAt === null) && waited < PROBE_WAIT_MS; waited += 250) {
    await delay(250);
    shoppers = await crowd.report();
  }
  return measureProbe(shoppers, answeredAt, await publishedAtOf(options.databaseUrl, productId, marker));
}

/**
 * One race: a fresh product with `units`, `shoppers` pages open on it, all clicking at once; then every
 * page must show sold out, and after the reservation TTL no unit may still be held.
 */
export async function runRace(options: RaceOptions): Promise<RaceOutcome> {
  const { log, mode } = options;
  const productId = await createProduct(options);
  log(`flash-sale ${mode}: ${options.units} units of ${productId}; opening ${options.shoppers} product pages…`);
  const openStarted = performance.now();
  const crowd = await Crowd.open({ url: options.url, productId, shoppers: options.shoppers, storefrontEvery: options.storefrontEvery, cpus: options.clientCpus, localAddresses: options.localAddresses, openCart: mode === 'checkout-warm', log });
  try {
    const openS = Math.round((performance.now() - openStarted) / 100) / 10;
    const probe = await probeFanOut(options, crowd, productId);
    log(`flash-sale ${mode}: ${options.shoppers} pages open in ${openS} s; one change before the rush reached every page in p99 ${probe.visibleMs.p99} ms (first page → every page ${probe.spreadMs.p99} ms); everyone clicks in 1 s…`);
    await crowd.race({ mode, goAt: Date.now() + 1_000, productId, expectedTotalMinor: PRICE_MINOR, log });
    const racedAt = Date.now();
    let shoppers = await crowd.report();
    for (let waited = 0; shoppers.some((s) => s.soldOutSeenAt === null) && waited < SOLD_OUT_WAIT_MS; waited += 500) {
      await delay(500);
      shoppers = await crowd.report();
    }
    const afterRace = await tallyProduct(options.databaseUrl, productId);
    const measures = measureRace(mode, shoppers, afterRace.soldOutPublishedAt);
    log(
      `flash-sale ${mode}: pages opened p50 ${measures.pageOpenMs.p50} ms, p99 ${measures.pageOpenMs.p99} ms; ${measures.winners} won, sold ${afterRace.sold} of ${options.units}; losers answered p99 ${measures.loserAnswerMs.p99} ms; sold out on every page p99 ${measures.soldOutVisibleMs.p99} ms; waiting out the ${options.reservationTtlMs} ms reservation TTL…`,
    );
    await delay(Math.max(0, racedAt + options.reservationTtlMs + 2 * options.sweepIntervalMs + 1_000 - Date.now()));
    const afterTtl = await tallyProduct(options.databaseUrl, productId);
    return {
      measures,
      probe,
      afterRace,
      afterTtl,
      oversold: Math.max(0, afterTtl.sold - options.units, -afterTtl.stock),
      leakedReservations: afterTtl.reserved,
      productId,
      openS,
      openRetries: crowd.openRetries,
    };
  } finally {
    await crowd.close();
  }
}
