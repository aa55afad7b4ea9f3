import { env } from '@/env';
import { ExistenceCache } from './existence-cache';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const cache = new ExistenceCache();

/**
 * Whether `/products/<id>` has a product to show, decided before the page renders (the proxy): true,
 * false, or undefined when the API could not say (the page then renders and handles it as before).
 * Answered from memory for every id seen since its last event, so a cached product page costs no call.
 */
export async function productExists(id: string): Promise<boolean | undefined> {
  if (!UUID.test(id)) return false;
  const known = cache.get(id);
  if (known !== undefined) return known;
  const checkedAt = Date.now();
  try {
    const response = await fetch(new URL(`/v1/products/${id}`, env.API_URL), { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(env.API_TIMEOUT_MS) });
    if (response.status !== 200 && response.status !== 404) return undefined;
    cache.set(id, response.status === 200, checkedAt);
    return response.status === 200;
  } catch {
    return undefined;
  }
}
