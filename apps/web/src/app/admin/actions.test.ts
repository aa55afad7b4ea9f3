import type { StaffRole, StaffSession } from '@livecart/schemas';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { product } from '@/lib/live/test-support';

const mocks = vi.hoisted(() => ({
  reprice: vi.fn(),
  update: vi.fn(),
  expire: vi.fn(),
  fetchSession: vi.fn(),
  cookie: undefined as string | undefined,
  redirect: vi.fn((to: string) => {
    throw Object.assign(new Error(`redirect ${to}`), { to });
  }),
}));

vi.mock('@/lib/api/admin', () => ({ repriceCategory: mocks.reprice, updateProduct: mocks.update }));
vi.mock('@/lib/api/auth', () => ({ fetchSession: mocks.fetchSession }));
vi.mock('@/lib/api/products', () => ({ getProduct: vi.fn() }));
vi.mock('next/cache', () => ({ updateTag: mocks.expire, revalidateTag: mocks.expire, revalidatePath: mocks.expire }));
vi.mock('next/navigation', () => ({ redirect: mocks.redirect }));
vi.mock('next/headers', () => ({
  cookies: async () => ({ get: (name: string) => (name === 'livecart_session' && mocks.cookie !== undefined ? { name, value: mocks.cookie } : undefined) }),
  headers: async () => new Headers(),
}));

const { repriceCategoryAction, saveProduct } = await import('./actions');
const { ApiError } = await import('@/lib/api/http');

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};

function signedIn(role: StaffRole): void {
  mocks.cookie = 'session-id.signature+/';
  const now = new Date().toISOString();
  const session: StaffSession = {
    user: { id: '00000000-0000-4000-8000-000000000001', email: `${role}@example.com`, name: null, role, disabled: false, createdAt: now, updatedAt: now },
    idleExpiresAt: now,
    expiresAt: now,
  };
  mocks.fetchSession.mockResolvedValue(session);
}

const CREDENTIAL = { cookie: 'livecart_session=session-id.signature%2B%2F' };

beforeEach(() => {
  vi.clearAllMocks();
  mocks.cookie = undefined;
});

describe('every admin action checks the session first', () => {
  const calls = [
    ['saveProduct', () => saveProduct({ status: 'idle' }, form({ id: product({}).id, version: '1', currency: 'EUR', price: '1.00', stock: '1' }))],
    ['repriceCategoryAction', () => repriceCategoryAction({ status: 'idle' }, form({ category: 'home', percent: '5' }))],
  ] as const;

  it.each(calls)('%s without a session: the login page, no API call', async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ to: '/login' });
    expect(mocks.fetchSession).not.toHaveBeenCalled();
    expect(mocks.update).not.toHaveBeenCalled();
    expect(mocks.reprice).not.toHaveBeenCalled();
  });

  it.each(calls)('%s with a cookie the API no longer knows: the login page, no write', async (_name, call) => {
    mocks.cookie = 'revoked.sig';
    mocks.fetchSession.mockResolvedValue(null);
    await expect(call()).rejects.toMatchObject({ to: '/login' });
    expect(mocks.update).not.toHaveBeenCalled();
    expect(mocks.reprice).not.toHaveBeenCalled();
  });

  it.each(calls)('%s as a viewer: refused with 403 state, no write', async (_name, call) => {
    signedIn('viewer');
    await expect(call()).resolves.toMatchObject({ status: 'forbidden' });
    expect(mocks.update).not.toHaveBeenCalled();
    expect(mocks.reprice).not.toHaveBeenCalled();
  });
});

describe('saveProduct', () => {
  it("writes with the editor's own session and leaves the cached page to the event its write emits", async () => {
    signedIn('editor');
    const saved = product({ priceMinor: 1_250, version: 2 });
    mocks.update.mockResolvedValue(saved);
    const state = await saveProduct({ status: 'idle' }, form({ id: saved.id, version: '1', currency: 'EUR', price: '12.50', stock: '10' }));
    expect(state).toEqual({ status: 'saved', product: saved });
    expect(mocks.update).toHaveBeenCalledWith(CREDENTIAL, saved.id, 1, { priceMinor: 1_250, stock: 10 });
    expect(mocks.expire).not.toHaveBeenCalled();
  });

  it('sends a user the API signed out in the meantime to the login page', async () => {
    signedIn('editor');
    mocks.update.mockRejectedValue(new ApiError(401, 'UNAUTHORIZED', 'expired'));
    const p = product({});
    await expect(saveProduct({ status: 'idle' }, form({ id: p.id, version: '1', currency: 'EUR', price: '1.00', stock: '1' }))).rejects.toMatchObject({ to: '/login' });
  });
});

describe('repriceCategoryAction', () => {
  beforeEach(() => signedIn('admin'));

  it('asks the API for the whole change in one request, a decimal comma read as a point', async () => {
    mocks.reprice.mockResolvedValue({ category: 'home', matched: 3, changed: 2, items: [] });
    const state = await repriceCategoryAction({ status: 'idle' }, form({ category: 'home', percent: ' -2,5 ' }));
    expect(mocks.reprice).toHaveBeenCalledTimes(1);
    expect(mocks.reprice).toHaveBeenCalledWith(CREDENTIAL, { category: 'home', change: { kind: 'percent', percent: '-2.5' } });
    expect(state).toEqual({ status: 'done', count: 2, message: 'Repriced 2 of 3 products in home by -2.5 %.' });
    expect(mocks.expire).not.toHaveBeenCalled();
  });

  it('refuses a malformed percentage without calling the API', async () => {
    const state = await repriceCategoryAction({ status: 'idle' }, form({ category: 'home', percent: 'ten' }));
    expect(state.status).toBe('error');
    expect(mocks.reprice).not.toHaveBeenCalled();
  });

  it("shows the API's refusal with the first product it names", async () => {
    mocks.reprice.mockRejectedValue(
      new ApiError(422, 'VALIDATION_FAILED', '1 of the 3 products cannot take this price change; nothing was changed', [
        { field: 'body.change.percent', message: 'would price MUG-1 at 0; a price must be 1 to 1000000000000' },
      ]),
    );
    const state = await repriceCategoryAction({ status: 'idle' }, form({ category: 'home', percent: '-100' }));
    expect(state).toEqual({
      status: 'error',
      message: '1 of the 3 products cannot take this price change; nothing was changed: would price MUG-1 at 0; a price must be 1 to 1000000000000.',
    });
  });
});
