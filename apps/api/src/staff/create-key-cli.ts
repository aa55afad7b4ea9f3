import { parseArgs } from 'node:util';
import { API_KEY_SCOPES, ApiKeyCreateSchema, type Actor } from '@livecart/schemas';
import { createPool } from '../db/pool.js';
import { loadToolEnv } from '../env.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';

const USAGE = `usage: keys:create --name <name> --scope <scope> [--scope <scope>…]   (scopes: ${API_KEY_SCOPES.join(', ')})
The key is printed once, alone on stdout (\`KEY=$(pnpm … keys:create …)\`); only its digest is stored.`;

/** Whoever runs the command on the server: recorded as the system, under the command's name. */
const CLI_ACTOR: Actor = { type: 'system', id: null, name: 'keys:create (command line)' };

const { values } = parseArgs({ options: { name: { type: 'string' }, scope: { type: 'string', multiple: true } } });
const input = ApiKeyCreateSchema.safeParse({ name: values.name, scopes: values.scope ?? [] });
if (!input.success) {
  const issue = input.error.issues[0];
  process.stderr.write(`${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}\n` : ''}${USAGE}\n`);
  process.exit(2);
}

// For machines set up outside the API (bench, suites, the first integration of a deployment): a key an
// admin would otherwise create with POST /v1/api-keys. It has no creator; it is revoked like any other.
const env = loadToolEnv();
const pool = createPool({ connectionString: env.DATABASE_URL, max: 1, statementTimeoutMs: 10_000, applicationName: 'livecart-keys-create' });
try {
  const key = await createApiKey({ pool, name: input.data.name, scopes: input.data.scopes, createdBy: null, actor: CLI_ACTOR });
  process.stderr.write(`created API key "${key.name}" (${key.id}, ${key.prefix}…) with ${key.scopes.join(', ')}\n`);
  process.stdout.write(`${key.key}\n`);
} finally {
  await pool.end();
}
