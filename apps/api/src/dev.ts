import { createPool } from './db/pool.js';
import { runMigrations } from './db/migrate.js';
import { createProgressBar } from './db/progress-bar.js';
import { isCatalogEmpty, seedCatalog } from './db/seed.js';
import { loadApiEnv } from './env.js';
import { runServer } from './run-server.js';

/** Development entry: brings the schema up to date, seeds an empty catalog, then serves. */
const env = loadApiEnv();
if (env.NODE_ENV !== 'development') {
  process.stderr.write(`dev.ts is the development entry; NODE_ENV is ${env.NODE_ENV}. Use dist/server.js.\n`);
  process.exit(2);
}

await runMigrations({ databaseUrl: env.DATABASE_URL, log: (line) => process.stderr.write(`${line}\n`) });
const pool = createPool({ connectionString: env.DATABASE_URL, max: 1, statementTimeoutMs: 60_000, applicationName: 'livecart-dev-seed' });
try {
  if (await isCatalogEmpty(pool)) {
    const count = 5_000;
    const bar = createProgressBar(count);
    await seedCatalog({ pool, count, onProgress: (done) => bar.update(done) });
    bar.finish();
  }
} finally {
  await pool.end();
}
await runServer(env);
