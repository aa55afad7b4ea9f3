import type { CacheEntry, CacheHandler } from 'next/cache';
import { ByteLru, DEFAULT_MAX_BYTES } from './byte-lru.ts';
import { sharedTagManifest, type TagManifest } from './tag-manifest.ts';

type StoredEntry = Omit<CacheEntry, 'value'> & { bytes: Uint8Array };

export interface UseCacheHandlerOptions {
  maxBytes?: number;
  manifest?: TagManifest;
  now?: () => number;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/**
 * The `'use cache'` handler (next.config `cacheHandlers.default`): entries in memory, least recently used
 * dropped past `maxBytes`, judged against the process's tag manifest so an expiry made by the cache
 * invalidator — in or out of a request — reaches them. An entry is dropped once past its `revalidate`
 * time, as Next's own handler does: in memory, warming a copy in the background is rarely worth it.
 */
export function createUseCacheHandler(options: UseCacheHandlerOptions = {}): CacheHandler {
  const manifest = options.manifest ?? sharedTagManifest();
  const now = options.now ?? Date.now;
  const entries = new ByteLru<StoredEntry>(options.maxBytes ?? DEFAULT_MAX_BYTES, (entry, key) => entry.bytes.byteLength + key.length);
  const pending = new Map<string, Promise<void>>();

  return {
    async get(cacheKey) {
      await pending.get(cacheKey);
      const stored = entries.get(cacheKey);
      if (!stored) return undefined;
      const at = now();
      if (at > stored.timestamp + stored.revalidate * 1000 || manifest.isExpired(stored.tags, stored.timestamp, at)) {
        entries.delete(cacheKey);
        return undefined;
      }
      const { bytes, ...entry } = stored;
      // A negative revalidate is always in the past: Next serves the entry and refreshes it meanwhile.
      const revalidate = manifest.isStale(stored.tags, stored.timestamp) ? -1 : stored.revalidate;
      return { ...entry, revalidate, value: streamOf(bytes) };
    },

    async set(cacheKey, pendingEntry) {
      let done = () => {};
      pending.set(
        cacheKey,
        new Promise<void>((resolve) => {
          done = resolve;
        }),
      );
      try {
        const { value, ...entry } = await pendingEntry;
        // Read once and keep the bytes, never the stream: it holds on to the request that made it.
        const bytes = new Uint8Array(await new Response(value).arrayBuffer());
        entries.set(cacheKey, { ...entry, bytes });
      } catch {
        // A value that failed while rendering is incomplete: not stored, so the next read renders it again.
      } finally {
        pending.delete(cacheKey);
        done();
      }
    },

    async refreshTags() {
      // The tag manifest is this process's own; there is nothing to fetch.
    },

    async getExpiration(tags) {
      return manifest.latestExpiry(tags);
    },

    async updateTags(tags, durations) {
      manifest.update(tags, durations);
    },
  };
}

export default createUseCacheHandler();
