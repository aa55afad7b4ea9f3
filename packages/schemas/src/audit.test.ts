import { describe, expect, it } from 'vitest';
import { AUDIT_PAGE_SIZE_DEFAULT, AUDIT_PAGE_SIZE_MAX, AuditEntrySchema, AuditListQuerySchema } from './audit.js';
import { sampleProduct } from '../test/fixtures.js';

const entry = {
  id: 7,
  action: 'product.updated',
  subject: { type: 'product', id: sampleProduct.id },
  change: [{ field: 'priceMinor', from: 1299, to: 999 }],
  actor: { type: 'user', id: '5b0f3c1e-7a2d-4e8f-9a1b-2c3d4e5f6a7b', name: 'ada@shop.example' },
  at: '2026-01-02T03:04:05.678Z',
  eventSeq: 42,
};

describe('AuditEntrySchema', () => {
  it('parses an entry: what, to what, the change, who, when and its event', () => {
    expect(AuditEntrySchema.parse(entry)).toEqual(entry);
    expect(AuditEntrySchema.parse({ ...entry, action: 'staff_user.created', subject: { type: 'staff_user', id: sampleProduct.id }, eventSeq: null }).eventSeq).toBeNull();
  });

  it('refuses an entry without a valid actor or with an unknown action', () => {
    expect(AuditEntrySchema.safeParse({ ...entry, actor: undefined }).success).toBe(false);
    expect(AuditEntrySchema.safeParse({ ...entry, actor: { type: 'guest', id: null, name: '' } }).success).toBe(false);
    expect(AuditEntrySchema.safeParse({ ...entry, action: 'product.stolen' }).success).toBe(false);
    expect(AuditEntrySchema.safeParse({ ...entry, eventSeq: 0 }).success).toBe(false);
    expect(AuditEntrySchema.safeParse({ ...entry, change: [{ field: 'stock', from: { nested: true }, to: 1 }] }).success).toBe(false);
  });
});

describe('AuditListQuerySchema', () => {
  it('defaults the page size and accepts the product and actor filters', () => {
    expect(AuditListQuerySchema.parse({})).toEqual({ limit: AUDIT_PAGE_SIZE_DEFAULT });
    const query = { productId: sampleProduct.id, actorType: 'api_key', actorId: sampleProduct.id, limit: 10, cursor: 'abc_-1' };
    expect(AuditListQuerySchema.parse(query)).toEqual(query);
  });

  it('refuses unknown filters, bad ids, bad cursors and pages over the maximum', () => {
    expect(AuditListQuerySchema.safeParse({ subject: 'x' }).success).toBe(false);
    expect(AuditListQuerySchema.safeParse({ productId: 'not-a-uuid' }).success).toBe(false);
    expect(AuditListQuerySchema.safeParse({ actorType: 'robot' }).success).toBe(false);
    expect(AuditListQuerySchema.safeParse({ cursor: 'a b' }).success).toBe(false);
    expect(AuditListQuerySchema.safeParse({ limit: AUDIT_PAGE_SIZE_MAX + 1 }).success).toBe(false);
  });
});
