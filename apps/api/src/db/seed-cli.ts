import { parseArgs } from 'node:util';
import { loadToolEnv } from '../env.js';
import { createPool } from './pool.js';
import { createProgressBar } from './progress-bar.js';
import { seedCatalog } from './seed.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '5000' } } });
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
  process.stderr.write('--count must be an integer between 1 and 1000000\n');
  process.exit(2);
}

const env = loadToolEnv();
const pool = createPool({ connectionString: env.DATABASE_URL, max: 1, statementTimeoutMs: 60_000, applicationName: 'livecart-seed' });
const bar = createProgressBar(count);
const started = performance.now();
try {
  const result = await seedCatalog({ pool, count, onProgress: (done) => bar.update(done) });
  bar.finish();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`seed: ${result.inserted} inserted, ${result.skipped} already present, in ${seconds} s\n`);
} finally {
  await pool.end();
}
