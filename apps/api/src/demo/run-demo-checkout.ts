import { TEST_CARDS, type Actor } from '@livecart/schemas';
import type pg from 'pg';
import { addCartLine } from '../services/carts/add-cart-line.js';
import type { CartTimes } from '../services/carts/cart-owner.js';
import { openCart } from '../services/carts/open-cart.js';
import { checkOutCart } from '../services/orders/check-out-cart.js';
import type { PaymentProvider } from '../services/payments/provider.js';
import { payOrder } from '../services/payments/pay-order.js';
import { createShopperSession } from '../services/shoppers/create-shopper-session.js';
import type { DemoCheckout } from './plan-demo-checkout.js';

export interface DemoShoppers {
  pool: pg.Pool;
  actor: Actor;
  provider: PaymentProvider;
  times: CartTimes;
  paymentTtlMs: number;
  /** How long a demo guest session lives (SHOPPER_SESSION_ABSOLUTE_TIMEOUT_S). */
  sessionTimeoutS: number;
}

/** A handful of guest sessions take turns, so the demo adds a few session rows, not one per visit. */
const SESSIONS = 4;

export interface DemoCheckoutRunner {
  /** One shopper's visit: cart, checkout, payment. A refusal (sold out, price moved, declined) is a DomainError. */
  run(visit: DemoCheckout): Promise<void>;
}

/**
 * Demo shoppers, through the same services as the storefront's (so the same events: cart.updated on the
 * cart's topic, stock holds and releases on the products', order.<status> on the order's). Payments go
 * through the test provider, whose confirmations arrive as signed webhooks to this API like any others.
 */
export function demoCheckoutRunner(shoppers: DemoShoppers): DemoCheckoutRunner {
  const sessions: string[] = [];
  let turn = 0;

  const nextSession = async (): Promise<string> => {
    turn = (turn + 1) % SESSIONS;
    const known = sessions[turn];
    if (known !== undefined) return known;
    const created = await createShopperSession({ db: shoppers.pool, customerId: null, now: new Date(), absoluteTimeoutS: shoppers.sessionTimeoutS });
    sessions[turn] = created.id;
    return created.id;
  };

  return {
    async run(visit) {
      const { pool, actor, times } = shoppers;
      const sessionId = await nextSession();
      const owner = { sessionId };
      let { cart } = await openCart({ pool, owner, actor, times });
      for (const line of visit.lines) ({ cart } = await addCartLine({ pool, cartId: cart.id, owner, actor, times, productId: line.id, quantity: line.quantity }));
      const { order } = await checkOutCart({ pool, cartOwner: owner, orderOwner: { guestSessionId: sessionId }, expectedTotalMinor: cart.totalMinor, contactEmail: `shopper-${turn + 1}@demo.livecart.test`, actor, paymentTtlMs: shoppers.paymentTtlMs });
      await payOrder({ pool, provider: shoppers.provider, orderId: order.id, cardNumber: TEST_CARDS[visit.card], actor });
    },
  };
}
