import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../ports.js';
import { processBaseEnv } from './process-env.js';
import { appDir, type AppName } from './repo.js';
import { startProcess, type Pinning, type RunningProcess } from './start-process.js';

export const HOST = '127.0.0.1';

export interface BuiltAppOptions {
  /** Prefixes its output and names it in errors; default the app's name. */
  name?: string;
  /**
   * The app's settings, over processBaseEnv() (NODE_ENV=production, LOG_LEVEL=warn), for the api the
   * secrets of the run (SESSION_SECRET, ORDER_LINK_KEYS, PAYMENT_WEBHOOK_SECRET), and for the api and
   * realtime REALTIME_TOKEN_KEYS of the run (`REALTIME_TOKEN_KEYS_OF_RUN`); HOST and PORT are set here.
   */
  env?: Record<string, string>;
  /** Default: a free port. A fixed one keeps a restarted app where a balancer or client expects it. */
  port?: number;
  /** Flags for node itself, e.g. `--inspect=127.0.0.1:0` or `--cpu-prof`. */
  nodeArgs?: readonly string[];
  pin?: Pinning;
  logFile?: string;
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
  /** How often readiness is asked; a cold-start measurement asks often. */
  readyIntervalMs?: number;
  /** web: the Next.js build folder under apps/web (NEXT_DIST_DIR), `.next` by default. */
  webDistDir?: string;
}

/** A production build running as its own process, ready (its /ready, or the web's `/`, answered 2xx). */
export interface BuiltApp {
  readonly app: AppName;
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The current process's id and group; a restart changes it. */
  readonly pid: number;
  readonly exited: Promise<number | string>;
  recentOutput(): string[];
  /** SIGTERM (or `signal`), SIGKILL after `timeoutMs`; resolves with the exit code or signal name. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  /** Starts it again on the same port with the same environment, once the previous process is gone. */
  restart(): Promise<void>;
}

interface Launch {
  cwd: string;
  entry: string;
  readyPath: string;
  env: Record<string, string>;
  /** Removes what the launch assembled, once the app is stopped for good. */
  dispose(): Promise<void>;
}

/**
 * The web's standalone server plus its static assets, copied as the web image assembles them: the
 * page cache it writes at run time lands in the copy, never in the shared build.
 */
async function webLaunch(distDir: string): Promise<Launch> {
  const build = join(appDir('web'), distDir);
  const dir = await mkdtemp(join(tmpdir(), 'livecart-web-'));
  try {
    await cp(join(build, 'standalone'), dir, { recursive: true, verbatimSymlinks: true });
    await cp(join(build, 'static'), join(dir, 'apps/web', distDir, 'static'), { recursive: true });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    cwd: dir,
    entry: 'apps/web/server.js',
    readyPath: '/',
    // Next's standalone server binds to HOSTNAME, not HOST.
    env: { HOSTNAME: HOST, NEXT_TELEMETRY_DISABLED: '1' },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The api refuses to start in production without its secrets: the session secret, the order-link keys, the
 * payment webhook secret and the keys that seal webhook endpoints' secrets. One of each per test run, shared by every api it starts, so a session begun
 * (or an order link minted) on one instance of a stack is valid on the others.
 */
const API_SECRETS = {
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  ORDER_LINK_KEYS: `run:${randomBytes(32).toString('base64url')}`,
  PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  WEBHOOK_SECRET_KEYS: `run:${randomBytes(32).toString('base64')}`,
};

/**
 * Both the api and realtime refuse to start in production without a realtime token key ring, and must share
 * it (the api signs, realtime verifies): one ring per test run, given to every api and realtime started.
 */
export const REALTIME_TOKEN_KEYS_OF_RUN = `run:${randomBytes(32).toString('base64')}`;

async function launchOf(app: AppName, options: BuiltAppOptions): Promise<Launch> {
  if (app === 'web') return webLaunch(options.webDistDir ?? '.next');
  const env: Record<string, string> = app === 'api' ? { ...API_SECRETS, REALTIME_TOKEN_KEYS: REALTIME_TOKEN_KEYS_OF_RUN } : { REALTIME_TOKEN_KEYS: REALTIME_TOKEN_KEYS_OF_RUN };
  return { cwd: appDir(app), entry: 'dist/server.js', readyPath: '/ready', env, dispose: async () => {} };
}

/** Starts the production build of `app` (`pnpm build`'s output) and resolves once it is ready. */
export async function startBuiltApp(app: AppName, options: BuiltAppOptions = {}): Promise<BuiltApp> {
  const port = options.port ?? (await findFreePort());
  const url = `http://${HOST}:${port}`;
  const name = options.name ?? app;
  /** The process, and its exit once what was assembled for it is removed too. */
  const start = async (): Promise<{ process: RunningProcess; done: Promise<number | string> }> => {
    const launch = await launchOf(app, options);
    try {
      const running = await startProcess({
        name,
        command: process.execPath,
        args: [...(options.nodeArgs ?? []), launch.entry],
        cwd: launch.cwd,
        env: { ...processBaseEnv(), ...launch.env, ...options.env, HOST, PORT: String(port) },
        readyUrl: `${url}${launch.readyPath}`,
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
        ...(options.readyIntervalMs === undefined ? {} : { readyIntervalMs: options.readyIntervalMs }),
        ...(options.pin === undefined ? {} : { pin: options.pin }),
        ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
        ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
      });
      // Whatever ends the process (stop, a crash, a kill by a test) also removes what was assembled for it.
      const done = running.exited.then(async (outcome) => {
        await launch.dispose();
        return outcome;
      });
      return { process: running, done };
    } catch (error) {
      await launch.dispose();
      throw error;
    }
  };

  let current = await start();
  return {
    app,
    name,
    port,
    url,
    get pid() {
      return current.process.pid;
    },
    get exited() {
      return current.done;
    },
    recentOutput: () => current.process.recentOutput(),
    async stop(signal, timeoutMs) {
      await current.process.stop(signal, timeoutMs);
      return current.done;
    },
    async restart() {
      await current.process.stop();
      await current.done;
      current = await start();
    },
  };
}
