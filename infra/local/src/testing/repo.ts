import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { findRepoRoot } from '../repo-root.js';

/** The checkout's root folder, wherever the caller runs from; ends with a separator, so `${repoRoot}apps/api` works. */
export const repoRoot = `${findRepoRoot(import.meta.dirname)}${sep}`;

export const APPS = ['api', 'realtime', 'web'] as const;
export type AppName = (typeof APPS)[number];

/** `apps/<app>` in this checkout. */
export function appDir(app: AppName): string {
  return join(repoRoot, 'apps', app);
}

/** What `pnpm build` leaves behind for each app the suites start, relative to the repository root. */
export const BUILD_OUTPUTS: Readonly<Record<AppName, readonly string[]>> = {
  api: ['apps/api/dist/server.js', 'apps/api/dist/db/migrate-cli.js', 'apps/api/dist/db/seed-cli.js', 'apps/api/dist/staff/create-key-cli.js', 'apps/api/dist/staff/create-user-cli.js'],
  realtime: ['apps/realtime/dist/server.js'],
  web: ['apps/web/.next/standalone/apps/web/server.js'],
};

/** The build outputs of `apps` that are not there (empty when every one is built). */
export function missingBuilds(apps: readonly AppName[]): string[] {
  return apps.flatMap((app) => BUILD_OUTPUTS[app]).filter((path) => !existsSync(join(repoRoot, path)));
}

/** What to tell someone whose suite cannot run for want of builds; undefined when nothing is missing. */
export function missingBuildsMessage(apps: readonly AppName[]): string | undefined {
  const missing = missingBuilds(apps);
  return missing.length === 0 ? undefined : `build the apps first (pnpm build); missing ${missing.join(', ')}`;
}

/** Throws, saying what to build, when a build output of `apps` is missing. */
export function requireBuilds(apps: readonly AppName[]): void {
  const message = missingBuildsMessage(apps);
  if (message !== undefined) throw new Error(message);
}

/**
 * True, after saying so on the console, when a build output `suite` needs is missing, so that the
 * suite is skipped with a reason instead of failing on a missing file.
 */
export function skipWithoutBuilds(suite: string, apps: readonly AppName[]): boolean {
  const message = missingBuildsMessage(apps);
  if (message === undefined) return false;
  console.log(`[${suite}] skipped: ${message}`);
  return true;
}
