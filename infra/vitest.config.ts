import { defineConfig } from 'vitest/config';

// These tests install, build and start whole apps: minutes, not milliseconds. One file at a time, so the
// builds do not fight over the two cores and the cluster's timing assertions stay meaningful.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 420_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
