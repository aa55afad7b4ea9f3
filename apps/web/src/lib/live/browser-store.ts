import { ProductSchema } from '@livecart/schemas/product';
import { RealtimeTokenSchema } from '@livecart/schemas/realtime-token';
import { z } from 'zod';
import { LiveStore, type RefetchResult } from './live-store';
import { RealtimeTokenProvider, type TokenRequest } from './realtime-token-provider';

const RefetchResultSchema = z.object({ items: z.array(ProductSchema), missing: z.array(z.string()) });

async function refetchProducts(ids: string[]): Promise<RefetchResult> {
  const response = await fetch(`/api/products?ids=${ids.map(encodeURIComponent).join(',')}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`refetch answered ${response.status}`);
  return RefetchResultSchema.parse(await response.json());
}

/** The web server mints it with the shopper's cookie (and the order's link, if any); the browser holds only the token. */
async function mintToken(request: TokenRequest): Promise<string> {
  const response = await fetch('/api/realtime-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(`realtime token answered ${response.status}`);
  return RealtimeTokenSchema.parse(await response.json()).token;
}

let store: LiveStore | undefined;
let tokens: RealtimeTokenProvider | undefined;

/** The tab's one token provider (private topics), shared by its live store. */
export function browserTokenProvider(): RealtimeTokenProvider {
  tokens ??= new RealtimeTokenProvider({ mint: mintToken });
  return tokens;
}

/** The tab's one store, created on first use in the browser (never on the server). */
export function browserLiveStore(): LiveStore {
  if (store) return store;
  const created = new LiveStore({
    refetch: refetchProducts,
    tokenFor: browserTokenProvider().tokenFor,
  });
  window.addEventListener('online', () => created.setOnline(true));
  window.addEventListener('offline', () => created.setOnline(false));
  if (!navigator.onLine) created.setOnline(false);
  store = created;
  return created;
}
