'use server';

import type { Cart } from '@livecart/schemas/cart';
import { CartQuantitySchema } from '@livecart/schemas/cart';
import { z } from 'zod';
import type { CallerHeaders } from '@/lib/api/auth';
import { addCartLine, fetchCart, openCart, removeCartLine, updateCartLine } from '@/lib/api/carts';
import { ApiError } from '@/lib/api/http';
import { relayShopperCookie, rememberCartId, rememberedCartId, shopperCaller } from '@/lib/shopper/shopper-cookie';

export type AddToCartState =
  | { status: 'idle' }
  | { status: 'ok'; quantity: number; itemCount: number }
  | { status: 'error'; message: string };

export type CartActionResult = { status: 'ok'; cart: Cart | null } | { status: 'error'; message: string; cart: Cart | null };

const AddFormSchema = z.object({ productId: z.uuid(), quantity: z.coerce.number().pipe(CartQuantitySchema) });

/** The shopper's cart: the remembered one if the API still serves it to them, else their current (or a new) one. */
async function currentCartId(caller: CallerHeaders): Promise<string> {
  const remembered = await rememberedCartId();
  if (remembered !== null) return remembered;
  return (await reopenCart(caller)).id;
}

async function reopenCart(caller: CallerHeaders): Promise<Cart> {
  const { cart, headers } = await openCart(caller);
  await relayShopperCookie(headers, caller);
  await rememberCartId(cart.id);
  return cart;
}

/** Add to cart (catalog and product pages): starts a guest session on the first add. */
export async function addToCart(_previous: AddToCartState, formData: FormData): Promise<AddToCartState> {
  const input = AddFormSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) return { status: 'error', message: 'Choose a quantity between 1 and 99.' };
  const caller = await shopperCaller();
  try {
    let cartId = await currentCartId(caller);
    let answer;
    try {
      answer = await addCartLine(caller, cartId, input.data);
    } catch (error) {
      // The remembered cart is gone (expired, or the session changed): take the shopper's current one.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      cartId = (await reopenCart(caller)).id;
      answer = await addCartLine(caller, cartId, input.data);
    }
    await relayShopperCookie(answer.headers, caller);
    await rememberCartId(answer.cart.id);
    return { status: 'ok', quantity: input.data.quantity, itemCount: answer.cart.itemCount };
  } catch (error) {
    return { status: 'error', message: cartErrorMessage(error) };
  }
}

/** Sets a line's quantity; the answer is the whole cart as the API now holds it. */
export async function changeLineQuantity(productId: string, quantity: number): Promise<CartActionResult> {
  const parsed = z.object({ productId: z.uuid(), quantity: CartQuantitySchema }).safeParse({ productId, quantity });
  if (!parsed.success) return { status: 'error', message: 'Choose a quantity between 1 and 99.', cart: null };
  return lineAction((caller, cartId) => updateCartLine(caller, cartId, productId, quantity));
}

export async function removeLine(productId: string): Promise<CartActionResult> {
  if (!z.uuid().safeParse(productId).success) return { status: 'error', message: 'No such line.', cart: null };
  return lineAction((caller, cartId) => removeCartLine(caller, cartId, productId));
}

async function lineAction(call: (caller: CallerHeaders, cartId: string) => Promise<{ cart: Cart; headers: Headers }>): Promise<CartActionResult> {
  const caller = await shopperCaller();
  const cartId = await rememberedCartId();
  if (cartId === null) return { status: 'error', message: 'Your cart has expired.', cart: null };
  try {
    const { cart, headers } = await call(caller, cartId);
    await relayShopperCookie(headers, caller);
    return { status: 'ok', cart };
  } catch (error) {
    const fresh = await fetchCart(caller, cartId).catch(() => null);
    return { status: 'error', message: cartErrorMessage(error), cart: fresh?.cart ?? null };
  }
}

function cartErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) throw error;
  switch (error.code) {
    case 'OUT_OF_STOCK':
      return 'Not enough of this product is left for that quantity.';
    case 'CONFLICT':
      return 'Your cart is in another currency: check out or empty it first.';
    case 'NOT_FOUND':
      return 'This is no longer in your cart.';
    case 'VALIDATION_FAILED':
      return error.details[0]?.message ? `Quantity ${error.details[0].message}.` : error.message;
    default:
      return error.retryable ? 'Your cart cannot be reached right now. Try again in a moment.' : error.message;
  }
}
