import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureServices, findFreePort, type Services } from '@livecart/local-services';
import { clearRedisPrefix, createTestDatabase, REALTIME_TOKEN_KEYS_OF_RUN as REALTIME_TOKEN_KEYS, startProcess, testRedisPrefix, type TestDatabase } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildWithoutEngine, type BuiltImage } from './support/build-without-engine.js';
import { migrateCommand } from './support/compose.js';
import { asImageUser, imageEnv, isRoot, uidOf } from './support/image-process.js';
import { runCommand } from './support/run-command.js';
import { infraRoot, repoRoot, type AppName } from './support/repo.js';

/**
 * Each image's Dockerfile, executed without a container engine (see support/build-without-engine.ts):
 * prune, frozen install from the pruned manifests, build, production-only deploy, then the final stage's
 * folder started as the image's non-root user with only the image's ENV plus injected settings, answering
 * its readiness URL and its own HEALTHCHECK, and stopping cleanly on the STOPSIGNAL.
 */

if (!isRoot) console.log('[images.test] not root: the apps run as the current user instead of the image USER (setpriv needs root)');

const pnpmStore = dirname(execFileSync('pnpm', ['store', 'path'], { cwd: repoRoot, encoding: 'utf8' }).trim());
const redisPrefix = testRedisPrefix('infra-images');
let services: Services;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  services = await ensureServices({ mode: 'test' });
});

afterAll(async () => {
  if (services === undefined) return;
  await Promise.all(databases.map((database) => database.drop()));
  await clearRedisPrefix(services.redisUrl, redisPrefix);
  await services.stop();
});

/** Runs a one-off command in the image (as `docker run <image> <command>` would), to completion. */
async function runInImage(image: BuiltImage, command: string[], env: Record<string, string>): Promise<void> {
  const argv = asImageUser(image, command);
  await runCommand(argv.command, argv.args, { cwd: image.workdir, env: imageEnv(image, env), logFile: image.logFile });
}

/** What the orchestrator injects per app; databases are created (and migrated by the image) on demand. */
interface AppSettings {
  readyPath: string;
  env: () => Record<string, string>;
  /** Exit code after a graceful stop on SIGTERM. */
  stoppedCode: number;
}

const settings: Record<AppName, AppSettings> = {
  api: {
    readyPath: '/ready',
    env: () => ({ REDIS_URL: services.redisUrl, REDIS_PREFIX: redisPrefix, SESSION_SECRET: randomBytes(32).toString('base64url'), REALTIME_TOKEN_KEYS, ORDER_LINK_KEYS: `image:${randomBytes(32).toString('base64url')}`, PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'), WEBHOOK_SECRET_KEYS: `image:${randomBytes(32).toString('base64')}`, LOG_LEVEL: 'warn' }),
    stoppedCode: 0,
  },
  realtime: {
    readyPath: '/ready',
    env: () => ({ REDIS_URL: services.redisUrl, REDIS_PREFIX: redisPrefix, INSTANCE_ID: 'image-test', REALTIME_TOKEN_KEYS, LOG_LEVEL: 'warn' }),
    stoppedCode: 0,
  },
  web: {
    readyPath: '/',
    // No API behind it: the catalog shell still renders (results show their error state).
    env: () => ({ API_URL: 'http://127.0.0.1:9', NEXT_PUBLIC_REALTIME_URL: 'ws://127.0.0.1:9/ws' }),
    // Next's server closes, then exits with 128 + SIGTERM on purpose so the stop reads as a signal exit.
    stoppedCode: 143,
  },
};

// Concurrent: each build is mostly single-threaded (tsc, next build), so two cores finish three sooner.
describe.concurrent('container images', () => {
  it.for(Object.keys(settings) as AppName[])(
    '%s: builds from its Dockerfile and serves as a non-root user, answering readiness and its HEALTHCHECK',
    async (app, { expect }) => {
      const workDir = await mkdtemp(join(tmpdir(), `livecart-image-${app}-`));
      try {
        await chmod(workDir, 0o755); // the image's user must reach the final stage's folder
        const image = await buildWithoutEngine({
          dockerfile: `${infraRoot}docker/${app}.Dockerfile`,
          context: repoRoot,
          workDir,
          caches: { 'pnpm-store': pnpmStore },
          toolPath: `${repoRoot}node_modules/.bin`,
        });

        const env = settings[app].env();
        if (app === 'api') {
          // The migration job's command (compose and Kubernetes run the same one) against a fresh database.
          const database = await createTestDatabase({
            adminUrl: services.databaseUrl,
            migrate: (url) => runInImage(image, migrateCommand(), { DATABASE_URL: url }),
          });
          databases.push(database);
          env.DATABASE_URL = database.url;
        }
        const port = String(await findFreePort());
        const server = await startProcess({
          name: app,
          ...asImageUser(image, image.cmd),
          cwd: image.workdir,
          env: imageEnv(image, { ...env, PORT: port }),
          readyUrl: `http://127.0.0.1:${port}${settings[app].readyPath}`,
          readyTimeoutMs: 60_000,
        });
        try {
          if (isRoot) expect(await uidOf(server.pid)).toBe(Number(image.user?.split(':')[0]));
          await runInImage(image, image.healthcheck, { PORT: port });
        } finally {
          expect(await server.stop('SIGTERM'), server.recentOutput().join('\n')).toBe(settings[app].stoppedCode);
        }
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
  );
});
