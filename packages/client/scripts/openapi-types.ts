import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * src/generated/openapi.ts comes from the API's own OpenAPI document: `@livecart/api openapi:write` builds
 * the app (never listening) and writes what /docs/json serves, and openapi-typescript turns it into types.
 * Shared by `pnpm generate` and the test that fails when the committed file is stale.
 */

const require = createRequire(import.meta.url);
const generatorBin = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
export const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const generatedFile = join(packageDir, 'src', 'generated', 'openapi.ts');

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}\n${result.stdout}\n${result.stderr}`);
}

/** Writes the types of the API's current document to `output`. */
export function generateOpenApiTypes(output: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'livecart-client-openapi-'));
  try {
    const document = join(dir, 'openapi.json');
    run('pnpm', ['--filter', '@livecart/api', 'openapi:write', document], packageDir);
    // A default belongs to the server: a request may leave such a field out, so it stays optional in the types.
    run(process.execPath, [generatorBin, document, '--default-non-nullable=false', '--output', output], packageDir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
