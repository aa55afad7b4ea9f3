import { createLogger } from '@livecart/config/logger';
import { createPool } from './db/pool.js';
import { runMigrations } from './db/migrate.js';
import { createProgressBar } from './db/progress-bar.js';
import { isCatalogEmpty, seedCatalog } from './db/seed.js';
import { loadApiEnv } from './env.js';
import { ensureDemoKey, isKeyRevoked } from './demo/demo-key.js';
import { demoCheckoutRunner } from './demo/run-demo-checkout.js';
import { startDemoTraffic } from './demo/run-demo-traffic.js';
import { runServer } from './run-server.js';
import { ensureDevAdmin, type DevAdmin } from './staff/dev-admin.js';

/** Development entry: brings the schema up to date, seeds an empty catalog, then serves. */
// This is the development entry: it says so, so that development defaults (session secret) may apply.
process.env.NODE_ENV ??= 'development';
const env = loadApiEnv();
if (env.NODE_ENV !== 'development') {
  process.stderr.write(`dev.ts is the development entry; NODE_ENV is ${env.NODE_ENV}. Use dist/server.js.\n`);
  process.exit(2);
}

await runMigrations({ databaseUrl: env.DATABASE_URL, log: (line) => process.stderr.write(`${line}\n`) });
const pool = createPool({ connectionString: env.DATABASE_URL, max: 1, statementTimeoutMs: 60_000, applicationName: 'livecart-dev-seed' });
let devAdmin: DevAdmin | undefined;
try {
  devAdmin = await ensureDevAdmin(pool);
  if (await isCatalogEmpty(pool)) {
    const count = 5_000;
    const bar = createProgressBar(count);
    await seedCatalog({ pool, count, onProgress: (done) => bar.update(done) });
    bar.finish();
  }
} finally {
  await pool.end();
}
const app = await runServer(env);

/** About one demo shopper every ten ticks (ten seconds at the default interval): the flow shows without crowding the catalog. */
const DEMO_CHECKOUT_CHANCE = 0.1;

if (env.DEMO_TRAFFIC) {
  const demoPool = createPool({ connectionString: env.DATABASE_URL, max: 2, statementTimeoutMs: 5_000, applicationName: 'livecart-dev-demo' });
  const logger = createLogger({ name: 'livecart-demo', level: env.LOG_LEVEL, nodeEnv: env.NODE_ENV });
  // It writes as an API key of its own: named in the audit log and the live feed, and an admin who
  // revokes it (/admin/api-keys) stops it.
  const actor = await ensureDemoKey(demoPool);
  const provider = app.payments.get('test');
  startDemoTraffic({
    pool: demoPool,
    logger,
    intervalMs: env.DEMO_INTERVAL_MS,
    paymentTtlMs: env.ORDER_PAYMENT_TTL_MS,
    actor,
    shouldStop: async () => ((await isKeyRevoked(demoPool, actor.id)) ? `its API key "${actor.name}" was revoked` : undefined),
    ...(provider === undefined
      ? {}
      : {
          shoppers: {
            chance: DEMO_CHECKOUT_CHANCE,
            runner: demoCheckoutRunner({
              pool: demoPool,
              actor,
              provider,
              times: { cartTtlMs: env.CART_TTL_MS, holdTtlMs: env.RESERVATION_TTL_MS },
              paymentTtlMs: env.ORDER_PAYMENT_TTL_MS,
              sessionTimeoutS: env.SHOPPER_SESSION_ABSOLUTE_TIMEOUT_S,
            }),
          },
        }),
  });
}

process.stderr.write(
  [
    '',
    'livecart is running (development):',
    '  storefront  http://localhost:3000        (admin: http://localhost:3000/admin)',
    `  API         http://localhost:${env.PORT}        (docs: http://localhost:${env.PORT}/docs)`,
    '  realtime    ws://localhost:4001/ws      (debug page: http://localhost:4001/)',
    ...signInLines(devAdmin),
    '',
  ].join('\n'),
);

function signInLines(admin: DevAdmin | undefined): string[] {
  if (admin === undefined) return ['', 'staff sign-in: this database has staff users but no enabled admin (pnpm --filter @livecart/api users:create --role admin)'];
  if (admin.password === undefined) {
    return ['', `staff sign-in: ${admin.email} at http://localhost:3000/login (its password was shown once, when it was created;`, '  lost it? pnpm --filter @livecart/api users:create --email you@example.com --role admin)'];
  }
  return [
    '',
    'development admin created (shown this once; development database only):',
    `  sign in at http://localhost:3000/login   email ${admin.email}   password ${admin.password}`,
  ];
}
