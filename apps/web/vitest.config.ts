import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname, 'src'),
  // Next resolves `server-only` itself; outside Next, server modules under test import an empty module.
  'server-only': path.resolve(import.meta.dirname, 'node_modules/next/dist/compiled/server-only/empty.js'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node' },
      },
      {
        // Browser-free: the live store itself against built API and realtime processes on real Postgres and Redis.
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Real Chromium against the real stack (Postgres, Redis, API, realtime, and the web's standalone server or `next dev`).
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['e2e/global-setup.ts'],
          // Each file starts its own stack; two cores do not run two stacks and two browsers well.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // A browser flow on a loaded 2-core machine now and then misses a render by a frame or a page load
          // by seconds; each failed test runs once more (a real defect fails both times) and the report says so.
          retry: 1,
        },
      },
    ],
  },
});
