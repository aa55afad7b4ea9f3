import { z } from 'zod';
import { CurrencySchema, IdSchema, MinorAmountSchema, TimestampSchema } from './common.js';
import { CustomerEmailSchema } from './customer.js';
import { CursorSchema, SkuSchema } from './product.js';

export const ORDER_MAX_ITEMS = 50;
export const ORDER_MAX_QUANTITY = 1_000;

export const OrderItemInputSchema = z.strictObject({
  productId: IdSchema,
  quantity: z.int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).max(ORDER_MAX_QUANTITY),
});
export type OrderItemInput = z.infer<typeof OrderItemInputSchema>;

/** Each product may appear once; all products of an order must share one currency. */
export const OrderCreateSchema = z
  .strictObject({
    items: z.array(OrderItemInputSchema).min(1, { error: 'must hold at least one item' }).max(ORDER_MAX_ITEMS),
  })
  .meta({ examples: [{ items: [{ productId: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', quantity: 2 }] }] });
export type OrderCreate = z.infer<typeof OrderCreateSchema>;

/** A retry carrying the same key gets the first result back instead of a second order. */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{8,200}$/, { error: 'must be 8-200 printable ASCII characters, e.g. a UUID' });

export const OrderCreateHeadersSchema = z.object({
  'idempotency-key': IdempotencyKeySchema.optional(),
});

export const OrderIdParamsSchema = z.strictObject({ id: IdSchema });

/**
 * Where an order is in its life. It starts `pending_payment`; a confirmed payment makes it `paid`, staff
 * make it `fulfilled`; it may be `cancelled` (unpaid, or paid and refunded) or `expired` (unpaid past its
 * payment deadline). Orders placed before 0.6.0 as `confirmed` are `paid`.
 */
export const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilled', 'cancelled', 'expired'] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/** What can happen to an order; each moves it along one row of ORDER_TRANSITIONS. */
export const ORDER_ACTIONS = ['confirm_payment', 'fulfil', 'cancel', 'expire'] as const;
export type OrderAction = z.infer<typeof OrderActionSchema>;
export const OrderActionSchema = z.enum(ORDER_ACTIONS);

/**
 * The state machine, the one place that decides: for each action, the status it leads to from each status
 * it is allowed in. Anything not listed is refused. Cancelling a paid order refunds its payment.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderAction, Readonly<Partial<Record<OrderStatus, OrderStatus>>>>> = {
  confirm_payment: { pending_payment: 'paid' },
  fulfil: { paid: 'fulfilled' },
  cancel: { pending_payment: 'cancelled', paid: 'cancelled' },
  expire: { pending_payment: 'expired' },
};

/** The status `action` leads to from `status`, or null when the state machine does not allow it. */
export function nextOrderStatus(status: OrderStatus, action: OrderAction): OrderStatus | null {
  return ORDER_TRANSITIONS[action][status] ?? null;
}

/** Statuses an order never leaves. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((status) =>
  ORDER_ACTIONS.every((action) => nextOrderStatus(status, action) === null),
);

/** Statuses whose stock went back to the shelf: the order's units are no longer taken. */
export const STOCK_RELEASING_STATUSES: readonly OrderStatus[] = ['cancelled', 'expired'];

export const OrderItemSchema = z.object({
  productId: IdSchema,
  sku: SkuSchema,
  name: z.string().max(200),
  quantity: OrderItemInputSchema.shape.quantity,
  unitPriceMinor: MinorAmountSchema,
  lineTotalMinor: z.int().min(0),
});
export type OrderItem = z.infer<typeof OrderItemSchema>;

export const OrderSchema = z.object({
  id: IdSchema,
  status: OrderStatusSchema,
  items: z.array(OrderItemSchema).min(1),
  currency: CurrencySchema,
  totalMinor: z.int().min(0),
  createdAt: TimestampSchema,
  /** When the order last changed status (its creation, for a new order). */
  updatedAt: TimestampSchema,
  /** The payment deadline: an order still `pending_payment` then expires. Null for orders placed before 0.6.0. */
  paymentDueAt: TimestampSchema.nullable(),
  /**
   * Where the order's news go: the email given at checkout, or the signed-in customer's. Null for orders
   * placed by POST /v1/orders; absent from events recorded before 0.12.0.
   */
  email: CustomerEmailSchema.nullable().optional(),
});
export type Order = z.infer<typeof OrderSchema>;

/**
 * The answer to placing an order: the order and, shown this once, the signed link token that lets its
 * holder read, pay and cancel it (`Authorization: Order <token>`, or `?token=` in a link) until it expires.
 */
export const OrderPlacedSchema = z.object({
  ...OrderSchema.shape,
  accessToken: z.string().max(400),
  accessTokenExpiresAt: TimestampSchema,
});
export type OrderPlaced = z.infer<typeof OrderPlacedSchema>;

/** How a shopper proves an order is theirs on the order routes (the header carries the same token). */
export const OrderAccessQuerySchema = z.strictObject({
  token: z.string().min(1).max(400).optional(),
});
export type OrderAccessQuery = z.infer<typeof OrderAccessQuerySchema>;

export const ORDER_PAGE_SIZE_DEFAULT = 20;
export const ORDER_PAGE_SIZE_MAX = 100;

/** A signed-in customer's order history: newest first; `cursor` is a previous page's `nextCursor`. */
export const CustomerOrderListQuerySchema = z.strictObject({
  cursor: CursorSchema.optional(),
  limit: z.int().min(1).max(ORDER_PAGE_SIZE_MAX).default(ORDER_PAGE_SIZE_DEFAULT),
});
export type CustomerOrderListQuery = z.infer<typeof CustomerOrderListQuerySchema>;
export type CustomerOrderListQueryInput = z.input<typeof CustomerOrderListQuerySchema>;

export const OrderPageSchema = z.object({
  items: z.array(OrderSchema),
  nextCursor: CursorSchema.nullable(),
});
export type OrderPage = z.infer<typeof OrderPageSchema>;
