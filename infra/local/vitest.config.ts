import { defineConfig } from 'vitest/config';

// Some tests initdb and start real Postgres/Redis servers, which takes seconds, not milliseconds.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
