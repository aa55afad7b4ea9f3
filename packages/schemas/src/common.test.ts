import { describe, expect, it } from 'vitest';
import {
  CategorySlugSchema,
  IdSchema,
  MAX_MINOR_AMOUNT,
  MAX_STOCK,
  MinorAmountSchema,
  SeqSchema,
  StockSchema,
  TimestampSchema,
  VersionSchema,
} from './common.js';

describe('MinorAmountSchema: money is integer minor units', () => {
  it.each([0, 1, 1999, MAX_MINOR_AMOUNT])('accepts %d', (amount) => {
    expect(MinorAmountSchema.parse(amount)).toBe(amount);
  });

  it.each([
    ['a float (19.99 instead of 1999 cents)', 19.99],
    ['a negative amount', -1],
    ['more than the maximum', MAX_MINOR_AMOUNT + 1],
    ['an integer beyond 2^53', 2 ** 53 + 2],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '1999'],
    ['null', null],
  ])('rejects %s', (_label, amount) => {
    const result = MinorAmountSchema.safeParse(amount);
    expect(result.success).toBe(false);
  });

  it('says why a float is refused', () => {
    const result = MinorAmountSchema.safeParse(0.5);
    expect(result.error?.issues[0]?.message).toBe('must be an integer amount in minor units');
  });
});

describe('StockSchema: stock is never negative', () => {
  it.each([0, 1, MAX_STOCK])('accepts %d', (stock) => {
    expect(StockSchema.parse(stock)).toBe(stock);
  });

  it.each([-1, -0.5, 1.5, MAX_STOCK + 1, '3'])('rejects %s', (stock) => {
    expect(StockSchema.safeParse(stock).success).toBe(false);
  });

  it('names the rule broken by a negative stock', () => {
    expect(StockSchema.safeParse(-1).error?.issues[0]?.message).toBe('must not be negative');
  });
});

describe('VersionSchema and SeqSchema', () => {
  it('keeps versions within a Postgres integer', () => {
    expect(VersionSchema.safeParse(1).success).toBe(true);
    expect(VersionSchema.safeParse(0).success).toBe(false);
    expect(VersionSchema.safeParse(2_147_483_647).success).toBe(true);
    expect(VersionSchema.safeParse(2_147_483_648).success).toBe(false);
  });

  it('keeps event sequence numbers exact in JavaScript', () => {
    expect(SeqSchema.safeParse(0).success).toBe(true);
    expect(SeqSchema.safeParse(Number.MAX_SAFE_INTEGER).success).toBe(true);
    expect(SeqSchema.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
    expect(SeqSchema.safeParse(-1).success).toBe(false);
  });
});

describe('IdSchema', () => {
  it('accepts RFC 4122 UUIDs', () => {
    expect(IdSchema.safeParse('0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b').success).toBe(true);
  });

  it.each(['', 'not-a-uuid', '0b6f2a1e3c4d4e5f8a9b0c1d2e3f4a5b', 'urn:uuid:0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b'])(
    'rejects %j',
    (id) => {
      expect(IdSchema.safeParse(id).success).toBe(false);
    },
  );
});

describe('CategorySlugSchema', () => {
  it.each(['toys', 'home-garden', 'a', 'x1-2y'])('accepts %j', (slug) => {
    expect(CategorySlugSchema.safeParse(slug).success).toBe(true);
  });

  it.each(['', 'Home', 'home garden', '-home', 'home-', 'home--garden', 'home_garden', 'a'.repeat(65)])(
    'rejects %j',
    (slug) => {
      expect(CategorySlugSchema.safeParse(slug).success).toBe(false);
    },
  );
});

describe('TimestampSchema', () => {
  it.each(['2024-02-29T12:00:00Z', '2025-11-22T20:16:00.123Z'])('accepts the UTC timestamp %j', (ts) => {
    expect(TimestampSchema.safeParse(ts).success).toBe(true);
  });

  it.each(['2025-11-22T20:16:00+01:00', '2025-11-22 20:16:00Z', '2025-02-29T00:00:00Z', '2025-11-22', 'yesterday'])(
    'rejects %j',
    (ts) => {
      expect(TimestampSchema.safeParse(ts).success).toBe(false);
    },
  );
});
