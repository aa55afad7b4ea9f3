/**
 * How an attempt to pay ended, as the order page says it (`?payment=`): `sent`, waiting for the provider's
 * confirmation (the status turns paid live); `declined`; `not_a_test_card`, a number the test provider does
 * not take; `failed`, the attempt's outcome is unknown (the order still waits: try again).
 */
export const PAYMENT_OUTCOMES = ['sent', 'declined', 'not_a_test_card', 'failed'] as const;
export type PaymentOutcome = (typeof PAYMENT_OUTCOMES)[number];

export function parsePaymentOutcome(value: unknown): PaymentOutcome | null {
  return PAYMENT_OUTCOMES.find((outcome) => outcome === value) ?? null;
}

export const PAYMENT_OUTCOME_TEXT: Record<PaymentOutcome, string> = {
  sent: 'Payment sent: waiting for its confirmation.',
  declined: 'Your card was declined. Nothing was charged; your items stay reserved in this order while it waits for payment. Try another card.',
  not_a_test_card: 'This shop takes only its test cards. Nothing was charged; try one of the test card numbers.',
  failed: 'We could not confirm your payment. Nothing was charged twice; try again.',
};
