import { Fleet } from '../harness/fleet.js';
import { BenchPublisher } from '../harness/publisher.js';
import { startServer, type ServerKind } from '../harness/servers.js';
import { productEventJson, productTopic } from '../harness/workload.js';
import { median, round, type SuiteContext } from './context.js';

export interface HotResult {
  server: ServerKind;
  subscribers: number;
  events: number;
  /** Publish → last subscriber has it, per event, ms. */
  lastReceiveMs: number[];
  medianMs: number;
}

/** One event to every subscriber of one topic: time from PUBLISH until the last client has it. */
export async function hot(ctx: SuiteContext): Promise<HotResult[]> {
  const subscribers = ctx.quick ? 1_000 : 10_000;
  const events = ctx.quick ? 3 : 7;
  const topic = productTopic(0);
  const results: HotResult[] = [];
  for (const kind of (['ours', 'bare'] as const).filter(ctx.runs)) {
    const prefix = ctx.prefix(`hot-${kind}`);
    const server = await startServer(kind, { redisUrl: ctx.redisUrl, prefix, cpus: ctx.serverCpus });
    ctx.log(`hot/${kind}: connecting ${subscribers} subscribers of ${topic}…`);
    const fleet = await Fleet.connect({
      url: server.wsUrl,
      clients: Array.from({ length: subscribers }, () => [topic]),
      cpus: ctx.clientCpus,
      localAddresses: ctx.localAddresses,
    });
    const publisher = new BenchPublisher(ctx.redisUrl, prefix);
    await fleet.reset({ trackSeqs: true });
    const publishedAt = new Map<number, number>();
    for (let i = 0; i < events; i++) {
      await new Promise((resolve) => setTimeout(resolve, ctx.quick ? 300 : 1_500));
      const at = Date.now();
      const [seq] = await publisher.publish(1, (s) => productEventJson(s, 0, 0, [topic, 'catalog']));
      publishedAt.set(seq!, at);
    }
    await new Promise((resolve) => setTimeout(resolve, ctx.quick ? 500 : 1_500));
    const report = await fleet.report();
    const lastReceiveMs = [...publishedAt].map(([seq, at]) => (report.seqLastReceive.get(seq) ?? Number.NaN) - at);
    if (report.events !== subscribers * events) ctx.log(`hot/${kind}: WARNING ${report.events} of ${subscribers * events} deliveries`);
    results.push({ server: kind, subscribers, events, lastReceiveMs, medianMs: round(median(lastReceiveMs)) });
    ctx.log(`hot/${kind}: median ${results.at(-1)!.medianMs} ms to the last of ${subscribers}`);
    await publisher.close();
    await fleet.close();
    await server.stop();
  }
  return results;
}
