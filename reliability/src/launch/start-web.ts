import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputLog } from './output-log.js';
import { repoRoot } from './paths.js';
import { HOST, startServer, type RunningServer } from './start-server.js';

export const WEB_BUILD_DIR = join(repoRoot, 'apps/web/.next');

export interface WebLaunchOptions {
  /** Taken by the caller beforehand: the api's CORS and realtime's Origin allow-list name this origin. */
  port: number;
  apiUrl: string;
  /** NEXT_PUBLIC_REALTIME_URL. */
  realtimeSocketUrl: string;
  adminToken?: string;
  log?: OutputLog;
}

/**
 * The standalone server plus its static assets, copied as the web image assembles them: the page
 * cache it writes at run time lands in the copy, never in the shared build.
 */
async function assembleStandalone(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'livecart-reliability-web-'));
  try {
    await cp(join(WEB_BUILD_DIR, 'standalone'), dir, { recursive: true, verbatimSymlinks: true });
    await cp(join(WEB_BUILD_DIR, 'static'), join(dir, 'apps/web/.next/static'), { recursive: true });
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The production storefront (standalone build); ready once `/` renders. */
export async function startWeb(options: WebLaunchOptions): Promise<RunningServer> {
  const dir = await assembleStandalone();
  const origin = `http://${HOST}:${options.port}`;
  return startServer({
    name: 'web',
    cwd: dir,
    entry: 'apps/web/server.js',
    port: options.port,
    readyPath: '/',
    env: {
      HOSTNAME: HOST,
      NEXT_TELEMETRY_DISABLED: '1',
      API_URL: options.apiUrl,
      NEXT_PUBLIC_REALTIME_URL: options.realtimeSocketUrl,
      REALTIME_SERVER_ORIGIN: origin,
      ...(options.adminToken === undefined ? {} : { ADMIN_TOKEN: options.adminToken }),
    },
    ...(options.log === undefined ? {} : { log: options.log }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  });
}
