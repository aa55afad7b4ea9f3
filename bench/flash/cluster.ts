import { fork } from 'node:child_process';
import type { Balancer, BalancerOptions } from '@livecart/infra/balancer';
import { BALANCER_PROCESS, balancerListening } from '@livecart/infra/balancer-child';
import { startCluster, type Cluster } from '@livecart/infra/cluster';
import { findFreePort } from '@livecart/local-services';
import { pin, PRIORITY, stopChild, track } from '../realtime/harness/processes.js';
import { SERVER_CPUS, TSX_IMPORT } from '../src/runtime/paths.js';
import { onCleanup } from '../src/runtime/processes.js';
import type { Stack } from '../src/runtime/stack.js';

/**
 * An open page keeps its connection while the whole crowd gathers (10,000 pages take a minute or two to
 * open on this machine), so that the race is fought over warm connections, not in the kernel's accept queue.
 */
const KEEP_ALIVE_MS = 600_000;

/** `processes` balancer processes sharing one port (reusePort), on the server core. */
function balancerStarter(processes: number): (options: BalancerOptions) => Promise<Balancer> {
  return async (options) => {
    const children = Array.from({ length: processes }, (_, i) => {
      const child = track(
        // Sharing one port (the kernel spreads connections over them, as over nginx's workers), so that a
        // crowd's sockets and their upstream twins never exceed one process's descriptor limit.
        fork(BALANCER_PROCESS, [], {
          execArgv: TSX_IMPORT,
          env: { ...process.env, BALANCER_OPTIONS: JSON.stringify({ ...options, reusePort: true, keepAliveTimeoutMs: KEEP_ALIVE_MS }) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
        `balancer process ${i}`,
      );
      pin(child.pid!, SERVER_CPUS, PRIORITY.server);
      return child;
    });
    await Promise.all(children.map((child) => balancerListening(child)));
    return {
      url: `http://${options.host}:${options.port}`,
      async close() {
        await Promise.all(children.map((child) => stopChild(child)));
      },
    };
  };
}

/**
 * The `pnpm start:cluster` topology — 2 api, 2 realtime and web from their production builds behind the
 * local balancer — on the bench stack's Postgres, Redis and seeded database, every instance on the server
 * core. The balancer runs as `balancerProcesses` processes on one port: a crowd of 10,000 pages holds
 * 20,000 sockets to it, and as many again from it to the instances.
 */
export async function startBenchCluster(stack: Stack, options: { balancerProcesses: number; apiEnv: Record<string, string>; log: (line: string) => void; logLine: (line: string) => void }): Promise<Cluster> {
  const [services, database] = await Promise.all([stack.localServices(), stack.seeded()]);
  options.log(`flash-sale: starting 2 api, 2 realtime, web and ${options.balancerProcesses} balancer processes…`);
  const cluster = await startCluster({
    databaseUrl: database.url,
    redisUrl: services.redisUrl,
    redisPrefix: stack.prefix,
    balancerPort: await findFreePort(),
    logLevel: 'warn',
    seed: false,
    onLine: options.logLine,
    env: { api: options.apiEnv },
    startBalancer: balancerStarter(options.balancerProcesses),
  });
  onCleanup('flash-sale cluster', () => cluster.stop());
  for (const instance of cluster.instances.values()) pin(instance.pid, SERVER_CPUS, PRIORITY.server);
  return cluster;
}
