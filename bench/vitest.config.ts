import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'realtime/**/*.test.ts', 'flash/**/*.test.ts', 'webhooks/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
  },
});
