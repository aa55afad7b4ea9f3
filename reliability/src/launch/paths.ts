import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** What `pnpm build` leaves behind for each app the suites start. */
export const BUILD_OUTPUTS = {
  api: 'apps/api/dist/server.js',
  realtime: 'apps/realtime/dist/server.js',
  web: 'apps/web/.next/standalone/apps/web/server.js',
} as const;

export type BuiltApp = keyof typeof BUILD_OUTPUTS;

/**
 * True (after saying so on the console) when a build output a suite needs is missing, so the suite
 * can be skipped with a reason instead of failing on a missing file.
 */
export function buildsMissing(suite: string, apps: readonly BuiltApp[]): boolean {
  const missing = apps.map((app) => BUILD_OUTPUTS[app]).filter((path) => !existsSync(join(repoRoot, path)));
  if (missing.length === 0) return false;
  console.log(`[${suite}] skipped: build the apps first (pnpm build); missing ${missing.join(', ')}`);
  return true;
}
