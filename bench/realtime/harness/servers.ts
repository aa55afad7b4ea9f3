import { fileURLToPath } from 'node:url';
import { findFreePort } from '@livecart/local-services';
import { processBaseEnv, repoRoot, startBuiltApp, startProcess } from '@livecart/local-services/testing';
import { niceness, onCleanup, profileArgs, TSX_IMPORT } from './processes.js';

export type ServerKind = 'ours' | 'ours-per-tick' | 'bare' | 'bare-topic' | 'naive';

export const SERVER_LABELS: Record<ServerKind, string> = {
  ours: 'livecart realtime',
  'ours-per-tick': 'livecart realtime, WS_ADAPTIVE_FLUSH=false (a flush every event-loop turn)',
  bare: 'bare ws send loop',
  'bare-topic': 'bare ws with a topic index: one send() per event per subscriber, no batching',
  naive: 'naive broadcaster',
};

/** The baselines' scripts; `ours` is the realtime's production build. */
const BASELINES: Record<Exclude<ServerKind, 'ours' | 'ours-per-tick'>, string[]> = {
  bare: [...TSX_IMPORT, fileURLToPath(new URL('../servers/bare-ws.ts', import.meta.url))],
  'bare-topic': [...TSX_IMPORT, fileURLToPath(new URL('../servers/bare-topic.ts', import.meta.url))],
  naive: [...TSX_IMPORT, fileURLToPath(new URL('../servers/naive-broadcaster.ts', import.meta.url))],
};

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  wsUrl: string;
  httpUrl: string;
  stop(): Promise<void>;
}

/** Starts a server of `kind` pinned to `cpus`, and waits until it is subscribed to Redis. */
export async function startServer(kind: ServerKind, options: { redisUrl: string; prefix: string; cpus: string; env?: Record<string, string> }): Promise<RunningServer> {
  const port = await findFreePort();
  const nice = niceness('server');
  const pin = nice === undefined ? { cpus: options.cpus } : { cpus: options.cpus, nice };
  const env = {
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.prefix,
    INSTANCE_ID: `bench-${kind}`,
    WS_ALLOW_NO_ORIGIN: 'true',
    WS_MAX_CONNECTIONS: '19000',
    ...(kind === 'ours-per-tick' ? { WS_ADAPTIVE_FLUSH: 'false' } : {}),
    ...options.env,
  };
  const nodeArgs = profileArgs(`server-${kind}-${port}`);
  const httpUrl = `http://127.0.0.1:${port}`;
  const server =
    kind === 'ours' || kind === 'ours-per-tick'
      ? await startBuiltApp('realtime', { name: `${kind} server`, port, pin, nodeArgs, env, onLine: printWarnings })
      : await startProcess({
          name: `${kind} server`,
          command: process.execPath,
          args: [...nodeArgs, ...BASELINES[kind]],
          cwd: repoRoot,
          env: { ...processBaseEnv(), ...env, HOST: '127.0.0.1', PORT: String(port) },
          readyUrl: `${httpUrl}/ready`,
          pin,
          onLine: printWarnings,
        });
  const stop = async () => {
    await server.stop('SIGTERM', 5_000);
  };
  onCleanup(`${kind} server`, stop);
  return { kind, pid: server.pid, wsUrl: `ws://127.0.0.1:${port}/ws`, httpUrl, stop };
}

/** The servers log at warn: what they print is worth seeing beside the run's progress. */
function printWarnings(line: string): void {
  console.error(line);
}
