import 'server-only';
import { BULK_MAX_ITEMS, type BulkProductUpdateItem, PAGE_SIZE_MAX } from '@livecart/schemas/product';
import { bulkUpdateProducts } from '@/lib/api/admin';
import { ApiError } from '@/lib/api/http';
import { listProducts } from '@/lib/api/products';
import { applyPercent } from '@/lib/money';

/** A product sold or edited between our read and the bulk write: re-read and try again. */
const ATTEMPTS = 3;

/**
 * Applies `percent` to every price in `category`. Each item carries the version it was computed from,
 * so a concurrent change makes the API refuse the batch rather than overwrite it with a stale price.
 * Returns how many products changed.
 */
export async function repriceCategory(category: string, percent: string): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const items = await planReprice(category, percent);
    let committed = 0;
    try {
      for (let i = 0; i < items.length; i += BULK_MAX_ITEMS) {
        const batch = items.slice(i, i + BULK_MAX_ITEMS);
        await bulkUpdateProducts(batch);
        committed += batch.length;
      }
      return committed;
    } catch (error) {
      const conflict = error instanceof ApiError && (error.code === 'VERSION_MISMATCH' || error.code === 'CONFLICT');
      // Re-planning after a committed batch would apply the percentage twice to those products.
      if (committed > 0) {
        throw new ApiError(409, 'CONFLICT', `Stopped after repricing ${committed} of ${items.length} products: ${String((error as Error).message)}`);
      }
      if (!conflict || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function planReprice(category: string, percent: string): Promise<BulkProductUpdateItem[]> {
  const items: BulkProductUpdateItem[] = [];
  let cursor: string | undefined;
  do {
    const { page } = await listProducts({ category, sort: 'newest', inStock: false, ...(cursor ? { cursor } : {}) }, PAGE_SIZE_MAX);
    for (const product of page.items) {
      const priceMinor = applyPercent(product.priceMinor, percent);
      if (priceMinor !== null && priceMinor !== product.priceMinor) items.push({ id: product.id, priceMinor, version: product.version });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
