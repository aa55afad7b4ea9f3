import { Fleet } from '../harness/fleet.js';
import { rssBytes } from '../harness/processes.js';
import { startServer, type ServerKind } from '../harness/servers.js';
import { pick, productTopic, random } from '../harness/workload.js';
import { round, type SuiteContext } from './context.js';

export interface DensityResult {
  server: ServerKind;
  connections: number;
  topicsPerConnection: number;
  rssIdleMb: number;
  /** 3 s (quick: 1 s) after the last connection: includes the young generation V8 grew while they were set up. */
  rssConnectedMb: number;
  /** Lowest RSS over the following seconds, once V8 has given unneeded heap back. */
  rssSettledMb: number;
  mbPer1kConnections: number;
  mbPer1kConnectionsAt3s: number;
  connectSeconds: number;
}

/** Samples RSS every second for `ms` and keeps the lowest: the steady state, not a GC's transient peak. */
async function settledRss(pid: number, ms: number): Promise<number> {
  let lowest = rssBytes(pid);
  for (let waited = 0; waited < ms; waited += 1_000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    lowest = Math.min(lowest, rssBytes(pid));
  }
  return lowest;
}

/** Server RSS growth for N connections, each subscribed to 5 product topics out of 1,000. */
export async function density(ctx: SuiteContext): Promise<DensityResult[]> {
  const connections = ctx.quick ? 1_500 : 15_000;
  const clients = Array.from({ length: connections }, (_, i) => pick(random(i + 1), 5, 1_000).map(productTopic));
  const results: DensityResult[] = [];
  for (const kind of (['ours', 'bare'] as const).filter(ctx.runs)) {
    const server = await startServer(kind, { redisUrl: ctx.redisUrl, prefix: ctx.prefix(`density-${kind}`), cpus: ctx.serverCpus });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idle = rssBytes(server.pid);
    ctx.log(`density/${kind}: connecting ${connections} clients…`);
    const started = Date.now();
    const fleet = await Fleet.connect({ url: server.wsUrl, clients, cpus: ctx.clientCpus, localAddresses: ctx.localAddresses });
    const connectSeconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, ctx.quick ? 1_000 : 3_000));
    const connected = rssBytes(server.pid);
    // Steady state: V8 sizes its young generation up while thousands of connections are being set up
    // and gives that back only once allocation has been quiet for a while (its memory reducer).
    const settled = await settledRss(server.pid, ctx.quick ? 1_000 : 20_000);
    results.push({
      server: kind,
      connections,
      topicsPerConnection: 5,
      rssIdleMb: round(idle / 2 ** 20),
      rssConnectedMb: round(connected / 2 ** 20),
      rssSettledMb: round(settled / 2 ** 20),
      mbPer1kConnections: round((settled - idle) / 2 ** 20 / (connections / 1_000), 2),
      mbPer1kConnectionsAt3s: round((connected - idle) / 2 ** 20 / (connections / 1_000), 2),
      connectSeconds: round(connectSeconds),
    });
    const r = results.at(-1)!;
    ctx.log(`density/${kind}: ${r.mbPer1kConnections} MB per 1k connections settled (${r.mbPer1kConnectionsAt3s} at +3 s)`);
    await fleet.close();
    await server.stop();
  }
  return results;
}
