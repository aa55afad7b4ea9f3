import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, PRIORITY, profileArgs, stopChild, track, TSX_IMPORT, waitForHttp } from './processes.js';

export type ServerKind = 'ours' | 'ours-per-tick' | 'bare' | 'bare-topic' | 'naive';

export const SERVER_LABELS: Record<ServerKind, string> = {
  ours: 'livecart realtime',
  'ours-per-tick': 'livecart realtime, WS_ADAPTIVE_FLUSH=false (a flush every event-loop turn)',
  bare: 'bare ws send loop',
  'bare-topic': 'bare ws with a topic index: one send() per event per subscriber, no batching',
  naive: 'naive broadcaster',
};

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPTS: Record<ServerKind, string[]> = {
  ours: [`${REPO}apps/realtime/dist/server.js`],
  'ours-per-tick': [`${REPO}apps/realtime/dist/server.js`],
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
  const port = await freePort();
  const child = track(
    spawn('nice', ['-n', String(PRIORITY.server), 'taskset', '-c', options.cpus, process.execPath, ...profileArgs(`server-${kind}-${port}`), ...SCRIPTS[kind]], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: options.redisUrl,
        REDIS_PREFIX: options.prefix,
        INSTANCE_ID: `bench-${kind}`,
        WS_ALLOW_NO_ORIGIN: 'true',
        WS_MAX_CONNECTIONS: '19000',
        ...(kind === 'ours-per-tick' ? { WS_ADAPTIVE_FLUSH: 'false' } : {}),
        ...options.env,
      },
    }),
    `${kind} server`,
  );
  await waitForHttp(`http://127.0.0.1:${port}/ready`);
  // nice and taskset exec, so the pid is the server's own.
  return { kind, pid: child.pid!, wsUrl: `ws://127.0.0.1:${port}/ws`, httpUrl: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
