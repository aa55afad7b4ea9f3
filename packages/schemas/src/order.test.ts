import { describe, expect, it } from 'vitest';
import {
  FINAL_ORDER_STATUSES,
  IdempotencyKeySchema,
  nextOrderStatus,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  ORDER_MAX_ITEMS,
  ORDER_MAX_QUANTITY,
  OrderCreateHeadersSchema,
  OrderCreateSchema,
  OrderSchema,
} from './order.js';

const productId = '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const line = { productId, quantity: 2 };

describe('OrderCreateSchema', () => {
  it('parses an order request', () => {
    expect(OrderCreateSchema.parse({ items: [line] })).toEqual({ items: [line] });
  });

  it('rejects unknown keys at the top and in items', () => {
    expect(OrderCreateSchema.safeParse({ items: [line], total: 0 }).success).toBe(false);
    expect(OrderCreateSchema.safeParse({ items: [{ ...line, unitPriceMinor: 1 }] }).success).toBe(false);
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['too large', ORDER_MAX_QUANTITY + 1],
    ['a string', '2'],
  ])('rejects a %s quantity', (_label, quantity) => {
    const result = OrderCreateSchema.safeParse({ items: [{ productId, quantity }] });
    expect(result.error?.issues[0]?.path).toEqual(['items', 0, 'quantity']);
  });

  it(`takes 1 to ${ORDER_MAX_ITEMS} lines`, () => {
    expect(OrderCreateSchema.safeParse({ items: [] }).error?.issues[0]?.message).toBe('must hold at least one item');
    expect(OrderCreateSchema.safeParse({ items: Array(ORDER_MAX_ITEMS).fill(line) }).success).toBe(true);
    expect(OrderCreateSchema.safeParse({ items: Array(ORDER_MAX_ITEMS + 1).fill(line) }).success).toBe(false);
  });
});

describe('IdempotencyKeySchema', () => {
  it.each(['0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', 'retry-key-01', 'k'.repeat(200)])('accepts %j', (key) => {
    expect(IdempotencyKeySchema.safeParse(key).success).toBe(true);
  });

  it.each(['short', 'k'.repeat(201), 'has space', 'clé-unique', 'tab\tkey123'])('rejects %j', (key) => {
    expect(IdempotencyKeySchema.safeParse(key).success).toBe(false);
  });

  it('is optional among the other request headers', () => {
    expect(OrderCreateHeadersSchema.safeParse({ 'content-type': 'application/json' }).success).toBe(true);
    expect(OrderCreateHeadersSchema.safeParse({ 'idempotency-key': 'x' }).success).toBe(false);
  });
});

describe('OrderSchema', () => {
  const order = {
    id: '1c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    status: 'pending_payment',
    items: [
      { productId, sku: 'MUG-001', name: 'Blue mug', quantity: 2, unitPriceMinor: 1299, lineTotalMinor: 2598 },
    ],
    currency: 'EUR',
    totalMinor: 2598,
    createdAt: '2025-01-02T03:04:05Z',
    updatedAt: '2025-01-02T03:04:05Z',
    paymentDueAt: '2025-01-02T03:19:05Z',
  };

  it('parses an order as the API returns it', () => {
    expect(OrderSchema.parse(order)).toEqual(order);
  });

  it('keeps totals integral', () => {
    expect(OrderSchema.safeParse({ ...order, totalMinor: 25.98 }).success).toBe(false);
  });
});

describe('the order state machine', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = ORDER_STATUSES.flatMap((status) =>
      ORDER_ACTIONS.flatMap((action) => {
        const next = nextOrderStatus(status, action);
        return next === null ? [] : [`${status} -${action}-> ${next}`];
      }),
    );
    expect(allowed.sort()).toEqual([
      'paid -cancel-> cancelled',
      'paid -fulfil-> fulfilled',
      'pending_payment -cancel-> cancelled',
      'pending_payment -confirm_payment-> paid',
      'pending_payment -expire-> expired',
    ]);
  });

  it('ends in fulfilled, cancelled or expired', () => {
    expect([...FINAL_ORDER_STATUSES].sort()).toEqual(['cancelled', 'expired', 'fulfilled']);
  });
});
