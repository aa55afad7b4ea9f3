import { spawn } from 'node:child_process';
import { findFreePort } from '@livecart/local-services';
import { expect, it } from 'vitest';
import { E2E_DIST_DIR, WEB_DIR } from './support/paths';

// The suite's other files run `pnpm start`'s server against the whole stack (support/stack.ts); this
// one checks what they cannot: that it refuses a bad environment.
it('stops at once, naming the variable, when the environment is invalid', async () => {
  const child = spawn('node', ['scripts/start.mjs'], {
    cwd: WEB_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      NEXT_DIST_DIR: E2E_DIST_DIR,
      NEXT_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      PORT: String(await findFreePort()),
      API_URL: 'not-a-url',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  expect(code, output).toBe(1);
  expect(output).toContain('API_URL: expected a URL');
});
