/**
 * dist/server.js: turns Node's module compile cache on, then runs the bundled API (dist/server.bundle.cjs,
 * see scripts/bundle-server.ts). The cache, dist/compile-cache/, is written at build time by
 * `node dist/server.js --write-compile-cache`. It holds the bundle as V8 compiles it on loading: the
 * top-level code and what V8 compiles eagerly, not the functions compiled later, on their first call.
 * A missing or refused cache (another Node version, other V8 flags) only means a slower start.
 */
import { constants, createRequire, enableCompileCache, flushCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Bundle {
  start(): Promise<void>;
}

const writing = process.argv.includes('--write-compile-cache');
// Portable: entries are keyed by their path relative to the cache, so they still match once dist/ has
// moved (the image builds in /app/apps/api and runs from /app). Not readOnly: on Node 26.12 that looks
// for a per-user directory, which a portable cache never writes. A cache this process may not write to
// is read all the same, and what it would add is dropped.
const cache = enableCompileCache({ directory: fileURLToPath(new URL('./compile-cache', import.meta.url)), portable: true });
if (writing && cache.status !== constants.compileCacheStatus.ENABLED) {
  throw new Error(`the compile cache could not be turned on: ${cache.message ?? 'NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE is set'}`);
}
// Loaded only now: the cache serves the modules compiled after it was turned on.
const bundle = createRequire(import.meta.url)('./server.bundle.cjs') as Bundle;
if (writing) flushCompileCache();
else await bundle.start();
