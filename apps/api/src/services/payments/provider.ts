import type { Currency, PaymentProviderName, PaymentWebhook } from '@livecart/schemas';

export interface CreatePaymentRequest {
  /** Our id of the attempt; the provider keeps it as its reference (and idempotency key). */
  paymentId: string;
  orderId: string;
  amountMinor: number;
  currency: Currency;
  /** The card's digits. Only a test provider ever sees a card number; a real one gets a client-side token. */
  cardNumber: string;
}

export type CreatePaymentResult =
  /** Accepted: the outcome arrives later, as a webhook. */
  | { outcome: 'pending'; providerPaymentId: string }
  /** Refused on the spot; no webhook follows. */
  | { outcome: 'declined'; providerPaymentId: string; reason: string };

export interface RefundRequest {
  providerPaymentId: string;
  amountMinor: number;
  currency: Currency;
}

/** A webhook delivery as it arrived: its headers and its body's exact bytes (the signature covers them). */
export interface WebhookDelivery {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/** A verified delivery: its id (the same for every retry of it) and what it says. */
export interface VerifiedWebhook {
  deliveryId: string;
  body: unknown;
}

/**
 * What the API needs from a payment provider. The API never trusts a payment's outcome from the shopper's
 * side: a payment is `pending` until the provider's signed webhook says how it ended.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  createPayment(request: CreatePaymentRequest): Promise<CreatePaymentResult>;
  /** Gives the whole amount back; resolves with the provider's id of the refund. */
  refund(request: RefundRequest): Promise<{ providerRefundId: string }>;
  /** Checks a delivery's signature and age; throws WebhookRejectedError when it is not the provider's. */
  verifyWebhook(delivery: WebhookDelivery): VerifiedWebhook;
  /** Stops pending work (scheduled confirmations) when the app closes. */
  close(): void;
}

export type { PaymentWebhook };
