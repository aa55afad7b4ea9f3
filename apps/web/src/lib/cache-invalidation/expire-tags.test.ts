import { getCacheHandlers, initializeCacheHandlers } from 'next/dist/server/use-cache/handlers.js';
import { describe, expect, it } from 'vitest';
import { expireTags } from './expire-tags';

describe('expireTags on the pinned Next.js', () => {
  it('refuses while Next has not set its caches up, then expires the tag in the caches Next itself consults', async () => {
    await expect(expireTags(['product:a'])).rejects.toThrow('not set up');
    initializeCacheHandlers(1024 * 1024);
    const handlers = [...(getCacheHandlers() ?? [])];
    expect(handlers.length).toBeGreaterThan(0);
    const before = Date.now();
    await expireTags(['product:a']);
    for (const handler of handlers) {
      // An entry stored before this moment under the tag is now expired: what a cached page read checks.
      expect(await handler.getExpiration(['product:a'])).toBeGreaterThanOrEqual(before);
      expect(await handler.getExpiration(['product:b'])).toBe(0);
    }
  });
});
