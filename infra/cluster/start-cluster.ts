import { ensureServices } from '@livecart/local-services';
import { DEFAULT_BALANCER_PORT, startCluster, type Cluster } from './cluster.js';

/**
 * `pnpm start:cluster`: production builds of 2 api + 2 realtime + web behind a local balancer, on the
 * development Postgres/Redis (`pnpm dev`'s data). Turbo builds the apps first. Ctrl-C stops everything.
 */
const balancerPort = Number(process.env.LIVECART_CLUSTER_PORT ?? DEFAULT_BALANCER_PORT);

const services = await ensureServices({ mode: 'dev' });
let cluster: Cluster | undefined;
let stopping = false;

/** Ctrl-C reaches us more than once (terminal, pnpm, turbo): the first one stops everything, the rest wait. */
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write('[cluster] stopping…\n');
  await cluster?.stop().catch((error: unknown) => process.stderr.write(`[cluster] ${String(error)}\n`));
  await services.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  cluster = await startCluster({
    databaseUrl: services.databaseUrl,
    redisUrl: services.redisUrl,
    redisPrefix: process.env.REDIS_PREFIX ?? 'livecart',
    balancerPort,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    seed: true,
    onLine: (line) => process.stdout.write(`${line}\n`),
  });
} catch (error) {
  process.stderr.write(`[cluster] could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
}

const lines = [
  '',
  `livecart cluster up (Ctrl-C stops it)`,
  `  storefront     ${cluster!.url}/`,
  `  API            ${cluster!.url}/v1/products   docs: ${cluster!.url}/docs`,
  `  WebSocket      ${cluster!.wsUrl}`,
  ...[...cluster!.urls].map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
  `  staff sign-in  ${cluster!.url}/login with a staff account of the development database (pnpm dev created`,
  '                 one and printed it once; or pnpm --filter @livecart/api users:create --email … --role admin)',
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
