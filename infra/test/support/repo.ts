import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APPS, repoRoot, type AppName } from '@livecart/local-services/testing';

export const infraRoot = fileURLToPath(new URL('../../', import.meta.url));

export { APPS, repoRoot, type AppName };

/** Read by the framework rather than by src/env.ts: Next's standalone server binds to HOSTNAME:PORT. */
const FRAMEWORK_ENV: Record<AppName, readonly string[]> = { api: [], realtime: [], web: ['HOSTNAME'] };

/** Variable names as they appear as keys in an env schema file (`  NAME: z…` / `NAME: envInt(…)`). */
function schemaKeys(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!);
}

/**
 * Every variable an app may read: its own src/env.ts plus the shared blocks of @livecart/config (a
 * superset: an app need not use every shared block). Manifests that set anything else carry a typo.
 */
export function appEnvNames(app: AppName): Set<string> {
  return new Set([
    ...schemaKeys(`${repoRoot}apps/${app}/src/env.ts`),
    ...schemaKeys(`${repoRoot}packages/config/src/env.ts`),
    ...FRAMEWORK_ENV[app],
  ]);
}

/** Names that must never carry a literal value in a manifest or image. */
export const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|API_KEY/i;
