import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '@livecart/local-services';
import { Redis } from 'ioredis';
import ts from 'typescript';
import { latencyCdf, load, type LoadResult } from '../load/autocannon.js';
import { row, type Chart, type Headline, type Row } from '../report/schema.js';
import { answersOk, waitUntil } from '@livecart/local-services/testing';
import { BENCH, REPO, SERVER_CPUS, TSX_IMPORT } from '../runtime/paths.js';
import { runGroup, startGroup, type Group, type UsageSample } from '../runtime/processes.js';
import { median, ratio, round } from '../stats.js';
import { bySize, type Suite, type SuiteContext } from './context.js';

const SOURCE = join(BENCH, 'baselines/next-route');
const WEB_MODULES = join(REPO, 'apps/web/node_modules');
const CONNECTIONS = 100;

interface Target {
  name: string;
  label: string;
  role: 'ours' | 'baseline';
  url: string;
  pid: number;
}

/**
 * A runnable copy of bench/baselines/next-route: the route handler compiled to JavaScript (so Next needs
 * no TypeScript setup), a config, and node_modules links to apps/web's `next`/`react` and bench's
 * `ioredis`. It lives inside the repository so Turbopack's root (the repository) contains the links.
 */
function prepareNextApp(dir: string): void {
  for (const name of ['next', 'react', 'react-dom']) {
    if (!existsSync(join(WEB_MODULES, name))) throw new Error(`apps/web/node_modules/${name} is missing: the Next baseline needs apps/web installed (pnpm install)`);
  }
  rmSync(dir, { recursive: true, force: true });
  cpSync(SOURCE, dir, { recursive: true, filter: (path) => !path.endsWith('.ts') || path.endsWith('route.ts') });
  const routeDir = join(dir, 'app/products/[id]');
  const source = readFileSync(join(routeDir, 'route.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  writeFileSync(join(routeDir, 'route.js'), outputText);
  rmSync(join(routeDir, 'route.ts'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, type: 'module' })}\n`);
  writeFileSync(
    join(dir, 'next.config.mjs'),
    `export default ${JSON.stringify({ poweredByHeader: false, turbopack: { root: REPO }, outputFileTracingRoot: REPO, serverExternalPackages: ['ioredis'] })};\n`,
  );
  mkdirSync(join(dir, 'node_modules'));
  for (const name of ['next', 'react', 'react-dom']) symlinkSync(join(WEB_MODULES, name), join(dir, 'node_modules', name));
  symlinkSync(join(BENCH, 'node_modules/ioredis'), join(dir, 'node_modules/ioredis'));
}

function startTarget(ctx: SuiteContext, name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Group {
  return startGroup(name, process.execPath, args, { cwd, cpus: SERVER_CPUS, env: { ...process.env, NODE_ENV: 'production', ...env }, logFile: ctx.logFile });
}

interface Measured extends LoadResult {
  usage: UsageSample[];
}

const usageOf = (runs: Measured[]) => {
  const samples = runs.flatMap((r) => r.usage);
  if (samples.length === 0) return { rssMb: null, cpuPercent: null };
  return { rssMb: round(Math.max(...samples.map((s) => s.rssMb))), cpuPercent: round(median(samples.map((s) => s.cpuPercent))) };
};

/**
 * Loads `target` in 2-second steps until two in a row agree within 10 % (the JIT has settled) or
 * `maxS` is spent. Next's server needs far longer than the others; all get the same rule.
 */
async function warmUp(ctx: SuiteContext, target: Target, maxS: number): Promise<{ seconds: number; rps: number }> {
  const step = Math.min(2, maxS);
  let previous = 0;
  let seconds = 0;
  while (seconds < maxS) {
    const { requestsPerSecond } = await load({ url: target.url, connections: CONNECTIONS, durationS: step }, null);
    seconds += step;
    ctx.log(`warm-up ${target.name}: ${Math.round(requestsPerSecond)} req/s`);
    if (previous > 0 && Math.abs(requestsPerSecond - previous) / previous < 0.1) return { seconds, rps: requestsPerSecond };
    previous = requestsPerSecond;
  }
  return { seconds, rps: previous };
}

export const nextBaselineSuite: Suite = {
  name: 'next-baseline',
  summary: 'product GET vs a Next.js route handler (next start) doing the naive Redis lookup, same run, autocannon -c100',
  estimateS: { tiny: 30, quick: 45, full: 220 },
  builds: ['@livecart/api'],
  remoteTargets: null,
  async run(ctx) {
    const rounds = bySize(ctx.size, { tiny: 1, quick: 1, full: 3 });
    const durationS = bySize(ctx.size, { tiny: 1, quick: 2, full: 10 });
    // Next's server needs ~15 s of traffic before its throughput settles; every target gets the same rule.
    const maxWarmS = bySize(ctx.size, { tiny: 1, quick: 4, full: 30 });
    const [api, products, redisUrl] = await Promise.all([ctx.stack.api(), ctx.stack.products(), ctx.stack.redisUrl()]);
    if (api.pid === null) throw new Error('next-baseline compares with a local API');
    const productId = products[0]!.id;

    const appDir = join(ctx.scratchDir, 'next-route');
    prepareNextApp(appDir);
    ctx.log('next build (route handler baseline)…');
    const nextBin = join(appDir, 'node_modules/next/dist/bin/next');
    const nextEnv = { NEXT_TELEMETRY_DISABLED: '1' };
    await runGroup('next build', process.execPath, [nextBin, 'build'], { cwd: appDir, env: { ...process.env, ...nextEnv, NODE_ENV: 'production' }, logFile: ctx.logFile, onLine: ctx.log });

    const naivePrefix = `${ctx.stack.prefix}:naive`;
    const redis = new Redis(redisUrl);
    await redis.set(`${naivePrefix}:${productId}`, await (await fetch(`${api.url}/v1/products/${productId}`)).text());
    await redis.quit();

    const [nextPort, naivePort, helloPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
    const servers = [
      startTarget(ctx, 'next start', [nextBin, 'start', '-H', '127.0.0.1', '-p', String(nextPort)], appDir, { ...nextEnv, REDIS_URL: redisUrl, NAIVE_PREFIX: naivePrefix }),
      startTarget(ctx, 'naive route', [...TSX_IMPORT, 'api/servers/naive-product.ts'], BENCH, { PORT: String(naivePort), REDIS_URL: redisUrl, NAIVE_PREFIX: naivePrefix }),
      startTarget(ctx, 'hello fastify', [...TSX_IMPORT, 'api/servers/hello-fastify.ts'], BENCH, { PORT: String(helloPort) }),
    ];
    const [nextServer, naiveServer, helloServer] = servers as [Group, Group, Group];
    const targets: Target[] = [
      { name: 'api', label: 'livecart API — GET /v1/products/:id', role: 'ours', url: `${api.url}/v1/products/${productId}`, pid: api.pid },
      { name: 'next-route', label: 'Next.js route handler (next start): Redis GET + JSON', role: 'baseline', url: `http://127.0.0.1:${nextPort}/products/${productId}`, pid: nextServer.pid },
      { name: 'naive', label: 'naive Fastify route: Redis GET + JSON + log line', role: 'baseline', url: `http://127.0.0.1:${naivePort}/products/${productId}`, pid: naiveServer.pid },
      { name: 'hello-fastify', label: 'bare Fastify + response schema (ceiling)', role: 'baseline', url: `http://127.0.0.1:${helloPort}/`, pid: helloServer.pid },
    ];
    const warmUps: Record<string, { seconds: number; rps: number }> = {};
    try {
      for (const [i, target] of targets.entries()) {
        const server = servers[i - 1];
        await waitUntil(() => answersOk(target.url), {
          what: `${target.name} to answer ${target.url}`,
          timeoutMs: 60_000,
          failed: () => server !== undefined && server.child.exitCode !== null && `${target.name} exited:\n${server.tail()}`,
        });
      }
      for (const target of targets) {
        const warmed = await warmUp(ctx, target, maxWarmS);
        ctx.log(`warm-up ${target.name}: steady at ${Math.round(warmed.rps)} req/s after ${warmed.seconds} s`);
        warmUps[target.name] = warmed;
      }
      const results = new Map<string, Measured[]>(targets.map((t) => [t.name, []]));
      for (let r = 1; r <= rounds; r++) {
        for (const target of targets) {
          const result = await load({ url: target.url, connections: CONNECTIONS, durationS }, target.pid);
          results.get(target.name)!.push(result);
          ctx.log(`round ${r}/${rounds} ${target.name}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyMs.p99} ms`);
        }
      }
      const rps = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
      const perRound = (a: string, b: string) => results.get(a)!.map((run, i) => ratio(run.requestsPerSecond, results.get(b)![i]?.requestsPerSecond));
      // Median of the per-round ratios: the targets of a round ran back to back, on the same machine weather.
      const paired = (a: string, b: string) => {
        const ratios = perRound(a, b).filter((r): r is number => r !== null);
        return ratios.length === 0 ? null : round(median(ratios), 2);
      };
      const rows: Row[] = targets.map((target) => {
        const runs = results.get(target.name)!;
        return row({
          name: target.name,
          label: target.label,
          role: target.role,
          throughput: Math.round(rps(target.name)),
          p50Ms: median(runs.map((r) => r.latencyMs.p50 ?? Number.NaN)),
          p95Ms: median(runs.map((r) => r.latencyMs.p97_5 ?? Number.NaN)),
          p99Ms: median(runs.map((r) => r.latencyMs.p99 ?? Number.NaN)),
          errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
          ...usageOf(runs),
          runs: runs.length,
          extra: { 'p99.9 ms': median(runs.map((r) => r.latencyMs.p99_9 ?? Number.NaN)) },
        });
      });
      const headlines: Headline[] = [
        { name: 'api-over-next', label: 'product GET / Next.js route handler (req/s)', value: paired('api', 'next-route'), unit: '×', perRun: perRound('api', 'next-route'), target: null },
        { name: 'next-over-naive', label: 'Next.js route handler / naive Fastify route (req/s)', value: paired('next-route', 'naive'), unit: '×', perRun: perRound('next-route', 'naive'), target: null },
        { name: 'next-over-hello', label: 'Next.js route handler / bare Fastify hello-world (req/s)', value: paired('next-route', 'hello-fastify'), unit: '×', perRun: perRound('next-route', 'hello-fastify'), target: null },
        { name: 'api-over-hello', label: 'product GET / bare Fastify hello-world (this suite)', value: paired('api', 'hello-fastify'), unit: '×', perRun: perRound('api', 'hello-fastify'), target: { op: '>=', value: 0.85 } },
      ];
      const last = (name: string) => results.get(name)!.at(-1)!;
      const charts: Chart[] = [
        {
          kind: 'bar',
          id: 'next-throughput',
          title: `Product lookup: ours vs Next.js route handler vs naive — req/s (median of ${rounds})`,
          unit: 'req/s',
          bars: rows.map((r) => ({ label: r.name, value: r.throughput ?? 0, role: r.role })),
          reference: null,
        },
        {
          kind: 'line',
          id: 'next-latency',
          title: `Latency distribution at ${CONNECTIONS} connections (last round)`,
          xLabel: 'latency (ms, log)',
          yLabel: '% of requests ≤ x',
          xLog: true,
          series: targets.map((t) => ({ name: t.name, role: t.role, points: latencyCdf(last(t.name).latencyMs) })),
        },
        {
          kind: 'line',
          id: 'next-throughput-time',
          title: 'Requests per second over each load (last round)',
          xLabel: 'seconds',
          yLabel: 'req/s',
          xLog: false,
          series: targets.map((t) => ({ name: t.name, role: t.role, points: last(t.name).perSecond.map((n, i): [number, number] => [i + 1, n]) })),
        },
      ];
      return {
        method: `${rounds} interleaved round(s) of ${durationS} s per target, each warmed up first until two 2-second loads agree within 10 % (at most ${maxWarmS} s), autocannon -c${CONNECTIONS} on core 1, every server on core 0 (Next: \`next start\` and its next-server child); p95 column = autocannon's p97.5; figures are medians over rounds, ratios the median of per-round ratios.`,
        rows,
        headlines,
        checks: [],
        charts,
        raw: { productId, rounds, durationS, warmUps, results: Object.fromEntries([...results].map(([name, runs]) => [name, runs.map(({ usage, ...rest }) => ({ ...rest, maxRssMb: usage.length === 0 ? null : Math.max(...usage.map((u) => u.rssMb)) }))])) },
      };
    } finally {
      for (const server of servers) await server.stop();
      rmSync(appDir, { recursive: true, force: true });
    }
  },
};
