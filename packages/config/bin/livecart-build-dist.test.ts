import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, publishDist } from './livecart-build-dist.js';

const configDir = fileURLToPath(new URL('..', import.meta.url));

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'livecart-build-dist-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('publishDist', () => {
  it('replaces changed files, leaves identical ones alone and removes what the build no longer emits', async () => {
    const dist = join(dir, 'dist');
    const staging = join(dir, '.dist-staging-1');
    writeTree(dist, { 'same.js': 'same', 'changed.js': 'old', 'gone/old.js': 'old', 'kept/x.js': 'x' });
    writeTree(staging, { 'same.js': 'same', 'changed.js': 'new', 'added/new.js': 'new', 'kept/x.js': 'x' });
    const sameInode = statSync(join(dist, 'same.js')).ino;

    expect(await publishDist(staging, dist)).toEqual({ written: 2, removed: 1 });

    expect(readFileSync(join(dist, 'changed.js'), 'utf8')).toBe('new');
    expect(readFileSync(join(dist, 'added/new.js'), 'utf8')).toBe('new');
    expect(statSync(join(dist, 'same.js')).ino).toBe(sameInode);
    expect(existsSync(join(dist, 'gone'))).toBe(false);
    expect(readdirSync(dist).sort()).toEqual(['added', 'changed.js', 'kept', 'same.js']);
    expect(existsSync(staging)).toBe(false);
  });

  it('swaps a file in whole: a reader that opened the old one still reads all of it', async () => {
    const dist = join(dir, 'dist');
    const staging = join(dir, '.dist-staging-1');
    const old = 'o'.repeat(64 * 1024);
    writeTree(dist, { 'index.js': old });
    writeTree(staging, { 'index.js': 'n'.repeat(10) });
    const reader = openSync(join(dist, 'index.js'), 'r');

    await publishDist(staging, dist);

    // Written in place (truncate, then write), the open file would now hold the new bytes or nothing.
    const buffer = Buffer.alloc(old.length + 1);
    expect(buffer.toString('utf8', 0, readSync(reader, buffer, 0, buffer.length, 0))).toBe(old);
    expect(readFileSync(join(dist, 'index.js'), 'utf8')).toBe('n'.repeat(10));
  });
});

describe('livecart-build-dist', () => {
  function packageWith(source: string): string {
    const packageDir = join(dir, 'pkg');
    writeTree(packageDir, {
      'package.json': JSON.stringify({ name: 'pkg', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'NodeNext', target: 'ES2023', strict: true, rootDir: 'src', outDir: 'dist', types: [] },
        include: ['src'],
      }),
      'src/index.ts': source,
    });
    // The package's own TypeScript is the one that compiles it.
    symlinkSync(join(configDir, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
    return packageDir;
  }

  async function build(packageDir: string): Promise<number> {
    const cwd = process.cwd();
    process.chdir(packageDir);
    try {
      return await main(['-p', 'tsconfig.json']);
    } finally {
      process.chdir(cwd);
    }
  }

  it('publishes the compiled package into dist/ and leaves no staging folder', async () => {
    const packageDir = packageWith('export const answer: number = 42;\n');
    writeTree(packageDir, { 'dist/stale.js': 'from an older build' });

    expect(await build(packageDir)).toBe(0);

    expect(readFileSync(join(packageDir, 'dist/index.js'), 'utf8')).toContain('export const answer = 42;');
    expect(existsSync(join(packageDir, 'dist/stale.js'))).toBe(false);
    expect(readdirSync(packageDir).filter((name) => name.startsWith('.dist-staging-'))).toEqual([]);
  }, 60_000);

  it('keeps the last good dist/ when the compile fails', async () => {
    const packageDir = packageWith('export const answer: number = "forty-two";\n');
    writeTree(packageDir, { 'dist/index.js': 'export const answer = 41;\n' });

    expect(await build(packageDir)).not.toBe(0);

    expect(readFileSync(join(packageDir, 'dist/index.js'), 'utf8')).toBe('export const answer = 41;\n');
    expect(readdirSync(packageDir).filter((name) => name.startsWith('.dist-staging-'))).toEqual([]);
  }, 60_000);
});
