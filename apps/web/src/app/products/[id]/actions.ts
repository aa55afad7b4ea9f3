'use server';

import type { Currency } from '@livecart/schemas/common';
import { IdempotencyKeySchema, ORDER_MAX_QUANTITY } from '@livecart/schemas/order';
import { z } from 'zod';
import { ApiError } from '@/lib/api/http';
import { createOrder } from '@/lib/api/orders';
import { forwardedFor } from '@/lib/client-address/client-address';

export type OrderState =
  | { status: 'idle' }
  | { status: 'ok'; orderId: string; quantity: number; totalMinor: number; currency: Currency }
  | { status: 'sold_out' | 'conflict' | 'invalid' | 'retryable'; message: string };

const OrderFormSchema = z.object({
  productId: z.uuid(),
  quantity: z.coerce.number().int().min(1).max(ORDER_MAX_QUANTITY),
  idempotencyKey: IdempotencyKeySchema,
});

/** Buy now. The browser picks the idempotency key per attempt, so a retried attempt never orders twice. */
export async function placeOrder(_previous: OrderState, formData: FormData): Promise<OrderState> {
  const input = OrderFormSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) return { status: 'invalid', message: 'Choose a quantity between 1 and the units left.' };
  const { productId, quantity, idempotencyKey } = input.data;
  try {
    const order = await createOrder(await forwardedFor(), { items: [{ productId, quantity }] }, idempotencyKey);
    return { status: 'ok', orderId: order.id, quantity, totalMinor: order.totalMinor, currency: order.currency };
  } catch (error) {
    return toOrderState(error);
  }
}

function toOrderState(error: unknown): OrderState {
  if (!(error instanceof ApiError)) throw error;
  switch (error.code) {
    case 'OUT_OF_STOCK':
      return { status: 'sold_out', message: 'Not enough stock left for this quantity. Someone may have just bought it.' };
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'CONFLICT':
      return { status: 'conflict', message: 'This order conflicts with an earlier attempt. Please start a new order.' };
    case 'NOT_FOUND':
      return { status: 'invalid', message: 'This product is no longer available.' };
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      // The API asks no credential for orders (only staff writes need one), so a refusal
      // means something between here and the API is misconfigured: an operator problem, not the shopper's.
      return { status: 'retryable', message: 'The shop cannot take orders right now. Please try again later.' };
    case 'VALIDATION_FAILED':
      return { status: 'invalid', message: error.details[0]?.message ?? error.message };
    default:
      if (error.retryable) return { status: 'retryable', message: 'We could not confirm your order. Try again: you will not be charged twice.' };
      return { status: 'invalid', message: error.message };
  }
}
