#!/usr/bin/env node
// @ts-check
/*
 * `tsc` for a package whose dist/ other processes load while it builds: a dev server, a test run, a
 * `next dev` bundling it, another build. tsc writes its outputs in place, file after file, so a reader
 * could meet a missing or half-written module. Here it compiles into a staging folder instead, then each
 * output is moved into dist/ with rename(2), which replaces a file in one step: a reader gets the old
 * file or the new one. Unchanged files are not touched (no watcher wakes up for a no-op build), files tsc
 * no longer emits go last, and a failed compile leaves dist/ as it was.
 *
 * Plain JavaScript: @livecart/config builds itself with it, before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';

/** Staging folders sit next to dist/ (same depth), so relative paths in source maps stay right. */
const STAGING_PREFIX = '.dist-staging-';

/**
 * @param {string} root
 * @returns {Promise<string[]>} every file under `root`, relative to it; none when `root` does not exist
 */
async function listFiles(root) {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return [];
    throw error;
  }
}

/** @param {string} a @param {string} b */
async function sameBytes(a, b) {
  const [left, right] = await Promise.all([readFile(a), readFile(b).catch(() => undefined)]);
  return right !== undefined && left.equals(right);
}

/**
 * Moves what `staging` holds into `dist` so that, at every instant, each module of either build is
 * present and whole; removes `staging`.
 * @param {string} staging
 * @param {string} dist
 * @returns {Promise<{ written: number; removed: number }>}
 */
export async function publishDist(staging, dist) {
  const fresh = await listFiles(staging);
  let written = 0;
  for (const file of fresh) {
    const target = join(dist, file);
    if (await sameBytes(join(staging, file), target)) continue;
    await mkdir(dirname(target), { recursive: true });
    await rename(join(staging, file), target);
    written++;
  }
  // Only once every new module is in place: a reader of the new set never misses one of its files.
  const kept = new Set(fresh);
  const stale = (await listFiles(dist)).filter((file) => !kept.has(file));
  for (const file of stale) await rm(join(dist, file), { force: true });
  const folders = new Set(stale.map((file) => dirname(file)).filter((folder) => folder !== '.'));
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    await rmdir(join(dist, folder)).catch(() => {});
  }
  await rm(staging, { recursive: true, force: true });
  return { written, removed: stale.length };
}

/** @param {number} pid */
function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** Staging folders of builds that were killed; a concurrent build's own folder stays. @param {string} packageDir */
async function removeAbandonedStaging(packageDir) {
  for (const name of await readdir(packageDir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(name.slice(STAGING_PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || !isRunning(pid)) await rm(join(packageDir, name), { recursive: true, force: true });
  }
}

/**
 * `livecart-build-dist <tsc arguments>`, run in the package folder: compiles with the package's own
 * TypeScript, then publishes into its dist/ (the CLI's --outDir wins over the tsconfig's).
 * @param {string[]} args
 * @returns {Promise<number>} the exit code
 */
export async function main(args) {
  const packageDir = process.cwd();
  await removeAbandonedStaging(packageDir);
  const staging = join(packageDir, `${STAGING_PREFIX}${process.pid}-${Date.now().toString(36)}`);
  const tsc = createRequire(join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, ...args, '--outDir', staging], { stdio: 'inherit' });
  if (result.status !== 0) {
    await rm(staging, { recursive: true, force: true });
    if (result.error) process.stderr.write(`livecart-build-dist: could not run tsc: ${result.error.message}\n`);
    return result.status ?? 1;
  }
  await publishDist(staging, resolve(packageDir, 'dist'));
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
