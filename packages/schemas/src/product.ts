import { z } from 'zod';
import {
  CategorySlugSchema,
  CurrencySchema,
  IdSchema,
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
  stock: StockSchema,
  imageUrl: ImageUrlSchema.nullable(),
  version: VersionSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
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
