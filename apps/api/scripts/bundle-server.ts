/**
 * The production entry, built for a fast cold start (after tsc, which still writes the rest of dist/:
 * dist/db/migrate-cli.js and seed-cli.js run from there):
 *
 * - dist/server.bundle.cjs: src/start.ts and everything it imports in one file. Loading one file
 *   instead of ≈ 750 modules (each resolved, stat'ed, read and compiled on its own) saves about a third
 *   of the main thread's work from spawn to ready. CommonJS: it starts as fast as an ES module bundle
 *   and needs no `require` shim for the CommonJS packages inside, and Node's built-ins come through
 *   plain require() rather than ES module facades (node:http's facade reads its WebSocket getters,
 *   which load undici).
 * - dist/server.js: src/bundle/run-bundle.ts, which turns Node's module compile cache on, then loads
 *   the bundle,
 * - dist/compile-cache/: that cache, written by running dist/server.js --write-compile-cache.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<unknown>;
}

const require = createRequire(import.meta.url);
// The esbuild that tsx (a devDependency) runs on: the workspace's single copy.
const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as EsbuildApi;

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'dist/compile-cache');
const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node24', sourcemap: true, logLevel: 'warning' };

await esbuild.build({
  ...common,
  entryPoints: ['src/start.ts'],
  outfile: 'dist/server.bundle.cjs',
  format: 'cjs',
  // Less source for V8 to scan at startup; identifiers stay, so stack traces and plugin names read as before.
  minifyWhitespace: true,
  minifySyntax: true,
  // Loaded from node_modules at run time, because they find files next to their own code:
  external: [
    // Swagger UI serves its static folder; it is imported by the first request under /docs.
    '@fastify/swagger-ui',
    // pino starts transports (pino-pretty in development) as worker files of its own, and resolves their
    // targets from the file that called pino(): that must stay @livecart/config's logger.
    'pino',
    '@livecart/config/logger',
    // Loads the native argon2 binary of this platform from its own package.
    '@node-rs/argon2',
  ],
});

await esbuild.build({ ...common, entryPoints: ['src/bundle/run-bundle.ts'], outfile: 'dist/server.js', format: 'esm' });

// Entries of an earlier build would only sit next to the new ones, never read again.
rmSync(cacheDir, { recursive: true, force: true });
const cache = spawnSync(process.execPath, ['dist/server.js', '--write-compile-cache'], { cwd: root, stdio: 'inherit' });
if (cache.status !== 0) throw new Error(`writing the compile cache failed (exit ${cache.status ?? cache.signal})`);
// Node writes entries readable by their owner only; the image is built as root and runs as uid 1000.
for (const entry of readdirSync(cacheDir, { recursive: true, withFileTypes: true })) {
  if (entry.isFile()) chmodSync(join(entry.parentPath, entry.name), 0o644);
}
