import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_DATABASE, describeDatabase, ensureDatabase } from './dev-database.js';
import { MissingServicesError, ServiceUnreachableError } from './errors.js';
import { logToStderr, type Log } from './log.js';
import { describeError, maskUrl } from './mask-url.js';
import { findFreePort } from './ports.js';
import { answers } from './probe.js';
import { findRepoRoot } from './repo-root.js';
import { isRunningAsRoot } from './run-command.js';
import { POSTGRES, REDIS, type ServiceKind } from './services.js';
import { acquireSharedServer } from './shared-server.js';

export type ServiceSource = 'env' | 'localhost' | 'local-binary';

export interface Services {
  /**
   * Dev mode: the database for development data, `livecart_dev` on the found or started server (created
   * when missing), or DATABASE_URL as given. Test mode: an admin-capable database to CREATE DATABASE
   * from, e.g. postgres://postgres@127.0.0.1:5432/postgres.
   */
  databaseUrl: string;
  redisUrl: string;
  sources: { postgres: ServiceSource; redis: ServiceSource };
  /** Stops only what this call started (in dev mode, only once no other process uses it); idempotent. */
  stop(): Promise<void>;
}

export interface EnsureServicesOptions {
  mode?: 'dev' | 'test';
  /** DATABASE_URL, REDIS_URL, LIVECART_* flags, PATH and TMPDIR are read from here; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines; by default written to stderr with a `[services]` prefix. */
  log?: Log;
}

export interface ResolveOptions extends EnsureServicesOptions {
  /** false: report what is reachable, start nothing (`livecart-services env`). */
  startLocal: boolean;
}

// An explicitly configured server may be remote; give it longer than the localhost probes.
const ENV_URL_TIMEOUT_MS = 3000;

interface Found {
  kind: ServiceKind;
  source: ServiceSource;
  url: string;
}

interface Needed {
  kind: ServiceKind;
  reason: string;
}

type Resolved = Found | Needed;

interface Started {
  urls: Found[];
  stop(): Promise<void>;
}

/** After stopping everything it could: one server that fails to stop must not leave the others running. */
function throwFirstFailure(results: readonly PromiseSettledResult<unknown>[]): void {
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

async function findRunning(kind: ServiceKind, env: NodeJS.ProcessEnv, log: Log): Promise<Resolved> {
  if (env.LIVECART_FORCE_LOCAL === '1') return { kind, reason: 'LIVECART_FORCE_LOCAL=1' };

  const configured = env[kind.envVar];
  if (configured !== undefined && configured !== '') {
    try {
      await kind.probe(configured, ENV_URL_TIMEOUT_MS);
    } catch (error) {
      throw new ServiceUnreachableError(
        `${kind.label}: ${kind.envVar}=${maskUrl(configured)} does not answer (${describeError(error)}). ` +
          `Start that server, or unset ${kind.envVar} to use 127.0.0.1:${kind.defaultPort} or a project-local server.`,
      );
    }
    log(`${kind.label}: using ${kind.envVar} (${maskUrl(configured)})`);
    return { kind, source: 'env', url: configured };
  }

  const onLocalhost = await kind.findOnLocalhost();
  if ('url' in onLocalhost) {
    log(`${kind.label}: found a server on 127.0.0.1:${kind.defaultPort}`);
    return { kind, source: 'localhost', url: onLocalhost.url };
  }
  return { kind, reason: `none on 127.0.0.1:${kind.defaultPort} (${onLocalhost.reason})` };
}

async function findProjectLocal({ kind, reason }: Needed): Promise<Found> {
  const url = kind.localUrl(kind.devPort);
  if (await answers(() => kind.probe(url, 1000))) return { kind, source: 'local-binary', url };
  throw new ServiceUnreachableError(
    `${kind.label}: ${reason}, and no project-local server on 127.0.0.1:${kind.devPort}. Start one with \`livecart-services up\`.`,
  );
}

async function startForTests(needed: Needed[], env: NodeJS.ProcessEnv, log: Log): Promise<Started> {
  const root = await mkdtemp(join(env.TMPDIR ?? tmpdir(), 'livecart-services-'));
  // mkdtemp makes it 0700; as root, Postgres runs as the postgres user, which must be able to enter it.
  if (isRunningAsRoot()) await chmod(root, 0o755);

  const results = await Promise.allSettled(
    needed.map(async ({ kind, reason }) => {
      const port = await findFreePort();
      const dataDir = join(root, kind.key);
      log(`${kind.label}: ${reason}, starting a throwaway server on 127.0.0.1:${port} (data in ${dataDir})…`);
      const server = await kind.start({ dataDir, port, log, env });
      return { kind, server };
    }),
  );
  const servers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    const stopped = await Promise.allSettled(servers.map(({ server }) => server.stop()));
    await rm(root, { recursive: true, force: true });
    throwFirstFailure(stopped);
  };
  if (results.some((result) => result.status === 'rejected')) {
    await stop();
    throwFirstFailure(results);
  }
  return { urls: servers.map(({ kind, server }) => ({ kind, source: 'local-binary', url: server.url })), stop };
}

