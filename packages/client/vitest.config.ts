import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The integration, generation and pack tests start processes: the API, the generator, npm and tsc.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
