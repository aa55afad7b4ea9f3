'use server';

import { OrderAccessQuerySchema } from '@livecart/schemas/order';
import { CardNumberSchema } from '@livecart/schemas/payment';
import { z } from 'zod';
import { payOrder } from '@/lib/api/orders';
import type { PaymentOutcome } from '@/lib/checkout/payment-outcome';
import { paymentOutcomeOf } from '@/lib/checkout/payment-outcome-of';
import { shopperCaller } from '@/lib/shopper/shopper-cookie';

export type PayState = { status: 'idle' } | { status: 'invalid'; message: string } | { status: PaymentOutcome };

const FormSchema = z.object({ orderId: z.uuid(), token: OrderAccessQuerySchema.shape.token, cardNumber: CardNumberSchema });

/** Pays an order that waits for its payment (another try after a declined card), as its owner or link holder. */
export async function payForOrder(_previous: PayState, formData: FormData): Promise<PayState> {
  const input = FormSchema.safeParse({
    orderId: formData.get('orderId'),
    token: formData.get('token') || undefined,
    cardNumber: String(formData.get('cardNumber') ?? '').trim(),
  });
  if (!input.success) return { status: 'invalid', message: 'Enter the card number: 12 to 19 digits, spaces between groups allowed.' };
  try {
    await payOrder(await shopperCaller(), input.data.orderId, input.data.token, input.data.cardNumber);
    return { status: 'sent' };
  } catch (error) {
    return { status: paymentOutcomeOf(error) };
  }
}
