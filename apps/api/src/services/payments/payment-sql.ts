/** The columns of a payment, aliased to the names of PaymentSchema. */
export const PAYMENT_COLUMNS = `id, order_id AS "orderId", provider, provider_payment_id AS "providerPaymentId", status,
  amount_minor AS "amountMinor", currency, card_last4 AS "cardLast4", created_at AS "createdAt", updated_at AS "updatedAt"`;
