export { missingBuilds, repoRoot, type AppName } from './builds.js';
export { isAlive, megabytes, readRssBytes, watchRss, type RssWatch } from './process-memory.js';
export { INSPECT_ON_FREE_PORT, startServerProcess, type ServerProcess, type ServerProcessOptions } from './server-process.js';
export { startServers, type StartServersOptions, type TestServers } from './start-servers.js';
export { inspectorUrlIn, settledMemory, type SettledMemory } from './settled-memory.js';
