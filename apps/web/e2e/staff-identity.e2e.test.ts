import { createStaffUser } from '@livecart/local-services/testing';
import type { Product } from '@livecart/schemas/product';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, apiLogin } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { snapshotRows } from './support/database';
import { eventually, signIn, waitUntilLive } from './support/page-helpers';
import { actionBody, callAction, refusal, serverActionsUnder } from './support/server-actions';
import { type Stack, startStack } from './support/stack';
import { newStaffAccount, type StaffAccount } from './support/staff';

let stack: Stack;
let first: Browser;
let second: Browser;
let api: ReturnType<typeof apiClient>;
let products: Product[];

const decimal = (minor: number) => (minor / 100).toFixed(2);
const row = (page: Page, id: string) => page.locator(`[data-testid="admin-row"][data-product-id="${id}"]`);

/** Calls the API as `cookie` (a `livecart_session=…` pair). */
async function apiAs(cookie: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function staffUserId(adminCookie: string, email: string): Promise<string> {
  const { items } = (await (await apiAs(adminCookie, 'GET', '/v1/staff-users')).json()) as { items: { id: string; email: string }[] };
  const found = items.find((user) => user.email === email);
  if (found === undefined) throw new Error(`no staff user ${email}`);
  return found.id;
}

beforeAll(async () => {
  stack = await startStack({
    adminDatabaseUrl: inject('adminDatabaseUrl'),
    redisUrl: inject('redisUrl'),
    seedCount: 40,
    // A throttled sign-in stays throttled while the browser test looks at it.
    apiEnv: { LOGIN_COOLDOWN_MS: '60000' },
  });
  [first, second] = await Promise.all([launchBrowser(), launchBrowser()]);
  api = apiClient(stack);
  products = (await api.list('limit=40&sort=newest')).filter((p) => p.currency === 'EUR' && p.stock >= 5);
  expect(products.length).toBeGreaterThanOrEqual(5);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([first?.close(), second?.close()]);
  await stack?.stop();
});

describe('signed-in editing', () => {
  it('login → edit → a viewer sees it live → logout → the same action, replayed, is refused and changes nothing', async () => {
    const target = products[0]!;
    const editor = await first.context.newPage();
    await signIn(editor, stack.webUrl, stack.staff.editor);
    expect(await editor.getByTestId('staff-email').textContent()).toBe(stack.staff.editor.email);
    expect(await editor.getByTestId('staff-role').textContent()).toBe('editor');

    const viewer = await second.context.newPage();
    await signIn(viewer, stack.webUrl, stack.staff.viewer, `/admin?q=${encodeURIComponent(target.name)}`);
    await waitUntilLive(viewer);
    // A viewer reads: no edit form, no bulk form.
    expect(await viewer.getByTestId('staff-role').textContent()).toBe('viewer');
    await viewer.getByTestId('read-only-note').waitFor();
    expect(await viewer.getByTestId('price-input').count()).toBe(0);
    expect(await viewer.locator('form[aria-labelledby="bulk-title"]').count()).toBe(0);

    await editor.goto(`${stack.webUrl}/admin?q=${encodeURIComponent(target.name)}`);
    await waitUntilLive(editor);
    const posted: Request[] = [];
    editor.on('request', (request) => {
      if (request.method() === 'POST' && request.headers()['next-action'] !== undefined) posted.push(request);
    });
    const newPrice = target.priceMinor + 321;
    await row(editor, target.id).getByTestId('price-input').fill(decimal(newPrice));
    await row(editor, target.id).getByTestId('save').click();
    await eventually(() => row(editor, target.id).getByTestId('save-result').getAttribute('data-status'), 'saved');
    await eventually(() => row(viewer, target.id).getByTestId('row-price').getAttribute('data-minor'), String(newPrice));
    // The viewer's feed says who did it (a user without a display name is shown by email).
    const entry = viewer.locator('[data-testid="event-feed"] li', { hasText: target.name }).first();
    await eventually(() => entry.getByTestId('event-actor').textContent(), ` · by ${stack.staff.editor.email}`);
    const saved = await api.get(target.id);
    expect(saved.priceMinor).toBe(newPrice);

    expect(posted).toHaveLength(1);
    const save = posted[0]!;
    const { cookie: sessionCookie, ...headers } = await save.allHeaders();
    expect(sessionCookie).toContain('livecart_session=');
    const replay = { id: save.headers()['next-action']!, pagePath: new URL(save.url()).pathname };
    const body = new Uint8Array(save.postDataBuffer()!);

    await editor.getByTestId('sign-out').click();
    await editor.waitForURL((url) => url.pathname === '/login');
    expect((await first.context.cookies()).some((c) => c.name === 'livecart_session')).toBe(false);

    // The same action, byte for byte, from a client without the cookie, then with the signed-out one.
    const anonymous = await callAction(stack.webUrl, replay, body, { 'content-type': headers['content-type']! });
    expect(refusal(anonymous), anonymous.body.slice(0, 300)).toBe('login');
    const signedOut = await callAction(stack.webUrl, replay, body, { 'content-type': headers['content-type']!, cookie: sessionCookie! });
    expect(refusal(signedOut), signedOut.body.slice(0, 300)).toBe('login');
    expect(await api.get(target.id)).toEqual(saved);

    // The admin page itself now sends the signed-out browser to the login page, and back after it.
    await editor.goto(`${stack.webUrl}/admin`);
    await editor.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/admin');
    await Promise.all([editor.close(), viewer.close()]);
  });

  it("shows the API's refusal for a wrong password, the same for an unknown email, and a wait when throttled", async () => {
    const page = await first.context.newPage();
    const attempt = async (email: string, password: string) => {
      await page.goto(`${stack.webUrl}/login`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      return (await page.getByTestId('login-error').textContent({ timeout: 15_000 })) ?? '';
    };
    const known = await attempt(stack.staff.viewer.email, 'not the password at all');
    const unknown = await attempt('nobody-here@staff.example.com', 'not the password at all');
    expect(known).toBe(unknown);
    expect(known).toMatch(/wrong/);
    // The API throttles an email after a few failures (LOGIN_MAX_FAILURES_PER_ACCOUNT, 5 by default).
    let message = unknown;
    for (let i = 0; i < 6 && !/Try again in \d+ s/.test(message); i += 1) message = await attempt('nobody-here@staff.example.com', 'still wrong, still wrong');
    expect(message).toMatch(/^Too many attempts\. Try again in \d+ s\.$/);
    expect((await first.context.cookies()).some((c) => c.name === 'livecart_session')).toBe(false);
    await page.close();
  });

  it('goes back to a path of this site after sign-in, never to another site', async () => {
    const page = await first.context.newPage();
    await page.goto(`${stack.webUrl}/login?next=${encodeURIComponent('//evil.example/admin')}`);
    await page.getByLabel('Email').fill(stack.staff.viewer.email);
    await page.getByLabel('Password').fill(stack.staff.viewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.origin === stack.webUrl && url.pathname === '/admin');
    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.close();
  });
});

describe('staff administration', () => {
  it('an admin creates a named user on the users page; their edit in one browser shows by name in the other; "sign out everywhere" in one ends the session in the other', async () => {
    const admin = await first.context.newPage();
    await signIn(admin, stack.webUrl, stack.staff.admin, '/admin/users');
    const person = newStaffAccount('editor', 'everywhere');
    const form = admin.getByTestId('create-user');
    await form.getByLabel('Email').fill(person.email);
    const displayName = `Ada Everywhere ${person.email.slice(11, 19)}`;
    await form.getByLabel('Name (optional)').fill(displayName);
    await form.getByLabel('Role').selectOption('editor');
    await form.getByLabel('First password').fill(person.password);
    await form.getByRole('button', { name: 'Create' }).click();
    await eventually(() => form.getByTestId('form-result').getAttribute('data-status'), 'done');
    await admin.locator('[data-testid="user-row"]', { hasText: displayName }).waitFor();
    await admin.getByTestId('sign-out').click();
    await admin.waitForURL((url) => url.pathname === '/login');
    await admin.close();

    const target = products[1]!;
    const [one, other] = [await first.context.newPage(), await second.context.newPage()];
    await signIn(one, stack.webUrl, person);
    await signIn(other, stack.webUrl, person, `/admin?q=${encodeURIComponent(target.name)}`);
    await waitUntilLive(other);
    // A change made in one browser shows in the other's feed under the person's display name.
    const edited = products[4]!;
    await one.goto(`${stack.webUrl}/admin?q=${encodeURIComponent(edited.name)}`);
    await waitUntilLive(one);
    await row(one, edited.id).getByTestId('stock-input').fill(String(edited.stock + 3));
    await row(one, edited.id).getByTestId('save').click();
    await eventually(() => row(one, edited.id).getByTestId('save-result').getAttribute('data-status'), 'saved');
    const entry = other.locator('[data-testid="event-feed"] li', { hasText: edited.name }).first();
    await eventually(() => entry.getByTestId('event-actor').textContent(), ` · by ${displayName}`);

    await one.getByTestId('sign-out-everywhere').click();
    await one.waitForURL((url) => url.pathname === '/login');

    // The other browser still shows the editor; its next action gets the login page and changes nothing.
    await row(other, target.id).getByTestId('price-input').fill(decimal(target.priceMinor + 1));
    await row(other, target.id).getByTestId('save').click();
    await other.waitForURL((url) => url.pathname === '/login');
    expect((await api.get(target.id)).priceMinor).toBe(target.priceMinor);
    await other.goto(`${stack.webUrl}/admin`);
    await other.waitForURL((url) => url.pathname === '/login');
    await Promise.all([one.close(), other.close()]);
  });

  it('an admin creates an API key (shown once), the key writes, and once revoked it is refused', async () => {
    const page = await first.context.newPage();
    await signIn(page, stack.webUrl, stack.staff.admin, '/admin/api-keys');
    const name = `import job ${Date.now()}`;
    const form = page.getByTestId('create-key');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('catalog:write').check();
    await form.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('new-key').textContent({ timeout: 15_000 }))!;
    expect(key.length).toBeGreaterThan(20);
    const keyRow = page.locator('[data-testid="key-row"]', { hasText: name });
    await keyRow.waitFor();
    expect(await keyRow.textContent()).toContain('catalog:write');
    expect(await keyRow.textContent()).toContain('never');

    const target = products[2]!;
    const patch = () =>
      fetch(`${stack.apiUrl}/v1/products/${target.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'if-match': '*' },
        body: JSON.stringify({ stock: target.stock + 1 }),
      });
    expect((await patch()).status).toBe(200);
    await page.reload();
    await eventually(async () => (await keyRow.textContent())?.includes('never'), false);
    // Shown once: the reloaded page holds no secret.
    expect(await page.content()).not.toContain(key);

    await keyRow.getByRole('button', { name: `Revoke ${name}` }).click();
    await eventually(async () => (await keyRow.textContent())?.includes('revoked'), true);
    expect((await patch()).status).toBe(403);
    await page.close();
  });
});

describe('every admin server action', () => {
  it('is refused anonymously, as a viewer, with a signed-out session and as a disabled user, and Postgres stays as it was', async () => {
    const actions = serverActionsUnder('apps/web/src/app/admin/');
    expect(actions.map((a) => a.exportedName)).toEqual(expect.arrayContaining(['saveProduct', 'repriceCategoryAction']));

    const adminCookie = await apiLogin(stack.apiUrl, stack.staff.admin);
    const viewerCookie = await apiLogin(stack.apiUrl, stack.staff.viewer);
    // Admins, so that only the session's state, not the role, can be why they are refused.
    const signedOutAdmin: StaffAccount = newStaffAccount('admin', 'signed-out');
    const disabledAdmin: StaffAccount = newStaffAccount('admin', 'disabled');
    for (const account of [signedOutAdmin, disabledAdmin]) await createStaffUser(stack.databaseUrl, account);
    const signedOutCookie = await apiLogin(stack.apiUrl, signedOutAdmin);
    expect((await apiAs(signedOutCookie, 'POST', '/v1/auth/logout')).status).toBe(204);
    const disabledCookie = await apiLogin(stack.apiUrl, disabledAdmin);
    const disabledId = await staffUserId(adminCookie, disabledAdmin.email);
    expect((await apiAs(adminCookie, 'PATCH', `/v1/staff-users/${disabledId}`, { disabled: true })).status).toBe(200);

    const keyResponse = await apiAs(adminCookie, 'POST', '/v1/api-keys', { name: 'enumeration target', scopes: ['orders:read'] });
    const keyId = ((await keyResponse.json()) as { id: string }).id;
    const viewerId = await staffUserId(adminCookie, stack.staff.viewer.email);
    const product = await api.get(products[3]!.id);
    /** Every field any admin form sends, with values that would change something if let through. */
    const fieldsFor = (filename: string) => ({
      id: filename.includes('/users/') ? viewerId : filename.includes('/api-keys/') ? keyId : product.id,
      version: String(product.version),
      currency: product.currency,
      price: '0.01',
      stock: '0',
      category: product.category,
      percent: '-50',
      email: `intruder-${Date.now()}@staff.example.com`,
      role: 'admin',
      password: 'a long enough password 123',
      name: 'intruder key',
      scopes: ['catalog:write'],
      disabled: 'true',
    });

    const callers = { anonymous: {}, viewer: { cookie: viewerCookie }, 'signed-out': { cookie: signedOutCookie }, disabled: { cookie: disabledCookie } };
    const before = await snapshotRows(stack.databaseUrl);
    const outcomes: string[] = [];
    for (const action of actions) {
      for (const [who, headers] of Object.entries(callers)) {
        const outcome = await callAction(stack.webUrl, action, actionBody(fieldsFor(action.filename)), headers);
        outcomes.push(`${action.exportedName} ${who}: ${refusal(outcome) ?? `NOT REFUSED (${outcome.status}) ${outcome.body.slice(0, 200)}`}`);
      }
    }
    console.log(`[e2e] ${actions.length} admin actions × ${Object.keys(callers).length} callers:\n${outcomes.join('\n')}`);
    expect(outcomes.filter((line) => line.includes('NOT REFUSED'))).toEqual([]);
    expect(outcomes.filter((line) => line.includes(' viewer: ')).every((line) => line.endsWith('forbidden'))).toBe(true);
    expect(await snapshotRows(stack.databaseUrl)).toEqual(before);

    // The same calls with an admin's session reach the API (a conflict too: the reprice before it bumped
    // the product's version), so the refusals above are the guards', not a malformed call's.
    for (const action of actions) {
      const outcome = await callAction(stack.webUrl, action, actionBody(fieldsFor(action.filename)), { cookie: adminCookie });
      expect(refusal(outcome), `${action.exportedName}: ${outcome.body.slice(0, 300)}`).toBeUndefined();
      expect(outcome.status, action.exportedName).toBe(200);
      expect(outcome.body, action.exportedName).toMatch(/"status":"(saved|done|conflict)"/);
    }
    const after = await snapshotRows(stack.databaseUrl);
    for (const table of Object.keys(before)) expect(after[table], table).not.toEqual(before[table]);
  });
});
