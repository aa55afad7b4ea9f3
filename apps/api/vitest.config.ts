import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each integration file owns a database and a Redis prefix; forks keep their relays and sockets apart.
    pool: 'forks',
    // One file per core, not one fewer (vitest's default): the files mostly wait on Postgres and Redis.
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
