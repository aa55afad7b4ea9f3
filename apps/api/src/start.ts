import { loadApiEnv } from './env.js';
import { runServer } from './run-server.js';

/** The production start: read the environment and serve. src/server.ts runs it, and so does the bundle behind dist/server.js. */
export async function start(): Promise<void> {
  await runServer(loadApiEnv());
}
