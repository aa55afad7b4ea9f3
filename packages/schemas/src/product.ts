import { z } from 'zod';
import {
  CategorySlugSchema,
  CurrencySchema,
  IdSchema,
  MAX_MINOR_AMOUNT,
  MinorAmountSchema,
  StockSchema,
  TimestampSchema,
  VersionSchema,
} from './common.js';

export const SkuSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Z0-9][A-Z0-9-]*[A-Z0-9]$/, { error: 'must be 3-32 characters of A-Z, 0-9 and inner dashes' });

const NameSchema = z.string().max(200).regex(/\S/, { error: 'must not be blank' });
const DescriptionSchema = z.string().max(5_000);
const ImageUrlSchema = z
  .string()
  .max(2_048)
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?$/, { error: 'must be an http(s) URL' });

/** A product as every reader sees it. */
export const ProductSchema = z.object({
  id: IdSchema,
  sku: SkuSchema,
  name: NameSchema,
  description: DescriptionSchema,
  category: CategorySlugSchema,
  priceMinor: MinorAmountSchema,
  currency: CurrencySchema,
  /** Units on hand, held in carts included: what staff count and edit. */
  stock: StockSchema,
  /**
   * Units anyone may still put in a cart or buy: `stock` less the units held in shoppers' carts. What a
   * storefront shows. Absent only on events written before 0.5.0, when it equalled `stock`.
   */
  available: StockSchema.optional(),
  imageUrl: ImageUrlSchema.nullable(),
  version: VersionSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
}).meta({
  examples: [
    {
      id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      sku: 'MUG-001',
      name: 'Blue mug',
      description: 'Stoneware, 350 ml',
      category: 'kitchen',
      priceMinor: 1299,
      currency: 'EUR',
      stock: 11,
      available: 9,
      imageUrl: null,
      version: 4,
      createdAt: '2026-01-02T03:04:05Z',
      updatedAt: '2026-01-03T03:04:05Z',
    },
  ],
});
export type Product = z.infer<typeof ProductSchema>;

export const ProductCreateSchema = z.strictObject({
  sku: SkuSchema,
  name: NameSchema,
  description: DescriptionSchema.default(''),
  category: CategorySlugSchema,
  priceMinor: MinorAmountSchema,
  currency: CurrencySchema.default('EUR'),
  stock: StockSchema.default(0),
  imageUrl: ImageUrlSchema.nullable().default(null),
}).meta({
  examples: [
    { sku: 'MUG-001', name: 'Blue mug', category: 'kitchen', priceMinor: 1299 },
    { sku: 'TEA-042', name: 'Sencha, 100 g', description: 'First flush', category: 'tea', priceMinor: 850, currency: 'EUR', stock: 40, imageUrl: 'https://img.shop.example/tea-042.jpg' },
  ],
});
export type ProductCreate = z.infer<typeof ProductCreateSchema>;
export type ProductCreateInput = z.input<typeof ProductCreateSchema>;

/**
 * A partial update. `version` is the version the writer last saw: a stale one is refused (HTTP 412).
 * It may instead travel in an `If-Match` header.
 */
export const ProductUpdateSchema = z.strictObject({
  name: NameSchema.optional(),
  description: DescriptionSchema.optional(),
  category: CategorySlugSchema.optional(),
  priceMinor: MinorAmountSchema.optional(),
  currency: CurrencySchema.optional(),
  stock: StockSchema.optional(),
  imageUrl: ImageUrlSchema.nullable().optional(),
  version: VersionSchema.optional(),
});
export type ProductUpdate = z.infer<typeof ProductUpdateSchema>;

export const ProductIdParamsSchema = z.strictObject({ id: IdSchema });
export type ProductIdParams = z.infer<typeof ProductIdParamsSchema>;

export const BULK_MAX_ITEMS = 1_000;

export const BulkProductUpdateItemSchema = z.strictObject({
  id: IdSchema,
  priceMinor: MinorAmountSchema.optional(),
  stock: StockSchema.optional(),
  version: VersionSchema.optional(),
});
export type BulkProductUpdateItem = z.infer<typeof BulkProductUpdateItemSchema>;

/** Price and stock changes for many products, applied in one transaction: all or nothing. */
export const BulkProductUpdateSchema = z.strictObject({
  items: z.array(BulkProductUpdateItemSchema).min(1).max(BULK_MAX_ITEMS),
});
export type BulkProductUpdate = z.infer<typeof BulkProductUpdateSchema>;

export const BulkProductUpdateResultSchema = z.object({
  items: z.array(ProductSchema),
});
export type BulkProductUpdateResult = z.infer<typeof BulkProductUpdateResultSchema>;

/**
 * Most products one category reprice may change. The operation locks and rewrites the whole category in
 * one transaction, so a bigger one would hold its locks (and block every write to those products) longer.
 */
