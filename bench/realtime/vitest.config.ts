import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The harness's own unit tests (frame parsing, key scan): `pnpm exec vitest run --config realtime/vitest.config.ts` from bench/. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    testTimeout: 30_000,
  },
});
