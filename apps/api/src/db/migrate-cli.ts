import { loadToolEnv } from '../env.js';
import { runMigrations } from './migrate.js';

const env = loadToolEnv();
const applied = await runMigrations({ databaseUrl: env.DATABASE_URL, log: (line) => process.stderr.write(`${line}\n`) });
process.stderr.write(applied.length === 0 ? 'migrations: up to date\n' : `migrations: applied ${applied.join(', ')}\n`);
