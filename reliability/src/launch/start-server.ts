import { startInstance, type Instance } from '@livecart/infra/instance';
import type { OutputLog } from './output-log.js';

export const HOST = '127.0.0.1';

/** A built server process listening on HOST. */
export interface RunningServer {
  name: string;
  url: string;
  port: number;
  instance: Instance;
  /** SIGTERM, wait for the exit, then remove what the launch created. */
  stop(): Promise<void>;
}

export interface ServerLaunch {
  name: string;
  cwd: string;
  entry: string;
  port: number;
  /** Polled until 2xx. */
  readyPath: string;
  /** The app's variables; NODE_ENV=production and HOST/PORT are set here. */
  env: Record<string, string>;
  log?: OutputLog;
  /** Runs after the process is gone (or failed to start). */
  cleanup?: () => Promise<void>;
}

/**
 * Only what a Node process needs from the test runner's environment: vitest sets NODE_ENV=test and a
 * developer's shell may hold ADMIN_TOKEN or LOG_LEVEL, none of which may leak into the servers.
 */
function baseEnvironment(): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

export async function startServer(launch: ServerLaunch): Promise<RunningServer> {
  const url = `http://${HOST}:${launch.port}`;
  let instance: Instance;
  try {
    instance = await startInstance({
      name: launch.name,
      command: process.execPath,
      args: [launch.entry],
      cwd: launch.cwd,
      env: { ...baseEnvironment(), NODE_ENV: 'production', HOST, PORT: String(launch.port), ...launch.env },
      readyUrl: `${url}${launch.readyPath}`,
      readyTimeoutMs: 60_000,
      ...(launch.log === undefined ? {} : { onLine: launch.log.record }),
    });
  } catch (error) {
    await launch.cleanup?.();
    throw error;
  }
  return {
    name: launch.name,
    url,
    port: launch.port,
    instance,
    async stop() {
      await instance.stop();
      await launch.cleanup?.();
    },
  };
}
