import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadApiEnv } from '../src/env.js';

/*
 * Writes the API's OpenAPI document (what /docs/json serves) to the file named on the command line, for
 * generators such as @livecart/client's. It is built from the routes, so the app is built (on the local
 * services `livecart-services exec` provides) but never listens. The servers URL is fixed so that the
 * output depends only on the code.
 */

const target = process.argv[2];
if (target === undefined || target === '') {
  process.stderr.write('usage: pnpm --filter @livecart/api openapi:write <file>\n');
  process.exit(2);
}

const env = loadApiEnv({
  ...process.env,
  NODE_ENV: 'development',
  LOG_LEVEL: 'error',
  API_PUBLIC_URL: 'http://localhost:3000',
  API_DOCS_ENABLED: 'false',
  // Nothing to deliver or relay: only the routes are wanted.
  OUTBOX_RELAY_ENABLED: 'false',
  WEBHOOK_WORKER_ENABLED: 'false',
});
const app = await buildApp({ env });
try {
  await app.ready();
  writeFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), target), `${JSON.stringify(app.swagger(), null, 2)}\n`);
} finally {
  await app.close();
}
