import 'server-only';
import { type CategoryRepriceInput, CategoryRepriceResultSchema, ProductSchema, type ProductUpdate } from '@livecart/schemas/product';
import { adminAuthorization } from './credentials';
import { ApiError, apiRequest } from './http';

function authorization(): Record<string, string> {
  const headers = adminAuthorization();
  if (!headers) throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'Editing is disabled: ADMIN_TOKEN is not set on the web server.');
  return headers;
}

export function adminEnabled(): boolean {
  return adminAuthorization() !== null;
}

/** PATCH with optimistic concurrency: a stale `version` is refused with VERSION_MISMATCH (412). */
export async function updateProduct(id: string, version: number, changes: Omit<ProductUpdate, 'version'>) {
  const { data } = await apiRequest(`/v1/products/${id}`, {
    method: 'PATCH',
    body: changes,
    headers: { ...authorization(), 'if-match': `"${version}"` },
    schema: ProductSchema,
  });
  return data;
}

/** Every price in a category changed by the API in one transaction: all products or none. */
export async function repriceCategory(request: CategoryRepriceInput) {
  const { data } = await apiRequest('/v1/products/reprice', {
    method: 'POST',
    body: request,
    headers: authorization(),
    schema: CategoryRepriceResultSchema,
  });
  return data;
}
