/**
 * The production entry, built for a fast cold start (after tsc, which still writes the rest of dist/:
 * dist/db/migrate-cli.js and seed-cli.js run from there):
 *
 * - dist/server.bundle.cjs: src/start.ts and everything it imports in one file. Loading one file
 *   instead of ≈ 750 modules (each resolved, stat'ed, read and compiled on its own) removes about a
 *   third of the time from spawn to ready.
 * - dist/server.js: src/bundle/run-bundle.ts, which runs that bundle through V8's code cache,
 * - dist/server.bundle.cache: the cache, written by running dist/server.js --write-code-cache.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface OutputFile {
  path: string;
  text: string;
}
interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: OutputFile[] }>;
}

const require = createRequire(import.meta.url);
// The esbuild that tsx (a devDependency) runs on: the workspace's single copy.
const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as EsbuildApi;

const root = fileURLToPath(new URL('..', import.meta.url));
const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

const { outputFiles = [] } = await esbuild.build({
  ...common,
  entryPoints: ['src/start.ts'],
  outfile: 'dist/server.bundle.cjs',
  // CommonJS, because V8's code cache is open to scripts (node:vm) and not to ES modules on Node 20.
  format: 'cjs',
  // The only dynamic import (Swagger UI, external) becomes a require: a vm script has no module loader.
  supported: { 'dynamic-import': false },
  sourcemap: true,
  // Less source for V8 to scan at startup; identifiers stay, so stack traces and plugin names read as before.
  minifyWhitespace: true,
  minifySyntax: true,
  // pg asks at load time whether it runs on Cloudflare Workers: lacking `navigator` (Node 20 has none), it
  // builds a `Response`, and that first touch of fetch's globals loads Node's whole undici (≈ 25 ms, a
  // tenth of a cold start, for an API that never fetches). Node ≥ 21 defines navigator with this
  // user agent; the bundle answers as they do, at build time.
  define: { navigator: JSON.stringify({ userAgent: 'Node.js' }) },
  // Loaded from node_modules at run time, because they find files next to their own code:
  external: [
    // Swagger UI serves its static folder; it is required on the first request under /docs.
    '@fastify/swagger-ui',
    // pino starts transports (pino-pretty in development) as worker files of its own, and resolves their
    // targets from the file that called pino(): that must stay @livecart/config's logger.
    'pino',
    '@livecart/config/logger',
  ],
  write: false,
});
for (const file of outputFiles) {
  // The bundle opens with an id of its content, which the code cache must carry too (see run-bundle.ts).
  const text = file.path.endsWith('.cjs') ? `/*build ${createHash('sha256').update(file.text).digest('hex').slice(0, 16)}*/${file.text}` : file.text;
  writeFileSync(file.path, text);
}

await esbuild.build({ ...common, entryPoints: ['src/bundle/run-bundle.ts'], outfile: 'dist/server.js', format: 'esm', sourcemap: true });

const cache = spawnSync(process.execPath, ['dist/server.js', '--write-code-cache'], { cwd: root, stdio: 'inherit' });
if (cache.status !== 0) throw new Error(`writing the code cache failed (exit ${cache.status ?? cache.signal})`);
