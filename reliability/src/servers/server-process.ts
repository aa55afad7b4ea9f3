import { join } from 'node:path';
import { startInstance, type Instance } from '@livecart/infra/instance';
import { APP_DIRS, type AppName } from './builds.js';
import { inspectorUrlIn } from './settled-memory.js';

export const HOST = '127.0.0.1';

/** Node's inspector on a loopback port the system picks; the process prints its address at startup. */
export const INSPECT_ON_FREE_PORT = `--inspect=${HOST}:0`;

export interface ServerProcessOptions {
  app: AppName;
  port: number;
  /** The whole environment of the process: nothing of the test runner's is inherited. */
  env: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  onLine?: (line: string) => void;
  /** Flags for node itself, e.g. `INSPECT_ON_FREE_PORT` (then see `inspectorUrl`) or V8's `--trace-gc`. */
  nodeArgs?: readonly string[];
}

/** One built server (`apps/<app>/dist/server.js`) running as a child process. */
export interface ServerProcess {
  readonly app: AppName;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The id of the current process; a restart changes it. */
  readonly pid: number;
  /** Resolves with the current process's exit code (or signal name) once it is gone. */
  readonly exited: Promise<number | string>;
  /** The current process's inspector address when started with `INSPECT_ON_FREE_PORT` (see settled-memory.ts). */
  readonly inspectorUrl: string | undefined;
  /** Its last output lines, to quote when something fails. */
  recentOutput(): string[];
  /** SIGTERM (or `signal`), SIGKILL after `timeoutMs`; resolves with the exit code or signal name. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  /** Starts the app again on the same port with the same environment, once the previous process is gone. */
  restart(): Promise<void>;
}

/** Starts `apps/<app>/dist/server.js` and resolves once its `/ready` answers 2xx. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const url = `http://${HOST}:${options.port}`;
  let inspectorUrl: string | undefined;
  const onLine = (line: string) => {
    inspectorUrl = inspectorUrlIn(line) ?? inspectorUrl;
    options.onLine?.(line);
  };
  const launch = () => {
    inspectorUrl = undefined;
    return startInstance({
      name: options.app,
      command: process.execPath,
      args: [...(options.nodeArgs ?? []), join(APP_DIRS[options.app], 'dist/server.js')],
      cwd: APP_DIRS[options.app],
      env: { ...options.env, HOST, PORT: String(options.port) },
      readyUrl: `${url}/ready`,
      readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
      onLine,
    });
  };

  let instance: Instance = await launch();
  return {
    app: options.app,
    port: options.port,
    url,
    get pid() {
      return instance.pid;
    },
    get exited() {
      return instance.exited;
    },
    get inspectorUrl() {
      return inspectorUrl;
    },
    recentOutput: () => instance.recentOutput(),
    stop: (signal, timeoutMs) => instance.stop(signal, timeoutMs),
    async restart() {
      await instance.stop();
      instance = await launch();
    },
  };
}
