import { loadApiEnv } from './env.js';
import { runServer } from './run-server.js';

await runServer(loadApiEnv());
