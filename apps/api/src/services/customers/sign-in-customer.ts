import { customerActor, type Customer, type Product } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import type { CartTimes } from '../carts/cart-owner.js';
import { mergeCarts } from '../carts/merge-carts.js';
import { claimGuestOrders } from '../orders/claim-guest-orders.js';
import { createShopperSession, type CreatedShopperSession } from '../shoppers/create-shopper-session.js';

export interface SignInCustomerOptions {
  pool: pg.Pool;
  customer: Customer;
  /** The session the browser brought, if any: a guest's is replaced and its cart merged. */
  previous: { id: string; digest: Buffer; customerId: string | null } | undefined;
  now: Date;
  absoluteTimeoutS: number;
  times: CartTimes;
}

/**
 * Starts a customer's session in one transaction: a new session id (never the one the browser brought),
 * the previous session ended, a guest cart of the previous session merged into the customer's cart, and
 * the orders that guest session checked out passed to the customer (the session they were owned by ends).
 */
export async function signInCustomer(options: SignInCustomerOptions): Promise<{ session: CreatedShopperSession; products: Product[] }> {
  const { customer, previous } = options;
  return withTransaction(options.pool, async (client) => {
    const session = await createShopperSession({ db: client, customerId: customer.id, now: options.now, absoluteTimeoutS: options.absoluteTimeoutS });
    let products: Product[] = [];
    if (previous !== undefined) {
      await client.query('DELETE FROM shopper_sessions WHERE id_digest = $1', [previous.digest]);
      if (previous.customerId === null) {
        ({ products } = await mergeCarts({ client, sessionId: previous.id, customerId: customer.id, actor: customerActor(customer.id), times: options.times }));
        await claimGuestOrders({ client, guestSessionId: previous.id, customerId: customer.id });
      }
    }
    return { session, products };
  });
}
