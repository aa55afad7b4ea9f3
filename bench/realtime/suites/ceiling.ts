import { Fleet } from '../harness/fleet.js';
import { cpuSeconds } from '../harness/processes.js';
import { BenchPublisher } from '../harness/publisher.js';
import { startServer, type ServerKind } from '../harness/servers.js';
import { categoryTopic, pick, productEventJson, random } from '../harness/workload.js';
import { round, waitForDelivery, type SuiteContext } from './context.js';

export interface CeilingResult {
  server: ServerKind;
  clients: number;
  events: number;
  expectedDeliveries: number;
  delivered: number;
  seconds: number;
  deliveredPerSecond: number;
  eventsPerFrame: number;
  serverCpuPercent: number;
  /**
   * Deliveries per second of server CPU (user + system, so the kernel's write cost counts): what one
   * fully busy core would sustain, independent of whether the client fleet kept up.
   */
  deliveredPerServerCpuSecond: number;
  closes: Record<string, number>;
}

const CATEGORIES = 20;

/**
 * Delivered events per second when the server is the bottleneck: a burst is published as fast as Redis
 * takes it and drained. Ours: each client follows 5 of 20 categories, each event one category (a
 * different mix per client, so no two batches need be alike). Bare: every event to every socket.
 */
export async function ceiling(ctx: SuiteContext): Promise<CeilingResult[]> {
  const clientCount = ctx.quick ? 500 : 2_000;
  const clients = Array.from({ length: clientCount }, (_, i) => pick(random(50_000 + i), 5, CATEGORIES).map(categoryTopic));
  const plans: { kind: ServerKind; events: number; fanout: (category: number) => number }[] = [
    { kind: 'ours', events: ctx.quick ? 1_000 : 8_000, fanout: (c) => clients.filter((topics) => topics.includes(categoryTopic(c))).length },
    { kind: 'bare', events: ctx.quick ? 40 : 200, fanout: () => clientCount },
  ];
  const results: CeilingResult[] = [];
  for (const plan of plans.filter((p) => ctx.runs(p.kind))) {
    const prefix = ctx.prefix(`ceiling-${plan.kind}`);
    const server = await startServer(plan.kind, {
      redisUrl: ctx.redisUrl,
      prefix,
      cpus: ctx.serverCpus,
      // The client fleet shares a core with Redis: give it slack rather than measure slow-consumer kicks.
      env: { WS_SEND_BUFFER_MAX_BYTES: String(64 * 2 ** 20) },
    });
    ctx.log(`ceiling/${plan.kind}: connecting ${clientCount} clients…`);
    const fleet = await Fleet.connect({ url: server.wsUrl, clients, cpus: ctx.clientCpus, localAddresses: ctx.localAddresses });
    const publisher = new BenchPublisher(ctx.redisUrl, prefix);
    await fleet.reset({ latency: false });
    const next = random(11);
    let expectedDeliveries = 0;
    const cpuBefore = cpuSeconds(server.pid);
    const startedAt = Date.now();
    ctx.log(`ceiling/${plan.kind}: bursting ${plan.events} events…`);
    for (let sent = 0; sent < plan.events; sent += 500) {
      await publisher.publish(Math.min(500, plan.events - sent), (seq) => {
        const category = Math.floor(next() * CATEGORIES);
        expectedDeliveries += plan.fanout(category);
        return productEventJson(seq, seq % 1_000, category, [categoryTopic(category)]);
      });
    }
    const report = await waitForDelivery(() => fleet.report(), expectedDeliveries, 120_000);
    const seconds = (report.lastReceiveMs - startedAt) / 1000;
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    results.push({
      server: plan.kind,
      clients: clientCount,
      events: plan.events,
      expectedDeliveries,
      delivered: report.events,
      seconds: round(seconds, 2),
      deliveredPerSecond: Math.round(report.events / seconds),
      eventsPerFrame: round(report.events / Math.max(1, report.frames), 2),
      serverCpuPercent: round((cpu / seconds) * 100),
      deliveredPerServerCpuSecond: Math.round(report.events / cpu),
      closes: report.closes,
    });
    const r = results.at(-1)!;
    ctx.log(`ceiling/${plan.kind}: ${r.deliveredPerSecond} events/s delivered (${r.delivered}/${r.expectedDeliveries}, ${r.eventsPerFrame} per frame)`);
    await publisher.close();
    await fleet.close();
    await server.stop();
  }
  return results;
}
