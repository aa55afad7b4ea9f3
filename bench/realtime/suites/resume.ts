import { Fleet } from '../harness/fleet.js';
import { cpuSeconds } from '../harness/processes.js';
import { BenchPublisher } from '../harness/publisher.js';
import { startServer } from '../harness/servers.js';
import { categoryTopic, pick, productEventJson, productTopic, random } from '../harness/workload.js';
import { median, round, waitForDelivery, type SuiteContext } from './context.js';
import { countLost, expectedPerClient } from './delivery-tally.js';

/** Where the server reads replays from: its recent-events window (the default), or only the Redis Stream. */
export type ResumeSource = 'memory' | 'stream';

export interface ResumeRound {
  source: ResumeSource;
  round: number;
  clients: number;
  /** Events published before the storm, all after every client's `since`. */
  missed: number;
  /** Live events per second during the storm. */
  liveRate: number;
  /** From the first resume sent to the last client's `subscribed`. */
  allSubscribedMs: number;
  /** Server CPU (user + system) over the same span. */
  serverCpuMs: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicatedOrReordered: number;
  /** Events the server read for replays, by source (its `realtime_replay_events_read_total`). */
  readFromMemory: number;
  readFromStream: number;
}

export interface ResumeSummary {
  source: ResumeSource;
  rounds: number;
  medianAllSubscribedMs: number;
  medianServerCpuMs: number;
}

export interface ResumeResult {
  rounds: ResumeRound[];
  summary: ResumeSummary[];
  /** stream ÷ memory, of the medians: how many times faster / cheaper the window makes the storm. */
  streamOverMemory: { allSubscribed: number; serverCpu: number };
}

const PRODUCTS = 1_000;
const CATEGORIES = 20;
const LIVE_SLOT_MS = 10;

/** Reads `realtime_replay_events_read_total{source}` from the server's /metrics. */
async function replayReads(httpUrl: string): Promise<{ memory: number; stream: number }> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const read = (source: string) => Number(new RegExp(`^realtime_replay_events_read_total\\{[^}]*source="${source}"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { memory: read('memory'), stream: read('stream') };
}

async function lastSeq(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  return Number(/^realtime_last_seq\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/**
 * A reconnect storm after an instance died: `clients` clients resume at once on the surviving server, each
 * from the same `since`, `missed` events back, while live events keep coming. Interleaved rounds of the
 * server reading replays from its recent-events window and from the Redis Stream only
 * (WS_REPLAY_MEMORY_EVENTS=0, how every replay was served before the window existed).
 */
export async function resume(ctx: SuiteContext): Promise<ResumeResult> {
  const clients = ctx.quick ? 50 : 250;
  const missed = ctx.quick ? 200 : 1_000;
  const liveRate = 100;
  const roundCount = 3;
  const clientProducts = Array.from({ length: clients }, (_, i) => pick(random(3_000 + i), 5, PRODUCTS));
  const subscribersOf: number[][] = Array.from({ length: PRODUCTS }, () => []);
  clientProducts.forEach((products, client) => products.forEach((p) => subscribersOf[p]!.push(client)));
  const rounds: ResumeRound[] = [];

  for (let pass = 1; pass <= roundCount; pass++) {
    const order: ResumeSource[] = pass % 2 === 1 ? ['stream', 'memory'] : ['memory', 'stream'];
    for (const source of order) {
      const prefix = ctx.prefix(`resume-${source}-${pass}`);
      const server = await startServer('ours', {
        redisUrl: ctx.redisUrl,
        prefix,
        cpus: ctx.serverCpus,
        env: { WS_REPLAY_MEMORY_EVENTS: source === 'memory' ? '10000' : '0' },
      });
      const publisher = new BenchPublisher(ctx.redisUrl, prefix);
      const next = random(11 + pass);
      const productOfSeq: number[] = [0];
      const make = (seq: number) => {
        const product = Math.floor(next() * PRODUCTS);
        productOfSeq[seq] = product;
        return productEventJson(seq, product, product % CATEGORIES, [productTopic(product), categoryTopic(product % CATEGORIES)]);
      };
      // What the clients missed while on the instance that died: this server got it live.
      for (let published = 0; published < missed; published += 100) {
        await publisher.publish(Math.min(100, missed - published), make);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (let i = 0; i < 100 && (await lastSeq(server.httpUrl)) < missed; i++) await new Promise((resolve) => setTimeout(resolve, 50));

      const fleet = await Fleet.start({ clients, cpus: ctx.clientCpus });
      let live = true;
      const livePublishing = (async () => {
        const startedAt = Date.now();
        for (let slot = 0; live; slot++) {
          const wait = startedAt + slot * LIVE_SLOT_MS - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          await publisher.publish((liveRate * LIVE_SLOT_MS) / 1000, make);
        }
      })();
      const readsBefore = await replayReads(server.httpUrl);
      const cpuBefore = cpuSeconds(server.pid);
      ctx.log(`resume/${source} round ${pass}: ${clients} clients resume ${missed} events back…`);
      await fleet.open({
        url: server.wsUrl,
        clients: clientProducts.map((products) => products.map(productTopic)),
        localAddresses: ctx.localAddresses,
        concurrency: clients,
        since: 0,
      });
      const serverCpuMs = (cpuSeconds(server.pid) - cpuBefore) * 1000;
      const reads = await replayReads(server.httpUrl);
      live = false;
      await livePublishing;

      const expected = expectedPerClient(clientProducts.length, productOfSeq, subscribersOf);
      const expectedDeliveries = expected.reduce((sum, e) => sum + e.count, 0);
      await waitForDelivery(() => fleet.report(), expectedDeliveries, 30_000);
      const report = await fleet.report(true);
      const lost = countLost(report.perClient, expected);
      rounds.push({
        source,
        round: pass,
        clients,
        missed,
        liveRate,
        allSubscribedMs: fleet.connectMs,
        serverCpuMs: Math.round(serverCpuMs),
        expectedDeliveries,
        delivered: report.events,
        lost,
        duplicatedOrReordered: report.backwards,
        readFromMemory: reads.memory - readsBefore.memory,
        readFromStream: reads.stream - readsBefore.stream,
      });
      const r = rounds.at(-1)!;
      ctx.log(
        `resume/${source} round ${pass}: all subscribed in ${r.allSubscribedMs} ms, server CPU ${r.serverCpuMs} ms; read ${r.readFromMemory} from memory, ${r.readFromStream} from the stream; lost ${r.lost}, dup ${r.duplicatedOrReordered}`,
      );
      await fleet.close();
      await publisher.close();
      await server.stop();
    }
  }

  const summary = (['memory', 'stream'] as const).map((source) => {
    const of = rounds.filter((r) => r.source === source);
    return {
      source,
      rounds: of.length,
      medianAllSubscribedMs: median(of.map((r) => r.allSubscribedMs)),
      medianServerCpuMs: median(of.map((r) => r.serverCpuMs)),
    };
  });
  const [memory, stream] = summary;
  return {
    rounds,
    summary,
    streamOverMemory: {
      allSubscribed: round(stream!.medianAllSubscribedMs / memory!.medianAllSubscribedMs, 2),
      serverCpu: round(stream!.medianServerCpuMs / memory!.medianServerCpuMs, 2),
    },
  };
}
