import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

export interface CachedScriptOptions {
  /** A CommonJS file whose first comment (`/*build <id>*\/`) names its build. */
  file: string;
  /** Where its V8 code cache is kept. */
  cacheFile: string;
  /** False to compile from source whatever the cache holds (when about to write a new one). */
  useCache: boolean;
}

export interface CachedScript<T> {
  exports: T;
  /** Whether V8 took its compiled code from the cache. */
  fromCache: boolean;
  /** Writes the cache of everything compiled so far: call it after the code ran, not just after loading. */
  writeCache(): void;
}

/**
 * Runs a CommonJS file as `require` would, through V8's code cache (node:vm; Node 20 has no compile cache
 * for modules). V8 matches a cache to its source by length alone, so the cache file starts with the
 * build id of the source it was made from and is only used for that source.
 */
export function runCachedScript<T>(options: CachedScriptOptions): CachedScript<T> {
  const source = readFileSync(options.file, 'utf8');
  const buildId = /^\/\*build [0-9a-f]+\*\//.exec(source)?.[0];
  let cachedData: Buffer | undefined;
  if (options.useCache && buildId !== undefined && existsSync(options.cacheFile)) {
    const stored = readFileSync(options.cacheFile);
    const header = stored.indexOf(0x0a);
    if (header > 0 && stored.subarray(0, header).toString() === buildId) cachedData = stored.subarray(header + 1);
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: options.file, cachedData });
  const module = { exports: {} };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, createRequire(options.file), module, options.file, dirname(options.file));
  return {
    exports: module.exports as T,
    fromCache: cachedData !== undefined && !script.cachedDataRejected,
    writeCache() {
      if (buildId === undefined) throw new Error(`${options.file} does not start with a build id, so its cache could not be told apart`);
      writeFileSync(options.cacheFile, Buffer.concat([Buffer.from(`${buildId}\n`), script.createCachedData()]));
    },
  };
}
