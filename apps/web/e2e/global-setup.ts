import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { assertChromium } from './support/browser';
import { ARTIFACTS_DIR, E2E_DIST_DIR, WEB_DIR } from './support/paths';
import { run } from './support/processes';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of a Postgres server: each test file creates its own database on it. */
    adminDatabaseUrl: string;
    redisUrl: string;
  }
}

/** Builds a workspace package (pnpm finds the workspace from here) whose output is missing: a fresh clone that ran only `pnpm test`. */
async function build(pkg: string, missing: string): Promise<void> {
  console.log(`[e2e] building ${pkg} (${missing} missing)`);
  await run('pnpm', ['--filter', pkg, 'build'], { cwd: WEB_DIR });
}

/**
 * Once per run: checks Chromium, builds what the stack runs (the web app always, so the tests never
 * see a stale .next), and starts Postgres and Redis. Each test file then starts its own API, realtime
 * server and web server on free ports (support/stack.ts).
 */
export default async function setup(project: TestProject) {
  assertChromium();
  // Service logs of this run only (each service appends, so a restarted server keeps one file).
  rmSync(path.join(ARTIFACTS_DIR, 'logs'), { recursive: true, force: true });
  // The test-stack module itself first: it says what else is missing.
  const testStack = path.join(WEB_DIR, 'node_modules/@livecart/local-services/dist/testing/index.js');
  if (!existsSync(testStack)) await build('@livecart/local-services', testStack);
  const { missingBuildsMessage } = await import('@livecart/local-services/testing');
  for (const app of ['api', 'realtime'] as const) {
    const missing = missingBuildsMessage([app]);
    if (missing !== undefined) await build(`@livecart/${app}`, missing);
  }
  const started = Date.now();
  await run('pnpm', ['exec', 'next', 'build'], { cwd: WEB_DIR, env: { NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: E2E_DIST_DIR } });
  console.log(`[e2e] next build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const { ensureServices } = await import('@livecart/local-services');
  const services = await ensureServices({ mode: 'test' });
  project.provide('adminDatabaseUrl', services.databaseUrl);
  project.provide('redisUrl', services.redisUrl);
  return async () => {
    await services.stop();
  };
}
