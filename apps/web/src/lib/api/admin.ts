import 'server-only';
import { type CategoryRepriceInput, CategoryRepriceResultSchema, ProductSchema, type ProductUpdate } from '@livecart/schemas/product';
import type { CallerHeaders } from './auth';
import { apiRequest } from './http';

/**
 * Product writes, made as the signed-in user: `caller` carries that user's own session cookie (and the
 * shopper's address). The web server holds no credential of its own.
 */
export async function updateProduct(caller: CallerHeaders, id: string, version: number, changes: Omit<ProductUpdate, 'version'>) {
  const { data } = await apiRequest(`/v1/products/${id}`, {
    method: 'PATCH',
    body: changes,
    headers: { ...caller, 'if-match': `"${version}"` },
    schema: ProductSchema,
  });
  return data;
}

/** Every price in a category changed by the API in one transaction: all products or none. */
export async function repriceCategory(caller: CallerHeaders, request: CategoryRepriceInput) {
  const { data } = await apiRequest('/v1/products/reprice', {
    method: 'POST',
    body: request,
    headers: caller,
    schema: CategoryRepriceResultSchema,
  });
  return data;
}
