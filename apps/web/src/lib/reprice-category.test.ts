import type { BulkProductUpdateItem } from '@livecart/schemas/product';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { product } from './live/test-support';

const api = vi.hoisted(() => ({ pages: [] as Array<{ items: unknown[]; nextCursor: string | null }>, bulk: vi.fn() }));

vi.mock('./api/products', () => ({
  listProducts: vi.fn(async (query: { cursor?: string }) => ({ page: api.pages[query.cursor ? Number(query.cursor) : 0], seq: 1 })),
}));
vi.mock('./api/admin', () => ({ bulkUpdateProducts: api.bulk }));

const { repriceCategory } = await import('./reprice-category');
const { ApiError } = await import('./api/http');

const a = product({ id: '00000000-0000-4000-8000-00000000000a', priceMinor: 1_000, version: 3 });
const b = product({ id: '00000000-0000-4000-8000-00000000000b', priceMinor: 2_000, version: 7 });

beforeEach(() => {
  api.pages = [
    { items: [a], nextCursor: '1' },
    { items: [b], nextCursor: null },
  ];
  api.bulk.mockReset();
});

describe('repriceCategory', () => {
  it('walks every page and sends each new price with the version it was computed from', async () => {
    api.bulk.mockResolvedValue([]);
    await expect(repriceCategory('home', '-10')).resolves.toBe(2);
    const items = api.bulk.mock.calls[0]?.[0] as BulkProductUpdateItem[];
    expect(items).toEqual([
      { id: a.id, priceMinor: 900, version: 3 },
      { id: b.id, priceMinor: 1_800, version: 7 },
    ]);
  });

  it('re-reads and retries when a product changed between the read and the write', async () => {
    api.bulk.mockRejectedValueOnce(new ApiError(412, 'VERSION_MISMATCH', 'stale')).mockResolvedValue([]);
    await expect(repriceCategory('home', '5')).resolves.toBe(2);
    expect(api.bulk).toHaveBeenCalledTimes(2);
  });

  it('does not retry other failures', async () => {
    api.bulk.mockRejectedValue(new ApiError(403, 'FORBIDDEN', 'bad token'));
    await expect(repriceCategory('home', '5')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(api.bulk).toHaveBeenCalledTimes(1);
  });
});
