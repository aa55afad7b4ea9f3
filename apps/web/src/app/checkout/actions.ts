'use server';

import type { Cart } from '@livecart/schemas/cart';
import { CheckoutCreateSchema } from '@livecart/schemas/checkout';
import { CustomerEmailSchema } from '@livecart/schemas/customer';
import { IdempotencyKeySchema } from '@livecart/schemas/order';
import { CardNumberSchema } from '@livecart/schemas/payment';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { cartOfRefusal, checkOut } from '@/lib/api/checkout';
import { fetchCustomerSession } from '@/lib/api/customers';
import { ApiError } from '@/lib/api/http';
import { payOrder } from '@/lib/api/orders';
import type { PaymentOutcome } from '@/lib/checkout/payment-outcome';
import { paymentOutcomeOf } from '@/lib/checkout/payment-outcome-of';
import { relayShopperCookie, rememberCartId, shopperCaller } from '@/lib/shopper/shopper-cookie';

export type CheckoutField = 'email' | 'cardNumber';

export type CheckoutState =
  | { status: 'idle' }
  | { status: 'invalid'; errors: Partial<Record<CheckoutField, string>> }
  /** The cart's total is not the one confirmed: `cart` is the cart now, `confirmed` the total that was sent. */
  | { status: 'price_changed'; cart: Cart; confirmedTotalMinor: number }
  | { status: 'cart_empty' | 'out_of_stock' | 'retryable' | 'refused'; message: string };

const FormSchema = z.object({
  email: CustomerEmailSchema,
  cardNumber: CardNumberSchema,
  expectedTotalMinor: z.coerce.number().pipe(CheckoutCreateSchema.shape.expectedTotalMinor),
  idempotencyKey: IdempotencyKeySchema,
});

const FIELD_MESSAGES: Record<CheckoutField, string> = {
  email: 'Enter a valid email address, e.g. you@example.com.',
  cardNumber: 'Enter the card number: 12 to 19 digits, spaces between groups allowed.',
};

/**
 * Checkout: the cart becomes an order at the total the shopper confirmed (`POST /v1/checkout`, the
 * browser's Idempotency-Key per attempt), then the order is paid with the card (test provider). Either
 * way the shopper lands on the order page, which shows the payment's outcome live; a declined card is
 * said there, with another try, while the order keeps its units.
 */
export async function checkOutAndPay(_previous: CheckoutState, formData: FormData): Promise<CheckoutState> {
  const input = FormSchema.safeParse({
    email: String(formData.get('email') ?? '').trim(),
    cardNumber: String(formData.get('cardNumber') ?? '').trim(),
    expectedTotalMinor: formData.get('expectedTotalMinor'),
    idempotencyKey: formData.get('idempotencyKey'),
  });
  if (!input.success) {
    const errors: Partial<Record<CheckoutField, string>> = {};
    for (const issue of input.error.issues) {
      const field = issue.path[0];
      if (field === 'email' || field === 'cardNumber') errors[field] = FIELD_MESSAGES[field];
    }
    if (Object.keys(errors).length === 0) return { status: 'refused', message: 'The checkout form was incomplete. Reload the page and try again.' };
    return { status: 'invalid', errors };
  }
  const { email, cardNumber, expectedTotalMinor, idempotencyKey } = input.data;
  const caller = await shopperCaller();
  let placed;
  try {
    const { order, headers } = await checkOut(caller, { expectedTotalMinor, email }, idempotencyKey);
    await relayShopperCookie(headers, caller);
    placed = order;
  } catch (error) {
    return refusal(error, expectedTotalMinor);
  }
  // The cart is gone (it became the order): the next add starts the shopper's next one.
  await rememberCartId(null);
  const guest = (await fetchCustomerSession(caller).catch(() => null))?.customer == null;
  let outcome: PaymentOutcome = 'sent';
  try {
    await payOrder(caller, placed.id, placed.accessToken, cardNumber);
  } catch (error) {
    outcome = paymentOutcomeOf(error);
  }
  const query = new URLSearchParams();
  // A guest comes back through the order's link: it is in the address, and the page shows it to keep.
  if (guest) query.set('token', placed.accessToken);
  query.set('payment', outcome);
  redirect(`/orders/${placed.id}?${query}`);
}

function refusal(error: unknown, confirmedTotalMinor: number): CheckoutState {
  if (!(error instanceof ApiError)) throw error;
  switch (error.code) {
    case 'PRICE_CHANGED': {
      const cart = cartOfRefusal(error);
      if (cart !== undefined) return { status: 'price_changed', cart, confirmedTotalMinor };
      return { status: 'refused', message: 'Prices changed since you confirmed. Reload the page to see the new total.' };
    }
    case 'CART_EMPTY':
      return { status: 'cart_empty', message: 'Your cart is empty: it may have been checked out in another tab, or it expired.' };
    case 'OUT_OF_STOCK':
      return { status: 'out_of_stock', message: 'Part of your cart sold out after its reservation lapsed. Change or remove that line in your cart, then check out.' };
    case 'IDEMPOTENCY_KEY_REUSED':
      return { status: 'refused', message: 'This checkout conflicts with an earlier attempt. Submit again to start a new one.' };
    case 'RATE_LIMITED':
      return { status: 'retryable', message: `Too many orders in a short time. Try again${error.retryAfterSeconds === null ? ' later' : ` in ${error.retryAfterSeconds} s`}.` };
    default:
      if (error.retryable) return { status: 'retryable', message: 'We could not confirm your checkout. Try again: you will not be charged twice.' };
      return { status: 'refused', message: error.message };
  }
}
