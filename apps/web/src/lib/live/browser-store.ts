import { ProductSchema } from '@livecart/schemas/product';
import { z } from 'zod';
import { LiveStore, type RefetchResult } from './live-store';

const RefetchResultSchema = z.object({ items: z.array(ProductSchema), missing: z.array(z.string()) });

async function refetchProducts(ids: string[]): Promise<RefetchResult> {
  const response = await fetch(`/api/products?ids=${ids.map(encodeURIComponent).join(',')}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`refetch answered ${response.status}`);
  return RefetchResultSchema.parse(await response.json());
}

let store: LiveStore | undefined;

/** The tab's one store, created on first use in the browser (never on the server). */
export function browserLiveStore(): LiveStore {
  if (store) return store;
  const created = new LiveStore({
    connect: (url, protocol) => new WebSocket(url, protocol),
    refetch: refetchProducts,
  });
  window.addEventListener('online', () => created.setOnline(true));
  window.addEventListener('offline', () => created.setOnline(false));
  if (!navigator.onLine) created.setOnline(false);
  store = created;
  return created;
}
