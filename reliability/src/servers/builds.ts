import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const APP_DIRS = {
  api: join(repoRoot, 'apps/api'),
  realtime: join(repoRoot, 'apps/realtime'),
} as const;

export type AppName = keyof typeof APP_DIRS;

/** The built entry points a test needs, relative to the repository root. */
const ENTRY_POINTS: Record<AppName, readonly string[]> = {
  api: ['apps/api/dist/server.js', 'apps/api/dist/db/migrate-cli.js'],
  realtime: ['apps/realtime/dist/server.js'],
};

/** The build outputs of `apps` that are not there yet (empty when every app is built). */
export function missingBuilds(apps: readonly AppName[] = ['api', 'realtime']): string[] {
  return apps.flatMap((app) => ENTRY_POINTS[app]).filter((path) => !existsSync(join(repoRoot, path)));
}
