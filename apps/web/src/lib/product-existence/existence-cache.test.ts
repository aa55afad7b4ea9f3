import { describe, expect, it } from 'vitest';
import { expireCachedTags } from '@/cache-handlers/tag-manifest';
import { EXISTENCE_MAX_AGE_MS, ExistenceCache } from './existence-cache';

const ID = '3f1c1e1e-0000-4000-8000-000000000001';

describe('ExistenceCache', () => {
  it('keeps a verdict until an event expires the product’s tag', () => {
    const cache = new ExistenceCache();
    const checkedAt = Date.now() - 1_000;
    cache.set(ID, false, checkedAt);
    expect(cache.get(ID)).toBe(false);
    expireCachedTags([`product:${ID}`]);
    expect(cache.get(ID)).toBeUndefined();
  });

  it('forgets a verdict older than a cached page may be', () => {
    const cache = new ExistenceCache();
    cache.set(ID, true, 0);
    expect(cache.get(ID, EXISTENCE_MAX_AGE_MS)).toBe(true);
    expect(cache.get(ID, EXISTENCE_MAX_AGE_MS + 1)).toBeUndefined();
  });
});
