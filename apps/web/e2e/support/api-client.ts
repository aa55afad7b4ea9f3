import { type Product, ProductPageSchema, ProductSchema } from '@livecart/schemas/product';
import type { Stack } from './stack';

/** Direct calls to the API, for arranging data and for changes the tests time. */
export function apiClient(stack: Pick<Stack, 'apiUrl' | 'adminToken'>) {
  const admin = { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' };
  return {
    async list(query = 'limit=100'): Promise<Product[]> {
      const response = await fetch(`${stack.apiUrl}/v1/products?${query}`);
      if (!response.ok) throw new Error(`list: HTTP ${response.status}`);
      return ProductPageSchema.parse(await response.json()).items;
    },
    async get(id: string): Promise<Product> {
      const response = await fetch(`${stack.apiUrl}/v1/products/${id}`);
      if (!response.ok) throw new Error(`get ${id}: HTTP ${response.status}`);
      return ProductSchema.parse(await response.json());
    },
    async patch(id: string, changes: { priceMinor?: number; stock?: number }): Promise<Product> {
      const response = await fetch(`${stack.apiUrl}/v1/products/${id}`, { method: 'PATCH', headers: admin, body: JSON.stringify(changes) });
      if (!response.ok) throw new Error(`patch ${id}: HTTP ${response.status} ${await response.text()}`);
      return ProductSchema.parse(await response.json());
    },
  };
}
