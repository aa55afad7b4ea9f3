import { defineConfig } from 'vitest/config';

// These tests start whole production builds, private Postgres and Redis servers and hundreds of
// WebSocket clients. One file at a time, so they do not fight over the cores and their timing
// assertions stay meaningful.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
