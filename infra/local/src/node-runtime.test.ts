import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from './repo-root.js';

const root = findRepoRoot(import.meta.dirname);
const pinned = (await readFile(join(root, '.nvmrc'), 'utf8')).trim();
const useNode = join(root, 'infra/local/bin/use-node.sh');

describe('the pinned Node.js runtime', () => {
  it('.nvmrc names one exact version', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs these tests (CI puts it first on PATH)', () => {
    console.log(`[runtime] tests run on node ${process.version} (${process.execPath}); pinned ${pinned}`);
    expect(process.versions.node.split('.')[0]).toBe(pinned.split('.')[0]);
  });
});

describe('infra/local/bin/use-node.sh', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livecart-use-node-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Sources the script in a shell whose PATH holds only `bin` and the system's tools; returns node's path and version. */
  function sourceWith(env: Record<string, string>, bin: string): string[] {
    const out = execFileSync('bash', ['-c', `. "${useNode}" >&2 && command -v node && node --version`], {
      env: { HOME: dir, PATH: `${bin}:/usr/bin:/bin`, ...env },
      encoding: 'utf8',
    });
    return out.trim().split('\n');
  }

  it('puts the cached pinned build first on PATH when the node on PATH is another version', async () => {
    // An "old" node first on PATH, and a cache that already holds the pinned build (this very node).
    const old = join(dir, 'old-bin');
    await mkdir(old);
    await writeFile(join(old, 'node'), '#!/bin/sh\necho v20.0.0\n');
    await chmod(join(old, 'node'), 0o755);
    const cache = join(dir, 'cache');
    await mkdir(join(cache, `v${pinned}`, 'bin'), { recursive: true });
    await symlink(process.execPath, join(cache, `v${pinned}`, 'bin', 'node'));

    const [path, version] = sourceWith({ LIVECART_NODE_CACHE: cache }, old);
    expect(path).toBe(join(cache, `v${pinned}`, 'bin', 'node'));
    expect(version).toBe(`v${pinned}`);
  });

  it('changes nothing when the node on PATH is already the pinned version', async () => {
    const current = join(dir, 'current-bin');
    await mkdir(current);
    await symlink(process.execPath, join(current, 'node'));
    const [path, version] = sourceWith({ LIVECART_NODE_CACHE: join(dir, 'unused-cache') }, current);
    expect(path).toBe(join(current, 'node'));
    expect(version).toBe(`v${pinned}`);
  });
});
