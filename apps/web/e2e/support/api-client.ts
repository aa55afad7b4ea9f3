import { type Product, ProductPageSchema, ProductSchema } from '@livecart/schemas/product';
import type { Stack } from './stack';
import type { StaffAccount } from './staff';

/** `livecart_session=…` for the account, from the API's own login answer. */
export async function apiLogin(apiUrl: string, account: StaffAccount): Promise<string> {
  const response = await fetch(`${apiUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  if (!response.ok) throw new Error(`login ${account.email}: HTTP ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('livecart_session='));
  if (cookie === undefined) throw new Error(`login ${account.email}: no session cookie`);
  return cookie.split(';')[0]!;
}

/** Direct calls to the API, for arranging data and for changes the tests time; writes sign in as the editor. */
export function apiClient(stack: Pick<Stack, 'apiUrl' | 'staff'>) {
  let session: Promise<string> | undefined;
  const editor = async () => ({ cookie: await (session ??= apiLogin(stack.apiUrl, stack.staff.editor)), 'content-type': 'application/json' });
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
      const response = await fetch(`${stack.apiUrl}/v1/products/${id}`, { method: 'PATCH', headers: { ...(await editor()), 'if-match': '*' }, body: JSON.stringify(changes) });
      if (!response.ok) throw new Error(`patch ${id}: HTTP ${response.status} ${await response.text()}`);
      return ProductSchema.parse(await response.json());
    },
  };
}
