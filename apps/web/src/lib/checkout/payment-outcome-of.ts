import 'server-only';
import { ApiError } from '@/lib/api/http';
import type { PaymentOutcome } from './payment-outcome';

/** What a refused payment attempt (an ApiError of `POST /v1/orders/:id/payment`) tells the shopper. */
export function paymentOutcomeOf(error: unknown): PaymentOutcome {
  if (!(error instanceof ApiError)) throw error;
  if (error.code === 'PAYMENT_DECLINED') return 'declined';
  if (error.status === 422) return 'not_a_test_card';
  return 'failed';
}
