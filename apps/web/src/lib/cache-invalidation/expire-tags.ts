import 'server-only';

/**
 * Expires cache tags from outside a request, in this process.
 *
 * `revalidateTag` and `updateTag` only work inside a request: they queue the tags on the request's work
 * store, and Next applies them when the request ends by calling `updateTags(tags)` on every cache
 * handler ('use cache' entries) and `revalidateTag(tags)` on the page cache (ISR). The invalidator hears
 * of changes on a WebSocket, not in a request, so it makes those same two calls itself. Next keeps the
 * live handler instances on globalThis under a `Symbol.for` key and the page cache on
 * `globalThis.__incrementalCache`; this module is the only one that reaches them, and
 * expire-tags.test.ts fails on the pinned Next if either stops being where this expects it.
 */
const CACHE_HANDLERS = Symbol.for('@next/cache-handlers-set');

interface TagCache {
  updateTags?(tags: string[]): Promise<void>;
}

interface PageCache {
  revalidateTag(tags: string[]): Promise<void>;
}

type NextGlobals = typeof globalThis & { [CACHE_HANDLERS]?: Set<TagCache>; __incrementalCache?: PageCache };

/** Expires `tags` at once in every cache of this server. Rejects until Next has set its caches up (its first request). */
export async function expireTags(tags: readonly string[]): Promise<void> {
  const next = globalThis as NextGlobals;
  const handlers = next[CACHE_HANDLERS];
  if (!handlers) throw new Error('the Next.js caches are not set up yet');
  const list = [...tags];
  await Promise.all([...[...handlers].map((handler) => handler.updateTags?.(list)), next.__incrementalCache?.revalidateTag(list)]);
}
