/**
 * When each cache tag was last expired or marked stale, for every cache in this server process: the
 * `'use cache'` handler (use-cache-handler.ts) and the page cache (page-cache-handler.ts) both judge
 * their entries by it, so one expiry reaches both.
 *
 * Next loads the handler modules with Node's own `import()` while the cache invalidator lives in the
 * server bundle, so each side has its own copy of this module: the one manifest lives on globalThis
 * under a project-owned key and whichever side comes first creates it. The invalidator can therefore
 * expire tags before Next has loaded a handler (before its first request); the handlers find those
 * expiries when they load.
 *
 * Loaded by Node without a bundler: relative imports name their `.ts` file, and the syntax stays
 * erasable (Node strips the types).
 */
const MANIFEST_KEY = Symbol.for('livecart.cache-tag-manifest');

interface TagTimes {
  /** From this moment entries stored before it are served only while a fresh copy is made. */
  stale?: number;
  /** From this moment entries stored before it are not served at all. */
  expired?: number;
}

export class TagManifest {
  // One record per tag ever expired: tags name products and categories, so this is bounded by the catalog.
  private readonly times = new Map<string, TagTimes>();

  /**
   * Without `durations`, the tags expire now; with them (Next's `revalidateTag(tag, profile)`), they go
   * stale now and expire `durations.expire` seconds later.
   */
  update(tags: readonly string[], durations?: { expire?: number }, now = Date.now()): void {
    for (const tag of tags) {
      const times = { ...this.times.get(tag) };
      if (durations) {
        times.stale = now;
        if (durations.expire !== undefined) times.expired = now + durations.expire * 1000;
      } else {
        times.expired = now;
      }
      this.times.set(tag, times);
    }
  }

  /** Whether any of `tags` expired after `storedAt` (and that moment has come). */
  isExpired(tags: readonly string[], storedAt: number, now = Date.now()): boolean {
    return tags.some((tag) => {
      const expired = this.times.get(tag)?.expired;
      return expired !== undefined && expired > storedAt && expired <= now;
    });
  }

  /** Whether any of `tags` went stale after `storedAt`. */
  isStale(tags: readonly string[], storedAt: number): boolean {
    return tags.some((tag) => (this.times.get(tag)?.stale ?? 0) > storedAt);
  }

  /** The latest expiry among `tags`, 0 if none ever expired: what Next asks a `'use cache'` handler for. */
  latestExpiry(tags: readonly string[]): number {
    return Math.max(0, ...tags.map((tag) => this.times.get(tag)?.expired ?? 0));
  }
}

/** This process's one manifest, created on first use by whichever module asks first. */
export function sharedTagManifest(): TagManifest {
  const registry = globalThis as typeof globalThis & { [MANIFEST_KEY]?: TagManifest };
  registry[MANIFEST_KEY] ??= new TagManifest();
  return registry[MANIFEST_KEY];
}

/** Expires `tags` at once in every cache of this process; works before Next has served a request. */
export function expireCachedTags(tags: readonly string[]): void {
  sharedTagManifest().update(tags);
}
