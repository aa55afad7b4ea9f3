import { randomBytes } from 'node:crypto';

/** One request to the api's write surface that carries (or misuses) the admin token. */
export interface TokenProbe {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  status: number;
}

const sku = () => `LEAK-${randomBytes(4).toString('hex').toUpperCase()}`;

/**
 * The right token on good and bad requests, wrong tokens close to the right one, and malformed
 * credentials that contain it: every answer (and every log line they cause) must keep the token to
 * itself. `productId` names an existing product at `version`; `bodyLimit` is the api's BODY_LIMIT_BYTES.
 */
export function tokenProbes(token: string, product: { id: string; version: number; sku: string }, bodyLimit: number): TokenProbe[] {
  const right = { authorization: `Bearer ${token}` };
  const item = `/v1/products/${product.id}`;
  const create = { sku: sku(), name: 'Leak probe lamp', category: 'lighting', priceMinor: 1_500, stock: 3 };
  return [
    { name: 'create with the right token', method: 'POST', path: '/v1/products', headers: right, body: create, status: 201 },
    { name: 'update with the right token', method: 'PATCH', path: item, headers: { ...right, 'if-match': `"${product.version}"` }, body: { stock: 7 }, status: 200 },
    { name: 'bulk with the right token', method: 'POST', path: '/v1/products/bulk', headers: right, body: { items: [{ id: product.id, priceMinor: 1_999 }] }, status: 200 },
    { name: 'duplicate sku', method: 'POST', path: '/v1/products', headers: right, body: { ...create, sku: product.sku }, status: 409 },
    { name: 'stale If-Match', method: 'DELETE', path: item, headers: { ...right, 'if-match': '"1"' }, status: 412 },
    { name: 'malformed If-Match', method: 'PATCH', path: item, headers: { ...right, 'if-match': 'W/"x", *' }, body: { stock: 1 }, status: 400 },
    { name: 'malformed JSON', method: 'POST', path: '/v1/products', headers: { ...right, 'content-type': 'application/json' }, body: '{"sku": ', status: 400 },
    { name: 'invalid fields', method: 'POST', path: '/v1/products', headers: right, body: { sku: 'x', priceMinor: -1 }, status: 400 },
    { name: 'wrong content type', method: 'POST', path: '/v1/products', headers: { ...right, 'content-type': 'text/plain' }, body: 'sku=A', status: 415 },
    { name: 'body over the limit', method: 'POST', path: '/v1/products', headers: right, body: { ...create, description: 'x'.repeat(bodyLimit) }, status: 413 },
    { name: 'unknown product', method: 'PATCH', path: '/v1/products/00000000-0000-4000-8000-000000000000', headers: { ...right, 'if-match': '*' }, body: { stock: 1 }, status: 404 },
    { name: 'unknown route', method: 'POST', path: '/v1/nowhere', headers: right, body: {}, status: 404 },
    { name: 'token plus one character', method: 'POST', path: '/v1/products/bulk', headers: { authorization: `Bearer ${token}x` }, body: { items: [] }, status: 403 },
    { name: 'token minus one character', method: 'DELETE', path: item, headers: { authorization: `Bearer ${token.slice(0, -1)}` }, status: 403 },
    { name: 'token in upper case', method: 'PATCH', path: item, headers: { authorization: `Bearer ${token.toUpperCase()}` }, body: { stock: 1 }, status: 403 },
    { name: 'token repeated', method: 'POST', path: '/v1/products', headers: { authorization: `Bearer ${token.repeat(50)}` }, body: create, status: 403 },
    { name: 'token with a trailing word', method: 'POST', path: '/v1/products', headers: { authorization: `Bearer ${token} admin` }, body: create, status: 401 },
    { name: 'token without a scheme', method: 'PATCH', path: item, headers: { authorization: token }, body: { stock: 1 }, status: 401 },
    { name: 'token as Basic credentials', method: 'DELETE', path: item, headers: { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` }, status: 401 },
    { name: 'token in another header', method: 'POST', path: '/v1/products/bulk', headers: { 'x-admin-token': token }, body: { items: [] }, status: 401 },
  ];
}
