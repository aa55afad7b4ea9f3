import { createHash } from 'node:crypto';
import type { OrderItemInput } from '@livecart/schemas';

/** What makes two order requests "the same" for an Idempotency-Key: the products and quantities, in any order. */
export function orderRequestHash(items: readonly OrderItemInput[]): string {
  const canonical = items
    .map((item) => `${item.productId}:${item.quantity}`)
    .sort()
    .join(',');
  return createHash('sha256').update(canonical).digest('base64url');
}
