import { z } from 'zod';
import { CurrencySchema, IdSchema, MinorAmountSchema, TimestampSchema } from './common.js';
import { SkuSchema } from './product.js';

export const ORDER_MAX_ITEMS = 50;
export const ORDER_MAX_QUANTITY = 1_000;

export const OrderItemInputSchema = z.strictObject({
  productId: IdSchema,
  quantity: z.int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).max(ORDER_MAX_QUANTITY),
});
export type OrderItemInput = z.infer<typeof OrderItemInputSchema>;

/** Each product may appear once; all products of an order must share one currency. */
export const OrderCreateSchema = z.strictObject({
  items: z.array(OrderItemInputSchema).min(1, { error: 'must hold at least one item' }).max(ORDER_MAX_ITEMS),
});
export type OrderCreate = z.infer<typeof OrderCreateSchema>;

/** A retry carrying the same key gets the first result back instead of a second order. */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{8,200}$/, { error: 'must be 8-200 printable ASCII characters, e.g. a UUID' });

export const OrderCreateHeadersSchema = z.object({
  'idempotency-key': IdempotencyKeySchema.optional(),
});

export const OrderIdParamsSchema = z.strictObject({ id: IdSchema });

export const ORDER_STATUSES = ['confirmed'] as const;

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
  status: z.enum(ORDER_STATUSES),
  items: z.array(OrderItemSchema).min(1),
  currency: CurrencySchema,
  totalMinor: z.int().min(0),
  createdAt: TimestampSchema,
});
export type Order = z.infer<typeof OrderSchema>;
