import { createApiKey } from '@livecart/local-services/testing';
import { Fleet } from '../../realtime/harness/fleet.js';
import { Receivers } from '../../webhooks/receivers.js';
import { runPhase, type PhaseName, type PhaseResult, type PhaseSetup } from '../../webhooks/run-phase.js';
import { assertMeasured, summarize, type Round } from '../../webhooks/summarize.js';
import { BulkWriter } from '../../webhooks/writer.js';
import { CLIENT_CPUS } from '../runtime/paths.js';
import { WEBHOOK_LANES, WEBHOOK_WORKER_NICE } from '../runtime/stack.js';
import { ratio } from '../stats.js';
import { bySize, type Suite } from './context.js';

const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const TOPICS_PER_CLIENT = 2;
const MAX_BATCH_SIZE = 1_000;

export const webhooksSuite: Suite = {
  name: 'webhooks',
  summary: 'bulk writes at 1,000 events/s with a WebSocket fleet on the written products, without and with 20 webhook endpoints (interleaved rounds): live p99 ratio, deliveries, commit → receipt',
  estimateS: { tiny: 20, quick: 120, full: 330 },
  builds: ['@livecart/api', '@livecart/realtime', '@livecart/client'],
  remoteTargets: null,
  async run(ctx) {
    // The load at quick and full size; the smoke run (tiny) only proves the machinery, small enough
    // for its deliveries to drain in seconds.
    const eventsPerSecond = bySize(ctx.size, { tiny: 100, quick: 1_000, full: 1_000 });
    const endpointCount = bySize(ctx.size, { tiny: 5, quick: WEBHOOK_LANES, full: WEBHOOK_LANES });
    const batch = bySize(ctx.size, { tiny: 10, quick: 20, full: 20 });
    const productCount = bySize(ctx.size, { tiny: 200, quick: 1_000, full: 1_000 });
    const clients = bySize(ctx.size, { tiny: 200, quick: 1_000, full: 2_000 });
    // A round's p99 is set by the few pauses of its window: 20 s phases and six rounds count more of them.
    const durationMs = bySize(ctx.size, { tiny: 2_000, quick: 5_000, full: 20_000 });
    const rounds = bySize(ctx.size, { tiny: 1, quick: 2, full: 6 });
    const drainTimeoutMs = bySize(ctx.size, { tiny: 20_000, quick: 30_000, full: 120_000 });
    const verifyEvery = bySize(ctx.size, { tiny: 1, quick: 10, full: 10 });
    // Batches of up to 1,000 events a request: the events waiting when a request is sent, about 300 a request at this rate.
    const maxBatchSize = bySize(ctx.size, { tiny: 10, quick: MAX_BATCH_SIZE, full: MAX_BATCH_SIZE });
    const [api, realtime, products, database, worker] = await Promise.all([ctx.stack.api(), ctx.stack.realtime(), ctx.stack.products(), ctx.stack.seeded(), ctx.stack.webhookWorker()]);
    const usable = Math.min(productCount, products.length - (products.length % batch));
    if (usable < batch) throw new Error(`only ${products.length} in-stock products to write; need at least ${batch}`);
    const productIds = products.slice(0, usable).map((product) => product.id);
    const webhooksKey = await createApiKey(database.url, { name: 'bench-webhooks', scopes: ['webhooks:manage'] });

    const topics = Array.from({ length: clients }, (_, c) => Array.from({ length: TOPICS_PER_CLIENT }, (_, t) => productIds[(c * TOPICS_PER_CLIENT + t) % productIds.length]!));
    const subscribers = new Map<string, number>();
    for (const ids of topics) for (const id of ids) subscribers.set(id, (subscribers.get(id) ?? 0) + 1);
    ctx.log(`webhooks: connecting ${clients} clients (${TOPICS_PER_CLIENT} product topics each) and ${endpointCount} receivers…`);
    const [fleet, receivers] = await Promise.all([
      Fleet.connect({ url: realtime.wsUrl, clients: topics.map((ids) => ids.map((id) => `product:${id}`)), cpus: CLIENT_CPUS, localAddresses: LOCAL_ADDRESSES }),
      Receivers.start({ count: endpointCount, cpus: CLIENT_CPUS }),
    ]);
    const results: Round[] = [];
    try {
      const setup: PhaseSetup = {
        apiUrl: api.url,
        databaseUrl: database.url,
        webhooksKey,
        apiPid: api.pid,
        realtimePid: realtime.pid,
        workerPid: worker.pid,
        writer: new BulkWriter({ apiUrl: api.url, apiKey: api.apiKey, productIds, batch }),
        fleet,
        subscribers,
        receivers,
        eventsPerSecond,
        durationMs,
        maxInFlight: 16,
        endpoints: endpointCount,
        verifyEvery,
        maxBatchSize,
        drainTimeoutMs,
        log: ctx.log,
      };
      // Unmeasured: the API's and the realtime server's JIT and pools warm up on the same writes.
      await runPhase('A', { ...setup, durationMs: Math.min(durationMs, 3_000) });
      for (let r = 1; r <= rounds; r++) {
        // The order alternates, so neither phase always runs on a process that has just done more work.
        const order: PhaseName[] = r % 2 === 1 ? ['A', 'B'] : ['B', 'A'];
        const phases = {} as Record<PhaseName, PhaseResult>;
        for (const phase of order) {
          phases[phase] = await runPhase(phase, setup);
          const p = phases[phase];
          const hooks = p.webhooks === null ? '' : `; webhooks p99 ${p.webhooks.p99Ms} ms, ${p.webhooks.deliveredPerSecondWhileWriting}/s while writing, lost ${p.webhooks.check.lost}, drain ${p.webhooks.drainMs ?? 'timed out'} ms`;
          ctx.log(`webhooks round ${r}/${rounds} ${phase}: ${p.writes.eventsPerSecond} events/s, live p50 ${p.live.p50Ms} p99 ${p.live.p99Ms} ms (${p.live.received}/${p.live.expected})${hooks}`);
        }
        results.push({ round: r, order, A: phases.A, B: phases.B, p99Ratio: ratio(phases.B.live.p99Ms, phases.A.live.p99Ms) });
      }
    } finally {
      await Promise.all([fleet.close(), receivers.close()]);
    }

    assertMeasured(results);
    const { rows, headlines, charts } = summarize(results, { eventsPerSecond, endpointCount, drainTimeoutMs });
    return {
      method: `Bulk price updates (POST /v1/products/bulk, ${batch} products per request, one product.updated event each) offered at ${eventsPerSecond} events/s over ${productIds.length} products for ${durationMs / 1_000} s per phase; ${clients.toLocaleString('en')} WebSocket clients (bench/realtime fleet, core 1) subscribed to ${TOPICS_PER_CLIENT} of those products each; live latency from each event's occurredAt (Postgres's clock in the writing transaction) to the client's receipt. Phase A: no webhook endpoints; phase B: ${endpointCount} endpoints registered through the API (webhooks:manage, product.updated, maxBatchSize ${maxBatchSize}: each request carries the events waiting, up to that many), each a real HTTP server on loopback in one receiver process (core 1) answering 204, 1 request in ${verifyEvery} verified with verifyWebhook of @livecart/client, commit → receipt from the same occurredAt; B waits until every endpoint has every event (at most ${drainTimeoutMs / 1_000} s), compares each receiver's count with the API's delivery log (delivered but not received: lost; neither: pending), then deletes them. API and realtime on core 0; webhooks delivered by a second api instance that takes no requests (WEBHOOK_WORKER_ENABLED only there, no relay), on core 0 at nice ${WEBHOOK_WORKER_NICE} (WEBHOOK_CONCURRENCY=${WEBHOOK_LANES}); ${rounds} rounds alternating A B / B A after a warm-up, medians of per-round figures.`,
      rows,
      headlines,
      checks: [],
      charts,
      raw: { eventsPerSecond, batch, products: productIds.length, clients, topicsPerClient: TOPICS_PER_CLIENT, endpoints: endpointCount, maxBatchSize, durationMs, verifyEvery, drainTimeoutMs, rounds: results },
    };
  },
};
