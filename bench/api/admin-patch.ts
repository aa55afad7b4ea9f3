/**
 * What identity costs on the write path: PATCH /v1/products/:id throughput with a staff session cookie and
 * with an API key, against another build of the api (e.g. the last one with the static ADMIN_TOKEN check)
 * loaded in the same rounds, on the same database. Usage (after `pnpm --filter @livecart/api build`):
 *
 *   git worktree add ../livecart-before <rev> && (cd ../livecart-before && pnpm install && pnpm exec turbo run build --filter @livecart/api)
 *   pnpm --filter @livecart/bench exec tsx api/admin-patch.ts --baseline-api ../livecart-before/apps/api [--baseline-token] [--runs N] [--duration S]
 *
 * --baseline-token: the baseline build also holds a static ADMIN_TOKEN (builds before its retirement) and
 * is loaded twice per round, with that token and with an API key: the same write path behind either check.
 * Without it the baseline gets an API key only.
 * Writes rotate over 1,000 products (no row lock serialises them) and two prices; the outbox relay is off in
 * every instance, so each measures its request path alone. Servers on core 0, autocannon on core 1. Each
 * round starts every target afresh, warms it, then measures them one after the other, the first target
 * rotating; the ratios are medians of per-round ratios (neighbours in time on a noisy machine).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureServices, findFreePort } from '@livecart/local-services';
import {
  clearRedisPrefix,
  createApiKey,
  createStaffUser,
  createTestDatabase,
  migrateDatabase,
  processBaseEnv,
  REALTIME_TOKEN_KEYS_OF_RUN,
  requireBuilds,
  seedDatabase,
  startBuiltApp,
  startProcess,
  type RunningProcess,
} from '@livecart/local-services/testing';
import pg from 'pg';
import { load } from '../src/load/autocannon.js';
import { medianRatio, runInterleavedRounds, summarize, writeComparison } from '../src/compare/interleaved.js';
import { SERVER_CPUS } from '../src/runtime/paths.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'baseline-api': { type: 'string' },
    'baseline-token': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const durationS = Number(args.duration);
const connections = Number(args.connections);
const BASELINE_DIR = args['baseline-api'];
if (BASELINE_DIR !== undefined && !existsSync(join(BASELINE_DIR, 'dist/server.js'))) {
  console.error(`--baseline-api: ${BASELINE_DIR}/dist/server.js is missing (build that checkout's api first)`);
  process.exit(2);
}
requireBuilds(['api']);

interface Target {
  name: string;
  url: string;
  process: RunningProcess;
  headers: Record<string, string>;
}

const PIN = { cpus: SERVER_CPUS };
const PRODUCTS = 1_000;
const services = await ensureServices({ mode: 'test' });
const database = await createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'livecart_bench', migrate: migrateDatabase });
const prefix = `bench-patch:${process.pid}`;
const staticToken = randomBytes(24).toString('hex');
const password = `bench-${randomBytes(12).toString('hex')}`;
const running: RunningProcess[] = [];

try {
  console.error(`seeding ${PRODUCTS} products…`);
  await seedDatabase(database.url, PRODUCTS);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const ids = (await client.query<{ id: string }>('SELECT id FROM products ORDER BY sku')).rows.map((row) => row.id);
  await client.end();
  const apiKey = await createApiKey(database.url, { name: 'bench', scopes: ['catalog:write'] });
  await createStaffUser(database.url, { email: 'bench.editor@example.com', role: 'editor', password });

  const env = {
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: prefix,
    OUTBOX_RELAY_ENABLED: 'false',
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_READ_MAX: '1000000000',
    RATE_LIMIT_WRITE_MAX: '1000000000',
  };
  const paths = ids.map((id) => `/v1/products/${id}`);
  const bodies = [JSON.stringify({ priceMinor: 1_999 }), JSON.stringify({ priceMinor: 2_099 })];

  const startTargets = async (): Promise<Target[]> => {
    const current = await startBuiltApp('api', { pin: PIN, env });
    running.push(current);
    const login = await fetch(`${current.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench.editor@example.com', password }),
    });
    const cookie = /livecart_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    if (login.status !== 200 || cookie === undefined) throw new Error(`login answered ${login.status}`);
    const targets: Target[] = [
      { name: 'session', url: current.url, process: current, headers: { cookie } },
      { name: 'api-key', url: current.url, process: current, headers: { authorization: `Bearer ${apiKey}` } },
    ];
    if (BASELINE_DIR !== undefined) {
      const port = await findFreePort();
      const baseline = await startProcess({
        name: 'api-baseline',
        command: process.execPath,
        args: ['dist/server.js'],
        cwd: BASELINE_DIR,
        env: {
          ...processBaseEnv(),
          NODE_ENV: 'production',
          SESSION_SECRET: randomBytes(32).toString('base64url'),
          REALTIME_TOKEN_KEYS: REALTIME_TOKEN_KEYS_OF_RUN,
          ...env,
          ...(args['baseline-token'] ? { ADMIN_TOKEN: staticToken } : {}),
          HOST: '127.0.0.1',
          PORT: String(port),
        },
        readyUrl: `http://127.0.0.1:${port}/ready`,
        readyTimeoutMs: 30_000,
        pin: PIN,
      });
      running.push(baseline);
      const url = `http://127.0.0.1:${port}`;
      targets.push({ name: 'baseline', url, process: baseline, headers: { authorization: `Bearer ${args['baseline-token'] ? staticToken : apiKey}` } });
      if (args['baseline-token']) targets.push({ name: 'baseline-key', url, process: baseline, headers: { authorization: `Bearer ${apiKey}` } });
    }
    return targets;
  };

  const run = (target: Target, seconds: number) =>
    load(
      {
        url: target.url,
        connections,
        durationS: seconds,
        // Every write overwrites whatever version is current (If-Match: *, which the baseline accepts too).
        requests: { method: 'PATCH', headers: { ...target.headers, 'content-type': 'application/json', 'if-match': '*' }, paths, bodies },
      },
      target.process.pid,
    );

  const results = await runInterleavedRounds({
    runs,
    durationS,
    unit: 'PATCH',
    start: startTargets,
    measure: run,
    stop: async () => void (await Promise.all(running.splice(0).map((server) => server.stop()))),
  });
  const ratio = (name: string, base: string) => medianRatio(results, name, base);
  const ratios =
    BASELINE_DIR === undefined
      ? { sessionOverKey: ratio('session', 'api-key') }
      : {
          sessionOverBaseline: ratio('session', 'baseline'),
          keyOverBaseline: ratio('api-key', 'baseline'),
          sessionOverKey: ratio('session', 'api-key'),
          ...(args['baseline-token'] ? { baselineKeyOverToken: ratio('baseline-key', 'baseline') } : {}),
        };
  const patchPerSecond = summarize(results);
  const file = writeComparison('admin-patch', {
    runs,
    durationS,
    connections,
    baseline: BASELINE_DIR === undefined ? null : { dir: BASELINE_DIR, auth: args['baseline-token'] ? 'static ADMIN_TOKEN' : 'api key' },
    patchPerSecond,
    ratios,
  });
  console.log(JSON.stringify({ patchPerSecond: Object.fromEntries(Object.entries(patchPerSecond).map(([k, v]) => [k, v.median])), ratios }, null, 2));
  console.error(`written to ${file}`);
} finally {
  await Promise.allSettled(running.map((server) => server.stop()));
  await clearRedisPrefix(services.redisUrl, prefix).catch(() => {});
  await database.drop();
  await services.stop();
}
