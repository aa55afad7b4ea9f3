import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServices, findFreePort, type Services } from '@livecart/local-services';
import { answersOk, clearRedisPrefix, createTestDatabase, repoRoot, testRedisPrefix, waitUntil, type TestDatabase } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devTasks, HealthWatch, startDev, type DevProcess } from './support/dev-stack.js';
import { LiveClient } from './support/live-client.js';
import { runCommand } from './support/run-command.js';

/*
 * The newcomer's loop: `pnpm dev` is up and `pnpm test` (which builds) runs in the same checkout. A clone
 * of this checkout's HEAD runs every dev task turbo plans for `pnpm dev`, on free ports, its own database
 * and Redis prefix; meanwhile `pnpm build` and a package's tests run in that clone. The api and the
 * realtime server must keep answering /health and a catalog subscriber must keep receiving the demo
 * traffic. Then a module both watchers import vanishes for a moment: they die of the import error and
 * must come back once it is there again.
 */

/**
 * The storefront's dev server is left out: it compiles only on request (tens of seconds on two shared
 * cores), and what keeps its dist/ reads whole, livecart-build-dist, has tests of its own.
 */
const LEFT_OUT = new Set(['@livecart/web']);
const MAX_SILENCE_MS = 5_000;

describe('pnpm dev while the same checkout builds and tests', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'livecart-dev-build-'));
  const repo = join(workDir, 'repo');
  const logFile = join(workDir, 'commands.log');
  const redisPrefix = testRedisPrefix('devloop');
  let services: Services;
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const dev = new Map<string, DevProcess>();
  let apiUrl = '';
  let realtimeUrl = '';
  let client: LiveClient;
  const watches: HealthWatch[] = [];

  /** The end of every dev process's output, for a failure message. */
  const tails = () =>
    [...dev.values()].map((task) => `--- ${task.name}\n${task.output().slice(-3_000)}`).join('\n');

  beforeAll(async () => {
    // What a developer's shell holds, less what the test runner and turbo put there for this run.
    env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(NODE_ENV|VITEST.*|TURBO_HASH|npm_(lifecycle|package)_.*|LIVECART_FORCE_LOCAL)$/.test(name)),
    );
    await runCommand('git', ['clone', '--quiet', repoRoot, repo], { cwd: workDir, env, logFile });
    // A clone shares nothing with this checkout but the pnpm store: same lockfile, no network.
    await runCommand('pnpm', ['install', '--frozen-lockfile', '--offline'], { cwd: repo, env, logFile });

    services = await ensureServices({ mode: 'test' });
    database = await createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'livecart_devloop' });
    const [apiPort, realtimePort] = [await findFreePort(), await findFreePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    realtimeUrl = `http://127.0.0.1:${realtimePort}`;
    Object.assign(env, { DATABASE_URL: database.url, REDIS_URL: services.redisUrl, REDIS_PREFIX: redisPrefix, DEMO_INTERVAL_MS: '250' });
    const ports: Record<string, number> = { '@livecart/api': apiPort, '@livecart/realtime': realtimePort };

    const tasks = (await devTasks(repo, env, logFile)).filter((task) => !LEFT_OUT.has(task.package));
    expect(tasks.map((task) => task.package)).toEqual(expect.arrayContaining(['@livecart/api', '@livecart/realtime']));
    // turbo's `dependsOn: ^build` for dev, then every dev task at once, as `turbo run dev` does.
    const builds = [...new Set(tasks.flatMap((task) => task.builds))];
    await runCommand('pnpm', ['exec', 'turbo', 'run', 'build', ...builds.map((name) => `--filter=${name}`), '--output-logs=errors-only'], {
      cwd: repo,
      env,
      logFile,
    });
    for (const task of tasks) {
      const port = ports[task.package];
      const taskEnv = port === undefined ? env : { ...env, PORT: String(port) };
      dev.set(task.package, startDev(task.package, join(repo, task.directory), taskEnv, join(workDir, `${task.package.replace('/', '+')}.log`)));
    }

    await waitUntil(async () => (await answersOk(`${apiUrl}/health`)) && (await answersOk(`${realtimeUrl}/health`)), { what: 'api and realtime /health', timeoutMs: 150_000, intervalMs: 100 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${tails()}`);
      },
    );
    // The storefront's development origin, which realtime allows by default.
    client = new LiveClient(`ws://127.0.0.1:${realtimePort}/ws`, 'http://localhost:3000', ['catalog']);
    await client.connect();
    await waitUntil(() => client.events.length > 0, { what: 'a first demo traffic event', timeoutMs: 30_000, intervalMs: 100 });
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await Promise.all(watches.map((watch) => watch.stop()));
    await Promise.all([...dev.values()].map((task) => task.stop()));
    await database?.drop();
    if (services) await clearRedisPrefix(services.redisUrl, redisPrefix);
    await services?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('keeps answering and streaming while `pnpm build` and a package test run rebuild every package dist/', async () => {
    const api = new HealthWatch(`${apiUrl}/health`);
    const realtime = new HealthWatch(`${realtimeUrl}/health`);
    watches.push(api, realtime);
    const started = Date.now();

    // --force: every build runs for real, as after an edit, instead of coming back from turbo's cache. The
    // storefront's production build is left out with its dev server: it writes only its own .next/, which no
    // watcher here reads, and takes minutes of the two cores.
    await runCommand('pnpm', ['build', '--force', '--filter=!@livecart/web', '--output-logs=errors-only'], { cwd: repo, env, logFile });
    // `turbo run test` rebuilds (or restores from turbo's cache) the package's dist/ before its tests.
    await runCommand('pnpm', ['exec', 'turbo', 'run', 'test', '--filter=@livecart/config', '--output-logs=errors-only'], { cwd: repo, env, logFile });
    const finished = Date.now();

    expect(api.longestSilence(started, finished), `api /health\n${tails()}`).toBeLessThanOrEqual(MAX_SILENCE_MS);
    expect(realtime.longestSilence(started, finished), `realtime /health\n${tails()}`).toBeLessThanOrEqual(MAX_SILENCE_MS);
    const built = client.events.length;
    await waitUntil(() => client.events.length > built, { what: 'an event after the build', timeoutMs: 15_000, intervalMs: 100 });
    expect(client.resets).toEqual([]);
  }, 360_000);

  it('brings a watcher that died of an import error back once the module is there again', async () => {
    const module = join(repo, 'packages/schemas/src/topics.ts');
    const aside = join(workDir, 'topics.ts');
    const apps = [dev.get('@livecart/api')!, dev.get('@livecart/realtime')!];
    const seen = apps.map((app) => app.output().length);
    const died = () => apps.every((app, i) => app.output().slice(seen[i]).includes('ERR_MODULE_NOT_FOUND'));

    renameSync(module, aside);
    try {
      await waitUntil(died, { what: 'both watchers to fail on the missing module', timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      if (existsSync(aside)) renameSync(aside, module);
    }
    await waitUntil(async () => (await answersOk(`${apiUrl}/health`)) && (await answersOk(`${realtimeUrl}/health`)), { what: 'api and realtime back', timeoutMs: 60_000, intervalMs: 100 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${tails()}`);
      },
    );
    const back = client.events.length;
    await waitUntil(() => client.events.length > back, { what: 'events after the restart', timeoutMs: 20_000, intervalMs: 100 });
  }, 120_000);
});
