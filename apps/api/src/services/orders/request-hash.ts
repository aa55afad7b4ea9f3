import { createHash } from 'node:crypto';
import type { OrderItemInput } from '@livecart/schemas';
import type { OrderOwner } from './order-owner.js';

/**
 * What makes two order requests "the same" for an Idempotency-Key: the products and quantities, in any
 * order, and who places it (a shopper session's key replayed from another session is another request, so
 * it never answers that session's order and link).
 */
export function orderRequestHash(items: readonly OrderItemInput[], owner?: OrderOwner): string {
  const canonical = items
    .map((item) => `${item.productId}:${item.quantity}`)
    .sort()
    .join(',');
  const who = owner === undefined ? '' : 'customerId' in owner ? `|customer:${owner.customerId}` : `|session:${owner.guestSessionId}`;
  return createHash('sha256').update(`${canonical}${who}`).digest('base64url');
}
