import { z } from 'zod';
import { CART_MAX_TOTAL_MINOR, CartSchema } from './cart.js';
import { CustomerEmailSchema } from './customer.js';
import { ErrorEnvelopeSchema } from './errors.js';

/**
 * Checkout: the session's cart becomes an order. `expectedTotalMinor` is the total the shopper confirmed;
 * when the cart's current total differs, the checkout is refused (409 PRICE_CHANGED) and nothing changes.
 * `email` is where the order's news go (the order's `email`); a signed-in customer's account email when
 * absent.
 */
export const CheckoutCreateSchema = z.strictObject({
  expectedTotalMinor: z.int({ error: 'must be an integer' }).min(0).max(CART_MAX_TOTAL_MINOR),
  email: CustomerEmailSchema.optional(),
});
export type CheckoutCreate = z.infer<typeof CheckoutCreateSchema>;

/**
 * The refusals of a checkout (409 PRICE_CHANGED, CART_EMPTY, OUT_OF_STOCK): the error envelope, and with
 * PRICE_CHANGED the cart as it is now (`cart`, as GET /v1/carts/:id shows it) so the shopper can confirm
 * its new total at once. `cart` is a field of its own beside the envelope's: `details` keeps naming fields.
 */
export const CheckoutRefusalSchema = ErrorEnvelopeSchema.extend({
  cart: CartSchema.optional(),
});
export type CheckoutRefusal = z.infer<typeof CheckoutRefusalSchema>;
