export { isAlive, megabytes, readRssBytes, watchRss, type RssWatch } from './process-memory.js';
export { INSPECT_ON_FREE_PORT, startServers, type InspectableApp, type StartServersOptions, type TestServers } from './start-servers.js';
export { inspectorUrlIn, settledMemory, type SettledMemory } from './settled-memory.js';
