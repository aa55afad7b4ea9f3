import { Fleet } from '../harness/fleet.js';
import { cpuSeconds } from '../harness/processes.js';
import { serverLagMs } from '../harness/server-lag.js';
import { BenchPublisher } from '../harness/publisher.js';
import { startServer, type ServerKind } from '../harness/servers.js';
import { categoryTopic, pick, productEventJson, productTopic, random } from '../harness/workload.js';
import { round, waitForDelivery, type SuiteContext } from './context.js';
import { countLost, expectedPerClient } from './delivery-tally.js';

export interface ChurnResult {
  server: ServerKind;
  clients: number;
  ratePerSecond: number;
  durationS: number;
  published: number;
  expectedDeliveries: number;
  delivered: number;
  /** Client-seq pairs that should have arrived and did not. */
  lost: number;
  /** Deliveries of a seq a client already had, or older than one it had. */
  duplicatedOrReordered: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number };
  /** Ours only: publish → written by the server, as bucket upper bounds (ms). */
  serverLagMs?: { p50: number; p99: number };
  deliveredPerSecond: number;
  eventsPerFrame: number;
  serverCpuPercent: number;
  /** CPU time (user + system) per frame received: what each write costs the server, and each read the clients. */
  serverCpuUsPerFrame: number;
  clientCpuPercent: number;
  clientCpuUsPerFrame: number;
  /** Sockets the server closed, by close code, and client-side socket errors: none in a clean run. */
  closes: Record<string, number>;
  errors: Record<string, number>;
}

const PRODUCTS = 1_000;
const CATEGORIES = 20;
const SLOT_MS = 10;

/** Many clients on random product topics, a steady stream of events to random products. */
export async function churn(ctx: SuiteContext): Promise<ChurnResult[]> {
  const clientCount = ctx.quick ? 1_000 : 10_000;
  const rate = ctx.quick ? 500 : ctx.churnRate;
  const durationS = ctx.quick ? 3 : ctx.durationS;
  const clientProducts = Array.from({ length: clientCount }, (_, i) => pick(random(1_000 + i), 5, PRODUCTS));
  const subscribersOf: number[][] = Array.from({ length: PRODUCTS }, () => []);
  clientProducts.forEach((products, client) => products.forEach((p) => subscribersOf[p]!.push(client)));
  const results: ChurnResult[] = [];

  for (const kind of (['ours', 'ours-per-tick', 'bare-topic', 'naive'] as const).filter(ctx.runs)) {
    const prefix = ctx.prefix(`churn-${kind}`);
    const server = await startServer(kind, { redisUrl: ctx.redisUrl, prefix, cpus: ctx.serverCpus });
    ctx.log(`churn/${kind}: connecting ${clientCount} clients × 5 of ${PRODUCTS} products…`);
    const fleet = await Fleet.connect({
      url: server.wsUrl,
      clients: clientProducts.map((products) => products.map(productTopic)),
      cpus: ctx.clientCpus,
      localAddresses: ctx.localAddresses,
    });
    const publisher = new BenchPublisher(ctx.redisUrl, prefix);
    // Connecting 10k clients leaves both sides collecting garbage for a few seconds: measure after that.
    await new Promise((resolve) => setTimeout(resolve, ctx.quick ? 500 : 5_000));
    await fleet.reset();

    ctx.log(`churn/${kind}: ${rate} events/s for ${durationS} s…`);
    const next = random(7);
    const productOfSeq: number[] = [0];
    const perSlot = (rate * SLOT_MS) / 1000;
    const slots = (durationS * 1000) / SLOT_MS;
    const cpuBefore = cpuSeconds(server.pid);
    const clientCpuBefore = fleet.cpuSeconds();
    const startedAt = Date.now();
    for (let slot = 0; slot < slots; slot++) {
      const wait = startedAt + slot * SLOT_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await publisher.publish(perSlot, (seq) => {
        const product = Math.floor(next() * PRODUCTS);
        productOfSeq[seq] = product;
        return productEventJson(seq, product, product % CATEGORIES, [productTopic(product), categoryTopic(product % CATEGORIES)]);
      });
    }
    const publishedS = (Date.now() - startedAt) / 1000;
    const expected = expectedPerClient(clientProducts.length, productOfSeq, subscribersOf);
    const expectedDeliveries = expected.reduce((sum, e) => sum + e.count, 0);
    await waitForDelivery(() => fleet.report(), expectedDeliveries, 60_000);
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    const clientCpu = fleet.cpuSeconds() - clientCpuBefore;
    const report = await fleet.report(true);
    const lag = kind.startsWith('ours') ? await serverLagMs(server.httpUrl) : undefined;

    const lost = countLost(report.perClient, expected);
    const elapsedS = Math.max(publishedS, (report.lastReceiveMs - startedAt) / 1000);
    results.push({
      server: kind,
      clients: clientCount,
      ratePerSecond: rate,
      durationS,
      published: productOfSeq.length - 1,
      expectedDeliveries,
      delivered: report.events,
      lost,
      duplicatedOrReordered: report.backwards,
      latencyMs: {
        p50: report.latency.getValueAtPercentile(50),
        p99: report.latency.getValueAtPercentile(99),
        p999: report.latency.getValueAtPercentile(99.9),
        max: report.latency.maxValue,
      },
      ...(lag === undefined ? {} : { serverLagMs: lag }),
      deliveredPerSecond: Math.round(report.events / elapsedS),
      eventsPerFrame: round(report.events / Math.max(1, report.frames), 2),
      serverCpuPercent: round((cpu / elapsedS) * 100),
      serverCpuUsPerFrame: round((cpu * 1e6) / Math.max(1, report.frames), 2),
      clientCpuPercent: round((clientCpu / elapsedS) * 100),
      clientCpuUsPerFrame: round((clientCpu * 1e6) / Math.max(1, report.frames), 2),
      closes: report.closes,
      errors: report.errors,
    });
    const r = results.at(-1)!;
    ctx.log(`churn/${kind}: delivered ${r.delivered}/${r.expectedDeliveries}, lost ${r.lost}, dup ${r.duplicatedOrReordered}, p99 ${r.latencyMs.p99} ms`);
    if (Object.keys(r.closes).length + Object.keys(r.errors).length > 0) ctx.log(`churn/${kind}: WARNING closes ${JSON.stringify(r.closes)}, errors ${JSON.stringify(r.errors)}`);
    await publisher.close();
    await fleet.close();
    await server.stop();
  }
  return results;
}
