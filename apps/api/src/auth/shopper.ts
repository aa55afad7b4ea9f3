import type { Customer } from '@livecart/schemas';
import type { CartOwner } from '../services/carts/cart-owner.js';
import type { OrderOwner } from '../services/orders/order-owner.js';

/** A shopper's live session: a guest's (`customer` null) or a signed-in customer's. */
export interface Shopper {
  /** The session's row id (a guest's cart is owned by it). */
  id: string;
  digest: Buffer;
  customer: Customer | null;
  idleExpiresAt: Date;
  expiresAt: Date;
}

/** Whose carts a shopper may see: a customer's own, or the guest session's. */
export function cartOwnerOf(shopper: Shopper): CartOwner {
  return shopper.customer === null ? { sessionId: shopper.id } : { customerId: shopper.customer.id };
}

/** Whose an order placed by a shopper is: the customer's, or the guest session's. */
export function orderOwnerOf(shopper: Shopper): OrderOwner {
  return shopper.customer === null ? { guestSessionId: shopper.id } : { customerId: shopper.customer.id };
}
