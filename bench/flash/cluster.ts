import type { Balancer, BalancerOptions, PoolName } from '@livecart/infra/balancer';
import { startNginx } from '@livecart/infra/nginx';
import { startCluster, type Cluster } from '@livecart/infra/cluster';
import { findFreePort } from '@livecart/local-services';
import { pin, PRIORITY } from '../realtime/harness/processes.js';
import { SERVER_CPUS } from '../src/runtime/paths.js';
import { onCleanup } from '../src/runtime/processes.js';
import type { Stack } from '../src/runtime/stack.js';

/**
 * An open page keeps its connection while the whole crowd gathers (10,000 pages take a minute or two to
 * open on this machine), so that the race is fought over warm connections, not in the kernel's accept queue.
 */
const KEEP_ALIVE = '600s';

/**
 * The project's own balancer, infra/nginx/nginx.conf run by Debian's nginx with `workers` worker processes
 * on the server core (its upstreams pointed at the cluster's instances): what the compose stack runs in
 * front of the same instances. A crowd of 10,000 pages holds 20,000 sockets to it, and 10,000 more from
 * it to the realtime instances, so each worker stays under its worker_connections and descriptor limit.
 */
function nginxStarter(workers: number, logLine: (line: string) => void): (options: BalancerOptions) => Promise<Balancer> {
  return async (options) => {
    const address = (pool: PoolName) => options.pools[pool].map((target) => `${target.host}:${target.port}`);
    const nginx = await startNginx({
      name: 'flash-sale-nginx',
      port: options.port,
      upstreams: { api: address('api'), realtime: address('realtime'), web: address('web') },
      workerProcesses: workers,
      edit: (text) => text.replace(/^http\s*\{/m, (open) => `${open}\n  keepalive_timeout ${KEEP_ALIVE};`),
      pin: { cpus: SERVER_CPUS, nice: PRIORITY.server },
      onLine: (line) => logLine(`[nginx] ${line}`),
    });
    return { url: nginx.url, close: () => nginx.stop() };
  };
}

/**
 * The `pnpm start:cluster` topology — 2 api, 2 realtime and web from their production builds behind the
 * local balancer — on the bench stack's Postgres, Redis and seeded database, every instance on the server
 * core, with the project's nginx as the balancer (`balancerProcesses` workers), as in the compose stack.
 */
export async function startBenchCluster(stack: Stack, options: { balancerProcesses: number; apiEnv: Record<string, string>; log: (line: string) => void; logLine: (line: string) => void }): Promise<Cluster> {
  const [services, database] = await Promise.all([stack.localServices(), stack.seeded()]);
  options.log(`flash-sale: starting 2 api, 2 realtime, web and nginx (${options.balancerProcesses} workers)…`);
  const cluster = await startCluster({
    databaseUrl: database.url,
    redisUrl: services.redisUrl,
    redisPrefix: stack.prefix,
    balancerPort: await findFreePort(),
    logLevel: 'warn',
    seed: false,
    onLine: options.logLine,
    env: { api: options.apiEnv },
    startBalancer: nginxStarter(options.balancerProcesses, options.logLine),
  });
  onCleanup('flash-sale cluster', () => cluster.stop());
  for (const instance of cluster.instances.values()) pin(instance.pid, SERVER_CPUS, PRIORITY.server);
  return cluster;
}
