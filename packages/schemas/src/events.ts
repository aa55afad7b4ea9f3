import { z } from 'zod';
import { ActorSchema } from './actor.js';
import { CategorySlugSchema, IdSchema, SeqSchema, TimestampSchema, VersionSchema } from './common.js';
import { ProductSchema, SkuSchema } from './product.js';
import { TopicSchema } from './topics.js';

export const EVENT_TYPES = ['product.created', 'product.updated', 'product.deleted', 'stock.changed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const eventBase = {
  /** Global, gapless-per-commit order of every change; consumers de-duplicate by it. */
  seq: SeqSchema.min(1),
  /** Every topic the change is visible under: its product, its category (old and new), the catalog. */
  topics: z.array(TopicSchema).min(1).max(8),
  occurredAt: TimestampSchema,
  /** Who made the change. Optional: events written before 0.2.0 (and by older producers) have none. */
  actor: ActorSchema.optional(),
};

export const ProductCreatedEventSchema = z.object({
  ...eventBase,
  type: z.literal('product.created'),
  data: ProductSchema,
});

/** Carries the whole product after the change, so a receiver never needs to refetch. */
export const ProductUpdatedEventSchema = z.object({
  ...eventBase,
  type: z.literal('product.updated'),
  data: ProductSchema,
});

/** An order (or a stock-only edit) changed how many units are left; the full product follows. */
export const StockChangedEventSchema = z.object({
  ...eventBase,
  type: z.literal('stock.changed'),
  data: ProductSchema,
});

export const ProductDeletedEventSchema = z.object({
  ...eventBase,
  type: z.literal('product.deleted'),
  data: z.object({
    id: IdSchema,
    sku: SkuSchema,
    category: CategorySlugSchema,
    version: VersionSchema,
  }),
});

export const EventSchema = z.discriminatedUnion('type', [
  ProductCreatedEventSchema,
  ProductUpdatedEventSchema,
  StockChangedEventSchema,
  ProductDeletedEventSchema,
]);
export type LivecartEvent = z.infer<typeof EventSchema>;
export type ProductCreatedEvent = z.infer<typeof ProductCreatedEventSchema>;
export type ProductUpdatedEvent = z.infer<typeof ProductUpdatedEventSchema>;
export type StockChangedEvent = z.infer<typeof StockChangedEventSchema>;
export type ProductDeletedEvent = z.infer<typeof ProductDeletedEventSchema>;
