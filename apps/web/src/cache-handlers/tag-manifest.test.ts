import { describe, expect, it } from 'vitest';
import { expireCachedTags, sharedTagManifest, TagManifest } from './tag-manifest';

describe('TagManifest', () => {
  it('expires what was stored before the expiry, not what was stored after it', () => {
    const manifest = new TagManifest();
    manifest.update(['product:a'], undefined, 1_000);
    expect(manifest.isExpired(['product:a'], 999, 1_000)).toBe(true);
    expect(manifest.isExpired(['product:a'], 1_000, 2_000)).toBe(false);
    expect(manifest.isExpired(['product:b'], 0, 2_000)).toBe(false);
    expect(manifest.latestExpiry(['product:b', 'product:a'])).toBe(1_000);
    expect(manifest.latestExpiry(['product:b'])).toBe(0);
  });

  it('with a profile, marks stale at once and expires when the profile says', () => {
    const manifest = new TagManifest();
    manifest.update(['category:x'], { expire: 60 }, 1_000);
    expect(manifest.isStale(['category:x'], 999)).toBe(true);
    expect(manifest.isExpired(['category:x'], 999, 2_000)).toBe(false);
    expect(manifest.isExpired(['category:x'], 999, 61_000)).toBe(true);
  });
});

describe('the shared manifest', () => {
  it('is one per process, found under the project key whichever copy of the module asks', () => {
    const manifest = sharedTagManifest();
    expect(sharedTagManifest()).toBe(manifest);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('livecart.cache-tag-manifest')]).toBe(manifest);
    const before = Date.now();
    expireCachedTags(['product:shared']);
    expect(manifest.latestExpiry(['product:shared'])).toBeGreaterThanOrEqual(before);
  });
});
