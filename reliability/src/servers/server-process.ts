import { join } from 'node:path';
import { startInstance, type Instance } from '@livecart/infra/instance';
import { APP_DIRS, type AppName } from './builds.js';

export const HOST = '127.0.0.1';

export interface ServerProcessOptions {
  app: AppName;
  port: number;
  /** The whole environment of the process: nothing of the test runner's is inherited. */
  env: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  onLine?: (line: string) => void;
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
  const launch = () =>
    startInstance({
      name: options.app,
      command: process.execPath,
      args: [join(APP_DIRS[options.app], 'dist/server.js')],
      cwd: APP_DIRS[options.app],
      env: { ...options.env, HOST, PORT: String(options.port) },
      readyUrl: `${url}/ready`,
      readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
      ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
    });

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
    recentOutput: () => instance.recentOutput(),
    stop: (signal, timeoutMs) => instance.stop(signal, timeoutMs),
    async restart() {
      await instance.stop();
      instance = await launch();
    },
  };
}
