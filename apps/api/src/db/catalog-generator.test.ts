import { ProductCreateSchema } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { CATEGORY_SLUGS, generateProduct } from './catalog-generator.js';

describe('catalog generator', () => {
  it('is deterministic, so re-seeding finds the same skus', () => {
    expect(generateProduct(42)).toEqual(generateProduct(42));
    expect(generateProduct(42).sku).not.toBe(generateProduct(43).sku);
  });

  it('spreads 5,000 valid products over at least 10 categories', () => {
    const products = Array.from({ length: 5_000 }, (_, i) => generateProduct(i));
    expect(new Set(products.map((p) => p.sku)).size).toBe(5_000);
    expect(new Set(products.map((p) => p.category)).size).toBe(CATEGORY_SLUGS.length);
    expect(CATEGORY_SLUGS.length).toBeGreaterThanOrEqual(10);
    for (const { ageSeconds: _age, ...product } of products.slice(0, 200)) expect(ProductCreateSchema.parse(product)).toBeTruthy();
    expect(products.some((p) => p.stock === 0)).toBe(true);
    expect(products.every((p) => Number.isInteger(p.priceMinor) && p.priceMinor > 0)).toBe(true);
  });
});
