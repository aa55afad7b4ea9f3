import type { AuditChange, AuditValue, Product } from '@livecart/schemas';

/** A product's fields as the audit log records them (id, version and timestamps are the row's own). */
export const PRODUCT_AUDIT_FIELDS = ['sku', 'name', 'description', 'category', 'priceMinor', 'currency', 'stock', 'imageUrl'] as const;

/**
 * The fields whose value differs between `before` and `after`, in the order given; a missing side (a
 * creation, a deletion) counts as null. Lists compare by their items.
 */
export function fieldChanges<T extends object>(
  before: T | null,
  after: T | null,
  fields: readonly (keyof T & string)[],
): AuditChange {
  const change: AuditChange = [];
  for (const field of fields) {
    const from = (before?.[field] ?? null) as AuditValue;
    const to = (after?.[field] ?? null) as AuditValue;
    if (JSON.stringify(from) !== JSON.stringify(to)) change.push({ field, from, to });
  }
  return change;
}

export function productChanges(before: Product | null, after: Product | null): AuditChange {
  return fieldChanges(before, after, PRODUCT_AUDIT_FIELDS);
}