async function startForDev(needed: Needed[], env: NodeJS.ProcessEnv, log: Log): Promise<Started> {
  const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  const stateDir = join(repoRoot, '.livecart');
  await mkdir(stateDir, { recursive: true });
  if (isRunningAsRoot()) await chmod(stateDir, 0o755);

  const handles: { release(): Promise<void> }[] = [];
  const stop = async () => {
    throwFirstFailure(await Promise.allSettled(handles.map((handle) => handle.release())));
  };
  const urls: Found[] = [];
  try {
    // One after the other: both take the same lock anyway.
    for (const { kind, reason } of needed) {
      const dataDir = join(stateDir, kind.key);
      const port = kind.devPort;
      const url = kind.localUrl(port);
      handles.push(
        await acquireSharedServer({
          label: kind.label,
          stateDir,
          key: kind.key,
          log,
          isUp: () => answers(() => kind.probe(url, 1000)),
          start: () => {
            log(
              `${kind.label}: ${reason}, starting a project-local server on 127.0.0.1:${port} (data in ${relative(repoRoot, dataDir)})…`,
            );
            return kind.start({ dataDir, port, log, env });
          },
          stop: () => kind.stop({ dataDir, port, env }),
        }),
      );
      urls.push({ kind, source: 'local-binary', url });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, stop };
}

/** Dev data goes to a database of its own, never next to what the user keeps in `postgres`. */
async function developmentDatabase(postgres: Found, log: Log): Promise<string> {
  if (postgres.source === 'env') {
    log(`Postgres: development data in ${describeDatabase(postgres.url)} (DATABASE_URL)`);
    return postgres.url;
  }
  const { url, created } = await ensureDatabase({ serverUrl: postgres.url, name: DEV_DATABASE });
  log(`Postgres: development data in ${describeDatabase(url)}${created ? ' (just created)' : ''}`);
  return url;
}

export async function resolveServices(options: ResolveOptions): Promise<Services> {
  const env = options.env ?? process.env;
  const log = options.log ?? logToStderr;
  const resolved = await Promise.all([POSTGRES, REDIS].map((kind) => findRunning(kind, env, log)));
  const found = resolved.filter((entry): entry is Found => 'url' in entry);
  const needed = resolved.filter((entry): entry is Needed => 'reason' in entry);

  let started: Started = { urls: [], stop: async () => {} };
  if (!options.startLocal) {
    found.push(...(await Promise.all(needed.map(findProjectLocal))));
  } else if (needed.length > 0) {
    const available = await Promise.all(needed.map(({ kind }) => kind.hasBinaries(env)));
    const missing = needed.filter((_, index) => !available[index]).map(({ kind }) => kind.key);
    if (missing.length > 0) throw new MissingServicesError(missing);
    started = await (options.mode === 'test' ? startForTests : startForDev)(needed, env, log);
    found.push(...started.urls);
  }

  const pick = (kind: ServiceKind) => {
    const entry = found.find((candidate) => candidate.kind === kind);
    if (entry === undefined) throw new Error(`${kind.label} was neither found nor started`);
    return entry;
  };
  const postgres = pick(POSTGRES);
  const redis = pick(REDIS);
  let databaseUrl = postgres.url;
  if (options.mode !== 'test') {
    try {
      databaseUrl = await developmentDatabase(postgres, log);
    } catch (error) {
      await started.stop();
      throw error;
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    databaseUrl,
    redisUrl: redis.url,
    sources: { postgres: postgres.source, redis: redis.source },
    stop: () => (stopping ??= started.stop()),
  };
}

/**
 * Postgres and Redis for `pnpm dev` / `pnpm test`: DATABASE_URL/REDIS_URL, else 127.0.0.1:5432/6379,
 * else project-local servers started from the installed binaries (shared in dev mode, throwaway in test mode).
 */
export function ensureServices(options: EnsureServicesOptions = {}): Promise<Services> {
  return resolveServices({ ...options, startLocal: true });
}
