import { join } from 'node:path';
import { appDir, HOST, startBuiltApp, type BuiltApp } from '@livecart/local-services/testing';
import type { OutputLog } from './output-log.js';

export const WEB_BUILD_DIR = join(appDir('web'), '.next');

export interface WebLaunchOptions {
  /** Taken by the caller beforehand: the api's CORS and realtime's Origin allow-list name this origin. */
  port: number;
  apiUrl: string;
  /** NEXT_PUBLIC_REALTIME_URL. */
  realtimeSocketUrl: string;
  log?: OutputLog;
}

/** The production storefront (standalone build); ready once `/` renders. */
export function startWeb(options: WebLaunchOptions): Promise<BuiltApp> {
  return startBuiltApp('web', {
    port: options.port,
    env: {
      API_URL: options.apiUrl,
      NEXT_PUBLIC_REALTIME_URL: options.realtimeSocketUrl,
      REALTIME_SERVER_ORIGIN: `http://${HOST}:${options.port}`,
    },
    ...(options.log === undefined ? {} : { onLine: options.log.record }),
  });
}
