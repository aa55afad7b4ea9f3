import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCachedScript } from './cached-script.js';

interface Answer {
  answer(): number;
  filename: string;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cached-script-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const body = (value: number) => `module.exports = { answer: () => ${value}, filename: __filename };\n`;

describe('runCachedScript', () => {
  it('runs a CommonJS file, then runs it from the cache it wrote', () => {
    const file = join(dir, 'bundle.cjs');
    const cacheFile = join(dir, 'bundle.cache');
    writeFileSync(file, `/*build 0a1b*/${body(42)}`);
    const first = runCachedScript<Answer>({ file, cacheFile, useCache: true });
    expect(first.fromCache).toBe(false);
    expect(first.exports.answer()).toBe(42);
    expect(first.exports.filename).toBe(file);
    first.writeCache();
    const second = runCachedScript<Answer>({ file, cacheFile, useCache: true });
    expect(second.fromCache).toBe(true);
    expect(second.exports.answer()).toBe(42);
    expect(runCachedScript<Answer>({ file, cacheFile, useCache: false }).fromCache).toBe(false);
  });

  it('ignores the cache of another build, even of the same length (which V8 alone would accept)', () => {
    const file = join(dir, 'bundle.cjs');
    const cacheFile = join(dir, 'bundle.cache');
    writeFileSync(file, `/*build 0a1b*/${body(42)}`);
    runCachedScript<Answer>({ file, cacheFile, useCache: true }).writeCache();
    writeFileSync(file, `/*build 0a1c*/${body(43)}`);
    const rebuilt = runCachedScript<Answer>({ file, cacheFile, useCache: true });
    expect(rebuilt.fromCache).toBe(false);
    expect(rebuilt.exports.answer()).toBe(43);
  });

  it('survives a damaged cache file, and refuses to write a cache for a file without a build id', () => {
    const file = join(dir, 'bundle.cjs');
    const cacheFile = join(dir, 'bundle.cache');
    writeFileSync(file, `/*build 0a1b*/${body(42)}`);
    writeFileSync(cacheFile, '/*build 0a1b*/\nnot a V8 code cache');
    const loaded = runCachedScript<Answer>({ file, cacheFile, useCache: true });
    expect(loaded.fromCache).toBe(false);
    expect(loaded.exports.answer()).toBe(42);
    writeFileSync(file, body(44));
    expect(() => runCachedScript<Answer>({ file, cacheFile, useCache: true }).writeCache()).toThrow(/build id/);
  });
});
