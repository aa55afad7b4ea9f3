import { CLIENT_CPUS, LOAD_NODE, TSX_IMPORT } from '../runtime/paths.js';
import { sampleUsage, startGroup, type UsageSample } from '../runtime/processes.js';

export interface LoadSpec {
  url: string;
  connections: number;
  durationS: number;
  /** Requests other than a GET of `url`: request i goes to paths[i % n] with bodies[i % m], or none when `bodies` is empty (paths relative to `url`'s origin). */
  requests?: { method: string; headers: Record<string, string>; paths: string[]; bodies: string[] };
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  /** autocannon's percentiles: p0_001 … p99_999, min, max, mean, stddev (ms). */
  latencyMs: Record<string, number>;
  errors: number;
  non2xx: number;
  perSecond: number[];
}

const WORKER = new URL('./autocannon-worker.ts', import.meta.url).pathname;

/**
 * One autocannon run from its own process on the client core, while the server's process group (`pid`)
 * is sampled for RSS and CPU.
 */
export async function load(spec: LoadSpec, serverPid: number | null): Promise<LoadResult & { usage: UsageSample[] }> {
  let sampler: ReturnType<typeof sampleUsage> | undefined;
  let out = '';
  const worker = startGroup('autocannon', LOAD_NODE, [...TSX_IMPORT, WORKER, JSON.stringify(spec)], {
    cpus: CLIENT_CPUS,
    onLine: (line) => {
      if (line === 'started' && serverPid !== null) sampler = sampleUsage(() => [serverPid], 500);
      if (line.startsWith('{')) out = line;
    },
  });
  const { code } = await worker.exited;
  const usage = sampler?.stop() ?? [];
  await worker.stop();
  if (code !== 0 || out === '') throw new Error(`autocannon against ${spec.url} failed (${code}):\n${worker.tail()}`);
  return { ...(JSON.parse(out) as LoadResult), usage };
}

/** autocannon percentile keys (p0_001 … p99_999) as [latency ms, percent of requests at or below]. */
export function latencyCdf(latencyMs: Record<string, number>): [number, number][] {
  return Object.entries(latencyMs)
    .filter(([key]) => /^p\d/.test(key))
    .map(([key, value]): [number, number] => [Math.max(value, 0.01), Number(key.slice(1).replace('_', '.'))])
    .sort((a, b) => a[1] - b[1]);
}
