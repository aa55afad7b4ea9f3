import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { missingBuilds } from '@livecart/local-services/testing';
import { startStack, type Stack } from '../stack/stack.js';
import { writeSoakReport } from './report.js';
import { runSoak, SOAK_DEFAULTS, type SoakSettings } from './run-soak.js';

const USAGE = `pnpm test:soak [--minutes 30] [--clients 5000] [--products 500] [--writes 40] [--reads 200] [--warmup-minutes 5]

Starts 2 api and 2 realtime production builds on private Postgres and Redis servers, then runs
storefront reads, admin writes and orders, and the WebSocket clients for the given time. Afterwards
every client's event log and view is checked against Postgres, and the memory of every process is
checked for growth. Writes reliability/results/<date>-soak.{md,json} and SVG charts; exits 1 when a
check fails.`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number; got "${text}"`);
  return value;
}

function readSettings(argv: string[]): SoakSettings | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      clients: { type: 'string' },
      products: { type: 'string' },
      writes: { type: 'string' },
      reads: { type: 'string' },
      'warmup-minutes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return undefined;
  const minutes = positive('minutes', values.minutes, SOAK_DEFAULTS.durationMs / 60_000);
  const warmup = positive('warmup-minutes', values['warmup-minutes'], Math.min(SOAK_DEFAULTS.warmupMs / 60_000, minutes / 4));
  if (warmup >= minutes) throw new Error(`--warmup-minutes (${warmup}) must be shorter than --minutes (${minutes})`);
  return {
    ...SOAK_DEFAULTS,
    durationMs: minutes * 60_000,
    warmupMs: warmup * 60_000,
    clients: Math.round(positive('clients', values.clients, SOAK_DEFAULTS.clients)),
    products: Math.round(positive('products', values.products, SOAK_DEFAULTS.products)),
    writesPerSecond: positive('writes', values.writes, SOAK_DEFAULTS.writesPerSecond),
    readsPerSecond: positive('reads', values.reads, SOAK_DEFAULTS.readsPerSecond),
  };
}

async function main(): Promise<number> {
  let settings: SoakSettings | undefined;
  try {
    settings = readSettings(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (settings === undefined) {
    console.log(USAGE);
    return 0;
  }
  const missing = missingBuilds(['api', 'realtime']);
  if (missing.length > 0) {
    console.error(`The soak runs the production builds; build them first (pnpm build). Missing: ${missing.join(', ')}`);
    return 2;
  }

  console.log(`[soak] starting private Postgres and Redis, 2 api and 2 realtime instances…`);
  const stack: Stack = await startStack({
    // The fault runs shorten the heartbeat to find dead peers fast; a soak runs the production default.
    realtimeEnv: { WS_HEARTBEAT_INTERVAL_MS: '30000', WS_HEARTBEAT_TIMEOUT_MS: '10000' },
    onLine: (line) => (/"level":(50|60)/.test(line) ? console.log(line) : undefined),
  });
  const stopOnSignal = () => {
    console.log('\n[soak] interrupted: stopping every process…');
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    console.log(`[soak] ${settings.clients} WebSocket clients over ${settings.products} products, ${settings.readsPerSecond} reads/s and ${settings.writesPerSecond} writes/s for ${settings.durationMs / 60_000} min`);
    const command = `pnpm test:soak ${process.argv.slice(2).join(' ')}`.trim();
    const report = await runSoak(stack, settings, command, (line) => console.log(line));
    const dir = fileURLToPath(new URL('../../results/', import.meta.url));
    const path = await writeSoakReport(dir, `${report.startedAt.slice(0, 10)}-soak`, report);
    for (const check of report.checks) console.log(`[soak] ${check.ok ? 'pass' : 'FAIL'} ${check.name}: ${check.detail}`);
    console.log(`[soak] report: ${path}`);
    return report.checks.every((check) => check.ok) ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
