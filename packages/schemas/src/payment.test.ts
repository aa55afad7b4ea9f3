import { describe, expect, it } from 'vitest';
import { cardDigits, CardNumberSchema, OrderPaymentCreateSchema, PaymentWebhookSchema, TEST_CARDS } from './payment.js';

describe('CardNumberSchema', () => {
  it.each(['4242 4242 4242 4242', '4242424242424242', '4000 0000 0000 3220', '123456789012', '1234567890123456789'])('accepts %j', (number) => {
    expect(CardNumberSchema.safeParse(number).success).toBe(true);
  });

  it.each(['', '4242-4242-4242-4242', '4242  4242 4242 4242', ' 4242424242424242', '12345678901', '12345678901234567890', '4242 4242 4242 424x'])('refuses %j', (number) => {
    expect(CardNumberSchema.safeParse(number).success).toBe(false);
  });

  it('reads the test cards with or without spaces', () => {
    expect(cardDigits('4242 4242 4242 4242')).toBe(TEST_CARDS.success);
    expect(OrderPaymentCreateSchema.safeParse({ cardNumber: '4000 0000 0000 0002', cvc: '123' }).success).toBe(false);
  });
});

describe('PaymentWebhookSchema', () => {
  it('takes a payment outcome and nothing else', () => {
    const body = { type: 'payment.succeeded', data: { providerPaymentId: 'tp_1', amountMinor: 100, currency: 'EUR' } };
    expect(PaymentWebhookSchema.parse(body)).toEqual(body);
    expect(PaymentWebhookSchema.safeParse({ ...body, type: 'payment.maybe' }).success).toBe(false);
    expect(PaymentWebhookSchema.safeParse({ ...body, data: { ...body.data, amountMinor: 1.5 } }).success).toBe(false);
  });
});
