import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer } from './binaries.js';
import { MissingServicesError } from './errors.js';
import { tailOf } from './fs-utils.js';
import { logToStderr } from './log.js';
import type { LocalServer, LocalServerOptions } from './postgres.js';
import { assertPortFree, isPortOpen } from './ports.js';
import { answers, probeRedis } from './probe.js';
import { runCommand } from './run-command.js';
import { waitUntil } from './wait.js';

export function localRedisUrl(port: number): string {
  return `redis://127.0.0.1:${port}`;
}

/** Shuts down the Redis on 127.0.0.1:`port` without saving, and waits until the port is closed. */
export async function stopLocalRedis(options: { port: number }): Promise<void> {
  const client = new Redis(localRedisUrl(options.port), {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    return;
  }
  // The server closes the connection instead of replying, so the command itself always fails.
  await client.shutdown('NOSAVE').catch(() => {});
  client.disconnect();
  await waitUntil(async () => !(await isPortOpen(options.port)), {
    what: `Redis on 127.0.0.1:${options.port} to stop after SHUTDOWN NOSAVE`,
    intervalMs: 100,
  });
}

/**
 * Starts a throwaway redis-server (no RDB, no AOF) on 127.0.0.1:`port`, its pid file and log in `dataDir`.
 */
export async function startLocalRedis(options: LocalServerOptions): Promise<LocalServer> {
  const log = options.log ?? logToStderr;
  const dataDir = resolve(options.dataDir);
  const redisServer = await findRedisServer(options.env ?? process.env);
  if (redisServer === undefined) throw new MissingServicesError(['redis']);
  await assertPortFree(options.port, 'Redis');

  await mkdir(dataDir, { recursive: true });
  const logFile = join(dataDir, 'redis.log');
  const url = localRedisUrl(options.port);
  // redis-server --daemonize returns before the server listens, and a bind failure only shows in its log.
  await runCommand(
    redisServer,
    [
      '--port', String(options.port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--daemonize', 'yes',
      '--dir', dataDir,
      '--pidfile', join(dataDir, 'redis.pid'),
      '--logfile', logFile,
    ],
    { detached: true },
  );
  const up = await waitUntil(() => answers(() => probeRedis(url, 1000)), { what: 'Redis to answer', intervalMs: 100 }).catch(() => false);
  if (!up) {
    await stopLocalRedis({ port: options.port });
    throw new Error(`Redis did not start on 127.0.0.1:${options.port}\n--- ${logFile} ---\n${await tailOf(logFile)}`);
  }
  log(`Redis: started on 127.0.0.1:${options.port}`);
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => (stopping ??= stopLocalRedis({ port: options.port })),
  };
}
