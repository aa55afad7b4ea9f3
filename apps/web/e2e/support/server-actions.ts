import { readFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_DIST_DIR, WEB_DIR } from './paths';

export interface ServerAction {
  id: string;
  /** Source file, e.g. `apps/web/src/app/admin/actions.ts`. */
  filename: string;
  exportedName: string;
  /** A page that uses it, as a URL path (`/admin/users`): the action is posted there, as its form does. */
  pagePath: string;
}

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename?: string;
  exportedName?: string;
}

/**
 * The server actions the build registered whose module lies under `dir` (from
 * `<distDir>/server/server-reference-manifest.json`), so a new action is enumerated without naming it.
 * `'use cache'` functions (`$$RSC_SERVER_CACHE_*`) are references too, but no action.
 */
export function serverActionsUnder(dir: string): ServerAction[] {
  const manifest = JSON.parse(readFileSync(path.join(WEB_DIR, E2E_DIST_DIR, 'server/server-reference-manifest.json'), 'utf8')) as { node: Record<string, ManifestEntry> };
  return Object.entries(manifest.node).flatMap(([id, entry]) => {
    const { filename, exportedName } = entry;
    if (filename === undefined || exportedName === undefined || !filename.startsWith(dir) || exportedName.startsWith('$$')) return [];
    const page = Object.keys(entry.workers).find((worker) => worker.endsWith('/page'));
    if (page === undefined) return [];
    return [{ id, filename, exportedName, pagePath: page.replace(/^app/, '').replace(/\/page$/, '') || '/' }];
  });
}

/**
 * The body React 19 sends for `action(previousState, formData)` (useActionState), as a browser's save
 * showed it: the form's fields as part 1 (`_1_<name>`), the argument list in part 0 referring to them.
 */
export function actionBody(fields: Record<string, string | string[]>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(`_1_${name}`, one);
  body.append('0', JSON.stringify([{ status: 'idle' }, '$K1']));
  return body;
}

export interface ActionOutcome {
  status: number;
  /** `x-action-redirect`: where Next tells the browser to go instead (e.g. `/login;push`). */
  redirect: string | null;
  body: string;
}

/** Posts an action as the browser's fetch does (`Next-Action`, same Origin), with or without a session cookie. */
export async function callAction(webUrl: string, action: Pick<ServerAction, 'id' | 'pagePath'>, body: FormData | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<ActionOutcome> {
  const response = await fetch(`${webUrl}${action.pagePath}`, {
    method: 'POST',
    headers: { accept: 'text/x-component', origin: webUrl, 'next-action': action.id, ...headers },
    body,
    redirect: 'manual',
  });
  return { status: response.status, redirect: response.headers.get('x-action-redirect'), body: await response.text() };
}

/** Refused: sent to the login page, or answered with the Forbidden state (no API call was made). */
export function refusal(outcome: ActionOutcome): 'login' | 'forbidden' | undefined {
  if (outcome.redirect?.startsWith('/login')) return 'login';
  if (outcome.status === 200 && outcome.body.includes('"status":"forbidden"')) return 'forbidden';
  return undefined;
}
