import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './autocannon.js';

/**
 * Runs one autocannon load in this (pinned) process and prints its result as one JSON line: the figures
 * autocannon reports plus requests completed in each second, for throughput-over-time charts.
 */
const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const perSecond: number[] = [];
let started = 0;
// Rotating requests (e.g. writes spread over many products, so no row lock serialises them).
let next = 0;
const rotating = spec.requests;
const requests =
  rotating === undefined
    ? undefined
    : [
        {
          method: rotating.method as 'PATCH',
          headers: rotating.headers,
          setupRequest: (request: Record<string, unknown>) => {
            const i = next++;
            const body = rotating.bodies.length === 0 ? {} : { body: rotating.bodies[i % rotating.bodies.length] };
            return { ...request, path: rotating.paths[i % rotating.paths.length], ...body };
          },
        },
      ];
const options = { url: spec.url, connections: spec.connections, duration: spec.durationS, timeout: 10, ...(requests === undefined ? {} : { requests }) };
const instance = autocannon(options, (error, result) => {
  if (error !== null) {
    console.error(error);
    process.exit(1);
  }
  const output: LoadResult = {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    latencyMs: result.latency,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    perSecond: perSecond.slice(0, Math.ceil(spec.durationS)),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
});
// The coordinator samples the server from here on: worker start-up is not load.
instance.on('start', () => process.stdout.write('started\n'));
instance.on('response', () => {
  const now = performance.now();
  if (started === 0) started = now;
  const second = Math.floor((now - started) / 1000);
  perSecond[second] = (perSecond[second] ?? 0) + 1;
});
