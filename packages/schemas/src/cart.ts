import { z } from 'zod';
import { CurrencySchema, IdSchema, MinorAmountSchema, StockSchema, TimestampSchema } from './common.js';
import { SkuSchema } from './product.js';

/** Most distinct products one cart may hold. */
export const CART_MAX_LINES = 50;
/** Most units of one product one cart may hold. */
export const CART_MAX_LINE_QUANTITY = 99;
/** Largest cart total in minor units: every line at the largest price and quantity still fits exactly. */
export const CART_MAX_TOTAL_MINOR = Number.MAX_SAFE_INTEGER;

export const CartQuantitySchema = z
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be at least 1' })
  .max(CART_MAX_LINE_QUANTITY, { error: `must be at most ${CART_MAX_LINE_QUANTITY}` });

/** One product in a cart, at its current price. */
export const CartLineSchema = z.object({
  productId: IdSchema,
  sku: SkuSchema,
  name: z.string().max(200),
  quantity: CartQuantitySchema,
  unitPriceMinor: MinorAmountSchema,
  currency: CurrencySchema,
  lineTotalMinor: z.int().min(0).max(CART_MAX_TOTAL_MINOR),
  /** Units of the product anyone else may still take; this line's held units are not among them. */
  available: StockSchema,
  /**
   * Until when this line's units are held for the cart (renewed by every cart action); null once the hold
   * has lapsed: the line stays, and its units are held again by the next change of its quantity.
   */
  heldUntil: TimestampSchema.nullable(),
});
export type CartLine = z.infer<typeof CartLineSchema>;

/** A cart with its totals, in integer minor units of its one currency (null while it is empty). */
export const CartSchema = z.object({
  id: IdSchema,
  currency: CurrencySchema.nullable(),
  lines: z.array(CartLineSchema).max(CART_MAX_LINES),
  /** Units over every line. */
  itemCount: z.int().min(0).max(CART_MAX_LINES * CART_MAX_LINE_QUANTITY),
  totalMinor: z.int().min(0).max(CART_MAX_TOTAL_MINOR),
  /** When the cart is removed unless used before (CART_TTL_MS after its last change). */
  expiresAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Cart = z.infer<typeof CartSchema>;

export const CartIdParamsSchema = z.strictObject({ id: IdSchema });
export type CartIdParams = z.infer<typeof CartIdParamsSchema>;

export const CartLineParamsSchema = z.strictObject({ id: IdSchema, productId: IdSchema });
export type CartLineParams = z.infer<typeof CartLineParamsSchema>;

/** Adds units of a product (a new line, or more of an existing one). */
export const CartLineAddSchema = z.strictObject({
  productId: IdSchema,
  quantity: CartQuantitySchema.default(1),
});
export type CartLineAdd = z.infer<typeof CartLineAddSchema>;
export type CartLineAddInput = z.input<typeof CartLineAddSchema>;

/** Sets a line's quantity (removing a line is DELETE). */
export const CartLineUpdateSchema = z.strictObject({ quantity: CartQuantitySchema });
export type CartLineUpdate = z.infer<typeof CartLineUpdateSchema>;