export const REPRICE_MAX_PRODUCTS = 10_000;

/**
 * A percentage with at most two decimals, as a string so that no float ever touches a price: "-10", "2.5",
 * "+7.25". Prices are multiplied by (100 + percent) / 100 in exact integer arithmetic.
 */
export const RepricePercentSchema = z
  .string()
  .regex(/^[+-]?\d{1,4}(?:\.\d{1,2})?$/, { error: 'must be a percentage with at most two decimals, such as -10 or 2.5' });

export const PriceChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('percent'), percent: RepricePercentSchema }),
  /** A fixed amount in the currency's minor units, added to (or, when negative, taken from) every price. */
  z.strictObject({
    kind: z.literal('amount'),
    amountMinor: z
      .int({ error: 'must be an integer amount in minor units' })
      .min(-MAX_MINOR_AMOUNT, { error: `must be at least -${MAX_MINOR_AMOUNT}` })
      .max(MAX_MINOR_AMOUNT, { error: `must be at most ${MAX_MINOR_AMOUNT}` }),
    /** Every product of the category must be priced in this currency, or nothing changes. */
    currency: CurrencySchema,
  }),
]);
export type PriceChange = z.infer<typeof PriceChangeSchema>;

export const ROUNDING_MODES = ['half_up', 'half_even', 'down', 'up'] as const;
/**
 * How a percentage's result becomes a whole minor unit: `half_up` (halves away from zero, the default),
 * `half_even` (halves to the even neighbour), `down` (towards zero), `up` (away from zero).
 */
export const RoundingModeSchema = z.enum(ROUNDING_MODES, { error: `must be one of ${ROUNDING_MODES.join(', ')}` });
export type RoundingMode = z.infer<typeof RoundingModeSchema>;

/** One price change for every product of a category, applied in one transaction: all or nothing. */
export const CategoryRepriceSchema = z
  .strictObject({
    category: CategorySlugSchema,
    change: PriceChangeSchema,
    rounding: RoundingModeSchema.default('half_up'),
    /** The number of products the caller expects the category to hold; any other count refuses the change. */
    expectedCount: z.int({ error: 'must be an integer' }).min(1).max(REPRICE_MAX_PRODUCTS).optional(),
  })
  .meta({
    examples: [
      { category: 'kitchen', change: { kind: 'percent', percent: '-10' } },
      { category: 'garden', change: { kind: 'percent', percent: '2.5' }, rounding: 'half_even', expectedCount: 412 },
      { category: 'toys', change: { kind: 'amount', amountMinor: -100, currency: 'EUR' } },
    ],
  });
export type CategoryReprice = z.infer<typeof CategoryRepriceSchema>;
export type CategoryRepriceInput = z.input<typeof CategoryRepriceSchema>;

export const CategoryRepriceResultSchema = z.object({
  category: CategorySlugSchema,
  /** Products in the category when the change was applied. */
  matched: z.int().min(0).max(REPRICE_MAX_PRODUCTS),
  /** Products whose price moved (a change that rounds to the same price leaves a product, and its version, alone). */
  changed: z.int().min(0).max(REPRICE_MAX_PRODUCTS),
  /** The changed products as they are now, new version included, in id order. */
  items: z.array(ProductSchema),
});
export type CategoryRepriceResult = z.infer<typeof CategoryRepriceResultSchema>;

export const PRODUCT_SORTS = ['newest', 'price_asc', 'price_desc', 'name_asc', 'name_desc'] as const;
export const ProductSortSchema = z.enum(PRODUCT_SORTS, { error: `must be one of ${PRODUCT_SORTS.join(', ')}` });
export type ProductSort = z.infer<typeof ProductSortSchema>;

export const PAGE_SIZE_DEFAULT = 24;
export const PAGE_SIZE_MAX = 100;

/** An opaque position in a listing, returned as `nextCursor`; only valid with the same sort and filters. */
export const CursorSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a cursor returned by a previous page' });

export const ProductListQuerySchema = z.strictObject({
  cursor: CursorSchema.optional(),
  limit: z.int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
  category: CategorySlugSchema.optional(),
  minPrice: MinorAmountSchema.optional(),
  maxPrice: MinorAmountSchema.optional(),
  /** Products with units available (not all held in carts), or with none. */
  inStock: z.boolean().optional(),
  q: z.string().max(100).regex(/\S/, { error: 'must not be blank' }).optional(),
  sort: ProductSortSchema.default('newest'),
});
export type ProductListQuery = z.infer<typeof ProductListQuerySchema>;
export type ProductListQueryInput = z.input<typeof ProductListQuerySchema>;

export const ProductPageSchema = z.object({
  items: z.array(ProductSchema),
  nextCursor: CursorSchema.nullable(),
});
export type ProductPage = z.infer<typeof ProductPageSchema>;
