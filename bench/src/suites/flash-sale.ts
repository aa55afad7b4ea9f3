import { createWriteStream } from 'node:fs';
import { createApiKey } from '@livecart/local-services/testing';
import { startBenchCluster } from '../../flash/cluster.js';
import type { RaceMode } from '../../flash/protocol.js';
import { runRace, type RaceOutcome } from '../../flash/run-race.js';
import { row, type Chart, type Headline } from '../report/schema.js';
import { CLIENT_CPUS } from '../runtime/paths.js';
import { ratio, round } from '../stats.js';
import { bySize, type Suite } from './context.js';

const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
/** One shopper in 100 loads the storefront's rendered page before the product's data and socket. */
const STOREFRONT_EVERY = 100;
/** The promise: every open page shows sold out within this, at p99. */
const SOLD_OUT_VISIBLE_P99_MS = 250;

const LABELS: Record<RaceMode, string> = {
  orders: 'POST /v1/orders (baseline)',
  checkout: 'cart → add → checkout',
  'checkout-warm': 'add → checkout, cart opened with the page',
};
const CHECKOUT_MODES: readonly RaceMode[] = ['checkout', 'checkout-warm'];

/** Whether this API build serves POST /v1/checkout (its OpenAPI document names it). */
async function hasCheckout(url: string): Promise<boolean> {
  const response = await fetch(`${url}/docs/json`);
  if (!response.ok) return false;
  const document = (await response.json()) as { paths?: Record<string, Record<string, unknown>> };
  return document.paths?.['/v1/checkout']?.post !== undefined;
}

function headlinesOf(mode: RaceMode, outcome: RaceOutcome): Headline[] {
  const m = outcome.measures;
  const name = (what: string) => `flash-${mode}-${what}`;
  const label = (what: string) => `${what} — ${LABELS[mode]}, ${m.shoppers.toLocaleString('en')} shoppers`;
  const one = (what: string, value: number | null, unit: string, target: Headline['target'] = null): Headline => ({
    name: name(what.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-$/, '')),
    label: label(what),
    value,
    unit,
    perRun: [],
    target,
  });
  return [
    one('oversold units', outcome.oversold, '', { op: '<=', value: 0 }),
    one('leaked reservations after the TTL', outcome.leakedReservations, '', { op: '<=', value: 0 }),
    one('losers without a clear sold-out answer', m.unclearAnswers, '', { op: '<=', value: 0 }),
    one('losers answered, p99 from the click', m.loserAnswerMs.p99, 'ms'),
    one(mode === 'orders' ? 'successful order request p99' : 'successful checkout request p99', m.winnerRequestMs.p99, 'ms'),
    one('last unit committed → every page shows sold out, p99', m.soldOutVisibleMs.p99, 'ms', { op: '<=', value: SOLD_OUT_VISIBLE_P99_MS }),
    one('one change before the rush → every page, p99 (the fan-out on a quiet machine)', outcome.probe.visibleMs.p99, 'ms'),
    { ...one('sold out on every page p99 / the quiet change p99', ratio(m.soldOutVisibleMs.p99, outcome.probe.visibleMs.p99), '×'), name: name('ratio-sold-out-to-quiet-change') },
  ];
}

