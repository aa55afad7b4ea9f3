import { z } from 'zod';
import { CurrencySchema, IdSchema, MinorAmountSchema, TimestampSchema } from './common.js';

/** The payment providers the API knows; `test` runs offline and confirms through a signed webhook to the API. */
export const PAYMENT_PROVIDERS = ['test'] as const;
export const PaymentProviderSchema = z.enum(PAYMENT_PROVIDERS);
export type PaymentProviderName = z.infer<typeof PaymentProviderSchema>;

/**
 * One attempt to pay an order: `pending` until the provider's webhook confirms it (`succeeded`), `failed`
 * when the card was declined, `refunded` once the money went back (a cancelled paid order, or a payment
 * confirmed for an order that no longer waited for it).
 */
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded'] as const;
export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

/**
 * The test provider's cards (spaces optional). Success confirms at once, delayed confirmation a few seconds
 * later (PAYMENT_TEST_DELAY_MS), decline is refused on the spot; any other number is not a test card.
 */
export const TEST_CARDS = {
  success: '4242424242424242',
  decline: '4000000000000002',
  delayed: '4000000000003220',
} as const;

/** 12 to 19 digits, grouped with single spaces if you like ("4242 4242 4242 4242"). */
export const CardNumberSchema = z
  .string()
  .max(40)
  .regex(/^(?:\d ?){11,18}\d$/, { error: 'must be 12 to 19 digits, optionally grouped with single spaces' });

/** The digits of a card number as CardNumberSchema accepts it. */
export function cardDigits(cardNumber: string): string {
  return cardNumber.replaceAll(' ', '');
}

/** Paying an order with the test provider: a card number (never stored; only its last four digits are). */
export const OrderPaymentCreateSchema = z.strictObject({
  cardNumber: CardNumberSchema,
});
export type OrderPaymentCreate = z.infer<typeof OrderPaymentCreateSchema>;

export const PaymentSchema = z.object({
  id: IdSchema,
  orderId: IdSchema,
  provider: PaymentProviderSchema,
  /** The provider's own id of the payment. */
  providerPaymentId: z.string().max(200),
  status: PaymentStatusSchema,
  amountMinor: MinorAmountSchema,
  currency: CurrencySchema,
  cardLast4: z.string().regex(/^\d{4}$/).nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Payment = z.infer<typeof PaymentSchema>;

/**
 * What a provider's webhook says happened to a payment. Delivered with Standard Webhooks headers
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`); the same `webhook-id` is one delivery.
 */
export const PAYMENT_WEBHOOK_TYPES = ['payment.succeeded', 'payment.failed'] as const;
export const PaymentWebhookSchema = z.strictObject({
  type: z.enum(PAYMENT_WEBHOOK_TYPES),
  data: z.strictObject({
    providerPaymentId: z.string().min(1).max(200),
    amountMinor: MinorAmountSchema,
    currency: CurrencySchema,
  }),
});
export type PaymentWebhook = z.infer<typeof PaymentWebhookSchema>;

/** Standard Webhooks: a delivery id, the signing time in seconds, and `v1,<base64 HMAC-SHA256>` signatures. */
export const WebhookHeadersSchema = z.object({
  'webhook-id': z.string().min(1).max(200),
  'webhook-timestamp': z.string().regex(/^\d{1,12}$/, { error: 'must be whole seconds since the epoch' }),
  'webhook-signature': z.string().min(1).max(2_000),
});

export const PaymentWebhookReceivedSchema = z.object({
  /** False when this delivery id was seen before: nothing was done again. */
  processed: z.boolean(),
});
export type PaymentWebhookReceived = z.infer<typeof PaymentWebhookReceivedSchema>;
