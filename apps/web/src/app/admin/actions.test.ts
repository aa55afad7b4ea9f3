import { beforeEach, describe, expect, it, vi } from 'vitest';
import { product } from '@/lib/live/test-support';

const mocks = vi.hoisted(() => ({ reprice: vi.fn(), update: vi.fn(), expire: vi.fn() }));

vi.mock('@/lib/api/admin', () => ({ repriceCategory: mocks.reprice, updateProduct: mocks.update }));
vi.mock('@/lib/api/products', () => ({ getProduct: vi.fn() }));
vi.mock('next/cache', () => ({ updateTag: mocks.expire, revalidateTag: mocks.expire, revalidatePath: mocks.expire }));

const { repriceCategoryAction, saveProduct } = await import('./actions');
const { ApiError } = await import('@/lib/api/http');

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};

beforeEach(() => {
  vi.clearAllMocks();
});

describe('saveProduct', () => {
  it('leaves the cached product page to the event its write emits: no second expiry from the action', async () => {
    const saved = product({ priceMinor: 1_250, version: 2 });
    mocks.update.mockResolvedValue(saved);
    const state = await saveProduct({ status: 'idle' }, form({ id: saved.id, version: '1', currency: 'EUR', price: '12.50', stock: '10' }));
    expect(state).toEqual({ status: 'saved', product: saved });
    expect(mocks.update).toHaveBeenCalledWith(saved.id, 1, { priceMinor: 1_250, stock: 10 });
    expect(mocks.expire).not.toHaveBeenCalled();
  });
});

describe('repriceCategoryAction', () => {
  it('asks the API for the whole change in one request, a decimal comma read as a point', async () => {
    mocks.reprice.mockResolvedValue({ category: 'home', matched: 3, changed: 2, items: [] });
    const state = await repriceCategoryAction({ status: 'idle' }, form({ category: 'home', percent: ' -2,5 ' }));
    expect(mocks.reprice).toHaveBeenCalledTimes(1);
    expect(mocks.reprice).toHaveBeenCalledWith({ category: 'home', change: { kind: 'percent', percent: '-2.5' } });
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
