/*
 * The one test-stack module: what every suite that runs livecart's built apps starts them with. Suites
 * add only what they test (fault proxies, load, browsers).
 */
export { createApiKey, createStaffUser, migrateDatabase, seedDatabase } from './api-tools.js';
export { createTestBackends, type TestBackends, type TestBackendsOptions } from './backends.js';
export { HOST, REALTIME_TOKEN_KEYS_OF_RUN, startBuiltApp, type BuiltApp, type BuiltAppOptions } from './built-app.js';
export { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from './database.js';
export { processBaseEnv } from './process-env.js';
export { roomInWindow } from './rate-window.js';
export { APPS, appDir, BUILD_OUTPUTS, missingBuilds, missingBuildsMessage, repoRoot, requireBuilds, skipWithoutBuilds, type AppName } from './repo.js';
export { CAN_PIN, startProcess, type Pinning, type ProcessOptions, type RunningProcess } from './start-process.js';
export { answersOk, sleep, waitUntil, WaitTimeoutError, type WaitOptions } from '../wait.js';
