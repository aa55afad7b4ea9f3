import { z } from 'zod';
import { ActorSchema, ActorTypeSchema } from './actor.js';
import { IdSchema, SeqSchema, TimestampSchema } from './common.js';
import { CursorSchema } from './product.js';

/** What was done; the operation, named like the route that did it. A new action is a minor release. */
export const AUDIT_ACTIONS = [
  'product.created',
  'product.updated',
  'product.deleted',
  'product.bulk_updated',
  'product.repriced',
  'order.placed',
  'order.paid',
  'order.fulfilled',
  'order.cancelled',
  'order.expired',
  'order.claimed',
  'payment.created',
  'payment.declined',
  'payment.succeeded',
  'payment.refunded',
  'staff_user.created',
  'staff_user.updated',
  'staff_user.signed_out_everywhere',
  'api_key.created',
  'api_key.revoked',
  'customer.created',
  'cart.created',
  'cart.line_added',
  'cart.line_updated',
  'cart.line_removed',
  'cart.merged',
  'cart.expired',
  'cart.checked_out',
  'reservation.expired',
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.deleted',
  'webhook_endpoint.secret_rotated',
  'webhook_endpoint.replayed',
  'webhook_endpoint.disabled',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/**
 * What a change happened to. An order changes the stock of each product it names (when placed, and when
 * cancelled or expired): one entry per product. A payment is one attempt to pay an order.
 */
export const AUDIT_SUBJECT_TYPES = ['product', 'order', 'payment', 'staff_user', 'api_key', 'customer', 'cart', 'webhook_endpoint'] as const;
export const AuditSubjectTypeSchema = z.enum(AUDIT_SUBJECT_TYPES);
export type AuditSubjectType = z.infer<typeof AuditSubjectTypeSchema>;

/**
 * A field's value as the audit log keeps it: text, an integer (money in minor units, stock), a flag, null,
 * or a list of names (a key's scopes); never a secret.
 */
export const AuditValueSchema = z.union([z.string(), z.int(), z.boolean(), z.null(), z.array(z.string())]);
export type AuditValue = z.infer<typeof AuditValueSchema>;

/** One field's value before and after; `null` where there was none (a creation, a deletion). */
export const FieldChangeSchema = z.object({ field: z.string().min(1).max(64), from: AuditValueSchema, to: AuditValueSchema });
export type FieldChange = z.infer<typeof FieldChangeSchema>;

/** The fields that changed; fields that stayed the same are left out. */
export const AuditChangeSchema = z.array(FieldChangeSchema).max(32);
export type AuditChange = z.infer<typeof AuditChangeSchema>;

export const AuditEntrySchema = z.object({
  /** Grows with every entry; newest first is highest first. */
  id: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  action: AuditActionSchema,
  subject: z.object({ type: AuditSubjectTypeSchema, id: IdSchema }),
  change: AuditChangeSchema,
  actor: ActorSchema,
  at: TimestampSchema,
  /** The seq of the event the change published, once the relay gave it one; null for changes without one. */
  eventSeq: SeqSchema.min(1).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AUDIT_PAGE_SIZE_DEFAULT = 50;
export const AUDIT_PAGE_SIZE_MAX = 200;

/**
 * Changes of one product (`productId`), by one actor (`actorType`, plus `actorId` for users, keys and customers), or
 * both; without either, every change. Newest first; `cursor` is a previous page's `nextCursor`.
 */
export const AuditListQuerySchema = z.strictObject({
  cursor: CursorSchema.optional(),
  limit: z.int().min(1).max(AUDIT_PAGE_SIZE_MAX).default(AUDIT_PAGE_SIZE_DEFAULT),
  productId: IdSchema.optional(),
  actorType: ActorTypeSchema.optional(),
  actorId: IdSchema.optional(),
});
export type AuditListQuery = z.infer<typeof AuditListQuerySchema>;
export type AuditListQueryInput = z.input<typeof AuditListQuerySchema>;

export const AuditPageSchema = z.object({
  items: z.array(AuditEntrySchema),
  nextCursor: CursorSchema.nullable(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;
