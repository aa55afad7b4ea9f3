import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '@livecart/local-services/testing';
import { findFreePort } from '@livecart/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers.js';

const API_DIR = fileURLToPath(new URL('..', import.meta.url));
let ctx: TestContext;
let moved: string;

beforeAll(async () => {
  if (!existsSync(join(API_DIR, 'dist/compile-cache'))) {
    throw new Error('apps/api/dist/compile-cache is missing: run `pnpm --filter @livecart/api build` first');
  }
  ctx = await createTestContext('compile-cache');
  // The built entry, bundle and cache in another folder, as the image runs them from /app after building
  // them in /app/apps/api.
  moved = mkdtempSync(join(tmpdir(), 'livecart-api-'));
  for (const path of ['package.json', 'dist/server.js', 'dist/server.bundle.cjs', 'dist/compile-cache']) {
    cpSync(join(API_DIR, path), join(moved, path), { recursive: true });
  }
  symlinkSync(join(API_DIR, 'node_modules'), join(moved, 'node_modules'));
});
afterAll(async () => {
  rmSync(moved, { recursive: true, force: true });
  await ctx.close();
});

describe('production entry (dist/server.js)', () => {
  it('compiles the bundle from the compile cache written by the build, after the build has moved', async () => {
    const port = await findFreePort();
    const lines: string[] = [];
    const server = await startProcess({
      name: 'api',
      command: process.execPath,
      args: ['dist/server.js'],
      cwd: moved,
      // Node's own account of each module it compiles with the cache on, on stderr.
      env: ctx.processEnv(port, { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' }),
      readyUrl: `http://127.0.0.1:${port}/ready`,
      readyTimeoutMs: 20_000,
      onLine: (line) => lines.push(line),
    });
    expect(await server.stop('SIGTERM')).toBe(0);

    const verdicts = lines.filter((line) => line.includes('V8 code cache for') && line.includes('server.bundle.cjs'));
    expect(verdicts).toEqual([expect.stringMatching(/ was accepted/)]);
  });
});
