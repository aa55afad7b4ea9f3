/**
 * dist/server.js: runs the bundled API (dist/server.bundle.cjs, see scripts/bundle-server.ts) through
 * V8's code cache. Compiling the bundle's functions as its modules load is about a quarter of the time
 * from spawn to ready; dist/server.bundle.cache holds them already compiled. The cache is written at
 * build time by `node dist/server.js --write-code-cache`; when it is missing, from another build, or
 * refused by V8 (another Node version, other V8 flags), the bundle is compiled as usual.
 */
import { fileURLToPath } from 'node:url';
import { runCachedScript } from './cached-script.js';

interface Bundle {
  start(): Promise<void>;
}

const writeCache = process.argv.includes('--write-code-cache');
const bundle = runCachedScript<Bundle>({
  file: fileURLToPath(new URL('./server.bundle.cjs', import.meta.url)),
  cacheFile: fileURLToPath(new URL('./server.bundle.cache', import.meta.url)),
  useCache: !writeCache,
});
// Written after the modules ran, so it holds every function compiled while loading them, not only the top level.
if (writeCache) bundle.writeCache();
else await bundle.exports.start();
