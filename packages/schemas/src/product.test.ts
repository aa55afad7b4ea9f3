import { describe, expect, it } from 'vitest';
import {
  BULK_MAX_ITEMS,
  BulkProductUpdateSchema,
  CategoryRepriceSchema,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  ProductCreateSchema,
  ProductListQuerySchema,
  ProductSchema,
  ProductUpdateSchema,
  SkuSchema,
} from './product.js';
import { toJsonSchema } from './json-schema.js';

const product = {
  id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  sku: 'MUG-001',
  name: 'Blue mug',
  description: 'Stoneware, 350 ml.',
  category: 'kitchen',
  priceMinor: 1299,
  currency: 'EUR',
  stock: 12,
  imageUrl: 'https://cdn.example.com/mug.jpg',
  version: 3,
  createdAt: '2025-01-02T03:04:05Z',
  updatedAt: '2025-01-02T03:04:05.678Z',
};

const create = { sku: 'MUG-001', name: 'Blue mug', category: 'kitchen', priceMinor: 1299 };

/** Paths of the issues zod reports, as `a.b.0.c`. */
function issuePaths(result: { error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'));
}

describe('ProductSchema', () => {
  it('parses a product as the API returns it', () => {
    expect(ProductSchema.parse(product)).toEqual(product);
  });

  it('accepts a product without an image', () => {
    expect(ProductSchema.safeParse({ ...product, imageUrl: null }).success).toBe(true);
  });

  it('rejects a float price and names the field', () => {
    const result = ProductSchema.safeParse({ ...product, priceMinor: 12.99 });
    expect(issuePaths(result)).toEqual(['priceMinor']);
  });

  it('rejects a negative stock and names the field', () => {
    const result = ProductSchema.safeParse({ ...product, stock: -1 });
    expect(issuePaths(result)).toEqual(['stock']);
  });
});

describe('ProductCreateSchema', () => {
  it('fills defaults: empty description, EUR, no stock, no image', () => {
    expect(ProductCreateSchema.parse(create)).toEqual({
      ...create,
      description: '',
      currency: 'EUR',
      stock: 0,
      imageUrl: null,
    });
  });

  it.each(['id', 'version', 'createdAt', 'isAdmin'])('rejects the unknown or server-owned key %j', (key) => {
    const result = ProductCreateSchema.safeParse({ ...create, [key]: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it.each(['sku', 'name', 'category', 'priceMinor'])('requires %s', (key) => {
    const { [key as keyof typeof create]: _dropped, ...rest } = create;
    expect(issuePaths(ProductCreateSchema.safeParse(rest))).toEqual([key]);
  });

  it('bounds the name: 200 characters pass, 201 and 10 MB do not', () => {
    expect(ProductCreateSchema.safeParse({ ...create, name: 'n'.repeat(200) }).success).toBe(true);
    expect(issuePaths(ProductCreateSchema.safeParse({ ...create, name: 'n'.repeat(201) }))).toEqual(['name']);
    expect(ProductCreateSchema.safeParse({ ...create, name: 'n'.repeat(10 * 1024 * 1024) }).success).toBe(false);
  });

  it('counts characters, not UTF-16 units: 200 emoji are a 200-character name', () => {
    expect(ProductCreateSchema.safeParse({ ...create, name: '😀'.repeat(200) }).success).toBe(true);
    expect(ProductCreateSchema.safeParse({ ...create, name: '😀'.repeat(201) }).success).toBe(false);
  });

  it('rejects a blank name', () => {
    expect(ProductCreateSchema.safeParse({ ...create, name: ' \t\n' }).success).toBe(false);
    expect(ProductCreateSchema.safeParse({ ...create, name: '' }).success).toBe(false);
  });

  it('bounds the description', () => {
    expect(ProductCreateSchema.safeParse({ ...create, description: 'd'.repeat(5_000) }).success).toBe(true);
    expect(ProductCreateSchema.safeParse({ ...create, description: 'd'.repeat(5_001) }).success).toBe(false);
  });

  it.each(['javascript:alert(1)', 'ftp://example.com/a.jpg', '//example.com/a.jpg', 'https://exa mple.com/a.jpg'])(
    'rejects the image URL %j',
    (imageUrl) => {
      expect(issuePaths(ProductCreateSchema.safeParse({ ...create, imageUrl }))).toEqual(['imageUrl']);
    },
  );

  it('rejects an image URL longer than 2048 characters', () => {
    const imageUrl = `https://cdn.example.com/${'a'.repeat(2_048)}`;
    expect(ProductCreateSchema.safeParse({ ...create, imageUrl }).success).toBe(false);
  });
});

describe('SkuSchema', () => {
  it.each(['ABC', 'MUG-001', 'A1-B2-C3'])('accepts %j', (sku) => {
    expect(SkuSchema.safeParse(sku).success).toBe(true);
  });

  it.each(['AB', 'mug-001', '-MUG', 'MUG-', 'MUG 001', 'A'.repeat(33)])('rejects %j', (sku) => {
    expect(SkuSchema.safeParse(sku).success).toBe(false);
  });
});

describe('ProductUpdateSchema', () => {
  it('accepts a partial update', () => {
    expect(ProductUpdateSchema.parse({ priceMinor: 999, version: 3 })).toEqual({ priceMinor: 999, version: 3 });
    expect(ProductUpdateSchema.parse({})).toEqual({});
  });

  it('may clear the image', () => {
    expect(ProductUpdateSchema.parse({ imageUrl: null })).toEqual({ imageUrl: null });
  });

  it.each(['sku', 'id', 'createdAt', 'updatedAt', 'price'])('rejects the key %j', (key) => {
    expect(ProductUpdateSchema.safeParse({ [key]: 'x' }).error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('keeps stock non-negative and money integral', () => {
    expect(ProductUpdateSchema.safeParse({ stock: -3 }).success).toBe(false);
    expect(ProductUpdateSchema.safeParse({ priceMinor: 9.99 }).success).toBe(false);
  });
});

describe('BulkProductUpdateSchema', () => {
  const item = { id: product.id, stock: 5 };

  it(`accepts 1 to ${BULK_MAX_ITEMS} items`, () => {
    expect(BulkProductUpdateSchema.safeParse({ items: [item] }).success).toBe(true);
    expect(BulkProductUpdateSchema.safeParse({ items: Array(BULK_MAX_ITEMS).fill(item) }).success).toBe(true);
  });

  it('rejects an empty or oversized batch', () => {
    expect(BulkProductUpdateSchema.safeParse({ items: [] }).success).toBe(false);
    expect(BulkProductUpdateSchema.safeParse({ items: Array(BULK_MAX_ITEMS + 1).fill(item) }).success).toBe(false);
  });

  it('rejects unknown keys in an item', () => {
    expect(BulkProductUpdateSchema.safeParse({ items: [{ ...item, name: 'x' }] }).success).toBe(false);
  });
});

describe('ProductListQuerySchema', () => {
  it('fills the page size and sort', () => {
    expect(ProductListQuerySchema.parse({})).toEqual({ limit: PAGE_SIZE_DEFAULT, sort: 'newest' });
  });

  it('bounds the page size', () => {
    expect(ProductListQuerySchema.safeParse({ limit: PAGE_SIZE_MAX }).success).toBe(true);
    expect(ProductListQuerySchema.safeParse({ limit: PAGE_SIZE_MAX + 1 }).success).toBe(false);
    expect(ProductListQuerySchema.safeParse({ limit: 0 }).success).toBe(false);
  });

  it('rejects unknown sorts and parameters', () => {
    expect(ProductListQuerySchema.safeParse({ sort: 'random' }).success).toBe(false);
    expect(ProductListQuerySchema.safeParse({ page: 2 }).success).toBe(false);
  });

  it('accepts only opaque cursors', () => {
    expect(ProductListQuerySchema.safeParse({ cursor: 'eyJpZCI6MX0' }).success).toBe(true);
    expect(ProductListQuerySchema.safeParse({ cursor: 'a b' }).success).toBe(false);
    expect(ProductListQuerySchema.safeParse({ cursor: 'c'.repeat(513) }).success).toBe(false);
  });

  it('bounds the search text and refuses a blank one', () => {
    expect(ProductListQuerySchema.safeParse({ q: 'mug' }).success).toBe(true);
    expect(ProductListQuerySchema.safeParse({ q: '   ' }).success).toBe(false);
    expect(ProductListQuerySchema.safeParse({ q: 'q'.repeat(101) }).success).toBe(false);
  });
});

describe('CategoryRepriceSchema', () => {
  it('accepts each of its documented examples, and fills in the rounding', () => {
    const examples = (toJsonSchema(CategoryRepriceSchema, 'input').examples ?? []) as unknown[];
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(CategoryRepriceSchema.safeParse(example).success).toBe(true);
    expect(CategoryRepriceSchema.parse({ category: 'kitchen', change: { kind: 'percent', percent: '-10' } }).rounding).toBe('half_up');
  });

  it.each([
    ['a float percent', { kind: 'percent', percent: 2.5 }, 'change.percent'],
    ['three decimals', { kind: 'percent', percent: '2.125' }, 'change.percent'],
    ['a comma', { kind: 'percent', percent: '2,5' }, 'change.percent'],
    ['a fractional amount', { kind: 'amount', amountMinor: 1.5, currency: 'EUR' }, 'change.amountMinor'],
    ['an amount without currency', { kind: 'amount', amountMinor: 100 }, 'change.currency'],
    ['an unknown kind', { kind: 'set', priceMinor: 100 }, 'change.kind'],
  ])('refuses %s, naming the field', (_label, change, path) => {
    expect(issuePaths(CategoryRepriceSchema.safeParse({ category: 'kitchen', change }))).toContain(path);
  });

  it('refuses unknown keys and an unknown rounding mode', () => {
    const change = { kind: 'percent', percent: '5' };
    expect(issuePaths(CategoryRepriceSchema.safeParse({ category: 'kitchen', change, rounding: 'nearest' }))).toEqual(['rounding']);
    expect(CategoryRepriceSchema.safeParse({ category: 'kitchen', change, force: true }).success).toBe(false);
  });
});