export const flashSaleSuite: Suite = {
  name: 'flash-sale',
  summary: 'shoppers on one product page (HTTP + WebSocket through the balancer of 2 api + 2 realtime + web) race for its last units: checkout against POST /v1/orders',
  estimateS: { tiny: 60, quick: 90, full: 600 },
  builds: ['@livecart/api', '@livecart/realtime', '@livecart/web'],
  remoteTargets: null,
  async run(ctx) {
    const shoppers = bySize(ctx.size, { tiny: 200, quick: 500, full: 10_000 });
    const units = bySize(ctx.size, { tiny: 10, quick: 20, full: 100 });
    const reservationTtlMs = bySize(ctx.size, { tiny: 1_500, quick: 2_000, full: 15_000 });
    const sweepIntervalMs = bySize(ctx.size, { tiny: 500, quick: 500, full: 1_000 });
    const balancerProcesses = bySize(ctx.size, { tiny: 2, quick: 2, full: 4 });
    const clusterLog = createWriteStream(ctx.logFile, { flags: 'a' });
    const cluster = await startBenchCluster(ctx.stack, {
      balancerProcesses,
      apiEnv: {
        // Rate limiting stays on (it is part of the request path), with limits no load run reaches.
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_READ_MAX: '1000000000',
        RATE_LIMIT_WRITE_MAX: '1000000000',
        RATE_LIMIT_ORDER_MAX: '1000000000',
        RATE_LIMIT_SHOPPER_ORDER_MAX: '1000000000',
        RESERVATION_TTL_MS: String(reservationTtlMs),
        CART_SWEEP_INTERVAL_MS: String(sweepIntervalMs),
      },
      log: ctx.log,
      logLine: (line) => clusterLog.write(`${line}\n`),
    });
    const database = await ctx.stack.seeded();
    const apiKey = await createApiKey(database.url, { name: 'flash-sale', scopes: ['catalog:write', 'orders:read', 'orders:write'] });
    const modes: RaceMode[] = (await hasCheckout(cluster.url)) ? ['orders', ...CHECKOUT_MODES] : ['orders'];
    if (modes.length === 1) ctx.log('flash-sale: this API has no POST /v1/checkout; only the POST /v1/orders race runs');
    const outcomes = new Map<RaceMode, RaceOutcome>();
    for (const mode of modes) {
      outcomes.set(
        mode,
        await runRace({
          mode,
          url: cluster.url,
          apiKey,
          databaseUrl: database.url,
          shoppers,
          storefrontEvery: STOREFRONT_EVERY,
          units,
          reservationTtlMs,
          sweepIntervalMs,
          clientCpus: CLIENT_CPUS,
          localAddresses: LOCAL_ADDRESSES,
          log: ctx.log,
        }),
      );
    }
    const rows = [...outcomes].map(([mode, outcome]) => {
      const m = outcome.measures;
      return row({
        name: `flash-${mode}`,
        label: LABELS[mode],
        role: mode === 'orders' ? 'baseline' : 'ours',
        throughput: m.raceMs > 0 ? round(m.shoppers / (m.raceMs / 1000)) : null,
        throughputUnit: 'answered shoppers/s',
        p50Ms: m.loserAnswerMs.p50,
        p99Ms: m.loserAnswerMs.p99,
        errors: m.unclearAnswers + outcome.oversold + outcome.leakedReservations,
        runs: 1,
        extra: {
          shoppers: m.shoppers,
          units,
          sold: outcome.afterTtl.sold,
          oversold: outcome.oversold,
          'leaked reservations': outcome.leakedReservations,
          'winner request p50 ms': m.winnerRequestMs.p50,
          'winner request p99 ms': m.winnerRequestMs.p99,
          'winner click → order p99 ms': m.winnerTotalMs.p99,
          'sold out visible p50 ms': m.soldOutVisibleMs.p50,
          'sold out visible p99 ms': m.soldOutVisibleMs.p99,
          'sold out visible from the last answer p99 ms': m.soldOutFromAnswerMs.p99,
          'sold out visible from the relay p99 ms': m.soldOutFromPublishMs.p99,
          'first page → every page p99 ms': m.soldOutSpreadMs.p99,
          'sold out never seen': m.soldOutNeverSeen,
          'quiet change visible p50 ms': outcome.probe.visibleMs.p50,
          'quiet change visible p99 ms': outcome.probe.visibleMs.p99,
          'quiet change first page → every page p99 ms': outcome.probe.spreadMs.p99,
          'frames per page p50': m.framesPerPage.p50,
          'race s': round(m.raceMs / 1000, 2),
          'pages open s': outcome.openS,
          'page open p99 ms': m.pageOpenMs.p99,
          'page open retries': outcome.openRetries,
          'storefront pages': m.storefrontMs.count,
          'storefront page p50 ms': m.storefrontMs.p50,
          'socket problems': Object.entries(m.socketProblemReasons)
            .map(([reason, n]) => `${reason}: ${n}`)
            .join(', ') || 0,
          'p99 per request': Object.entries(m.stepMs)
            .map(([step, ms]) => `${step} ${ms.p99} ms`)
            .join(', '),
          answers: Object.entries(m.answers)
            .sort((a, b) => b[1] - a[1])
            .map(([answer, n]) => `${answer}: ${n}`)
            .join(', '),
        },
      });
    });
    const headlines = [...outcomes].flatMap(([mode, outcome]) => headlinesOf(mode, outcome));
    const baseline = outcomes.get('orders');
    for (const mode of CHECKOUT_MODES) {
      const ours = outcomes.get(mode);
      if (baseline === undefined || ours === undefined) continue;
      // A latency at or below 0 (a page that saw sold out before the buyer's answer arrived) has no ratio.
      const positive = (value: number | null) => (value !== null && value > 0 ? value : null);
      const ratioOf = (what: string, pick: (o: RaceOutcome) => number | null) => ({
        name: `flash-ratio-${mode}-${what.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-$/, '')}`,
        label: `${what}: ${LABELS[mode]} / POST /v1/orders`,
        value: ratio(positive(pick(ours)), positive(pick(baseline))),
        unit: '×',
        perRun: [],
        target: null,
      });
      headlines.push(
        ratioOf('losers answered p99', (o) => o.measures.loserAnswerMs.p99),
        ratioOf('successful request p99', (o) => o.measures.winnerRequestMs.p99),
        ratioOf('sold out on every page p99', (o) => o.measures.soldOutVisibleMs.p99),
        ratioOf('first page → every page shows sold out, p99', (o) => o.measures.soldOutSpreadMs.p99),
        ratioOf('whole race (first click → last answer)', (o) => o.measures.raceMs),
      );
    }
    const charts: Chart[] = [
      {
        kind: 'bar',
        id: 'flash-sale-p99',
        title: `Flash sale, ${shoppers.toLocaleString('en')} shoppers for ${units} units: p99 (ms)`,
        unit: 'ms',
        bars: [...outcomes].flatMap(([mode, outcome]) => [
          { label: `${mode}: losers answered`, value: outcome.measures.loserAnswerMs.p99 ?? 0, role: mode === 'orders' ? ('baseline' as const) : ('ours' as const) },
          { label: `${mode}: winner request`, value: outcome.measures.winnerRequestMs.p99 ?? 0, role: mode === 'orders' ? ('baseline' as const) : ('ours' as const) },
          { label: `${mode}: sold out on every page`, value: outcome.measures.soldOutVisibleMs.p99 ?? 0, role: mode === 'orders' ? ('baseline' as const) : ('ours' as const) },
        ]),
        reference: { label: `sold-out promise ${SOLD_OUT_VISIBLE_P99_MS} ms`, value: SOLD_OUT_VISIBLE_P99_MS },
      },
    ];
    return {
      method: `${shoppers.toLocaleString('en')} shoppers in ${Math.max(2, Math.ceil(shoppers / 2_500))} processes (core 1, source addresses 127.0.0.1-4), each with its own keep-alive HTTP connection and WebSocket through the project's nginx (infra/nginx/nginx.conf, ${balancerProcesses} workers) in front of 2 api + 2 realtime + web (core 0), open one product's page (1 in ${STOREFRONT_EVERY} GETs the storefront's rendered page first; every one GETs the product with X-Event-Seq/-Epoch and subscribes product:<id> from that seq, with delivery=latest as the storefront's pages do), then all click at once for its ${units} units: ${modes.map((mode) => LABELS[mode]).join(', then ')}, each on its own product; sold and held units from Postgres, again after the ${reservationTtlMs} ms reservation TTL; one race per mode. Before each race's click, with every page open, one change to the product (its description, PATCH with If-Match) is timed to every page the way the sold out is: the same fan-out with the machine otherwise quiet.`,
      rows,
      headlines,
      checks: [],
      charts,
      raw: { shoppers, units, reservationTtlMs, sweepIntervalMs, balancerProcesses, modes: Object.fromEntries(outcomes) },
    };
  },
};
