import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '@livecart/local-services/testing';

export type TokenVerdict = 'ok' | 'missing' | 'wrong';
export type TokenCheck = (authorization: string | undefined) => TokenVerdict;

/** Where apps/api compares bearer tokens, and the plugin that guards every write with it. */
export const TOKEN_CHECK_BUILD = join(repoRoot, 'apps/api/dist/http/bearer-token.js');
export const AUTH_PLUGIN_SOURCE = join(repoRoot, 'apps/api/src/plugins/auth.ts');

/**
 * The api's own comparison, from its build (the code the server runs). The api package exports no
 * modules, so it is loaded by path, as the suites start `dist/server.js` by path.
 */
export async function loadApiTokenCheck(): Promise<(expected: string) => TokenCheck> {
  const module = (await import(pathToFileURL(TOKEN_CHECK_BUILD).href)) as { createTokenCheck?: unknown };
  if (typeof module.createTokenCheck !== 'function') throw new Error(`${TOKEN_CHECK_BUILD} no longer exports createTokenCheck`);
  return module.createTokenCheck as (expected: string) => TokenCheck;
}

export const readAuthPluginSource = (): Promise<string> => readFile(AUTH_PLUGIN_SOURCE, 'utf8');
