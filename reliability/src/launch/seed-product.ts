import { randomBytes } from 'node:crypto';
import { ProductSchema, type Product, type ProductCreateInput } from '@livecart/schemas';
import { bearer, http } from './http.js';

/** Creates a product through the api's own write route; throws with the api's answer if refused. */
export async function seedProduct(apiUrl: string, apiKey: string, overrides: Partial<ProductCreateInput> = {}): Promise<Product> {
  const input: ProductCreateInput = {
    sku: `REL-${randomBytes(5).toString('hex').toUpperCase()}`,
    name: 'Reliability test kettle',
    category: 'kitchen',
    priceMinor: 2_500,
    stock: 10,
    ...overrides,
  };
  const result = await http(`${apiUrl}/v1/products`, { method: 'POST', headers: bearer(apiKey), body: input });
  if (result.status !== 201) throw new Error(`creating a product failed: ${result.status} ${result.text.slice(0, 300)}`);
  return ProductSchema.parse(result.json);
}
