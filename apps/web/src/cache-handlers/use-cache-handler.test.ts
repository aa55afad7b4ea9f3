import type { CacheEntry } from 'next/cache';
import { describe, expect, it } from 'vitest';
import { expireCachedTags, TagManifest } from './tag-manifest';
import { createUseCacheHandler } from './use-cache-handler';

function entry(text: string, timestamp: number, tags = ['product:a']): CacheEntry {
  return { value: new Response(text).body!, tags, stale: 30, timestamp, expire: 3_600, revalidate: 60 };
}

async function text(found: CacheEntry | undefined): Promise<string | undefined> {
  return found && new Response(found.value).text();
}

function setup() {
  let clock = 1_000;
  const manifest = new TagManifest();
  const handler = createUseCacheHandler({ manifest, now: () => clock, maxBytes: 1024 });
  return { handler, manifest, tick: (ms: number) => (clock += ms) };
}

describe('the use-cache handler', () => {
  it('serves a stored entry on every read, each time as a fresh stream', async () => {
    const { handler } = setup();
    await handler.set('k', Promise.resolve(entry('snapshot', 1_000)));
    expect(await text(await handler.get('k', []))).toBe('snapshot');
    expect(await text(await handler.get('k', []))).toBe('snapshot');
  });

  it('misses once a tag of the entry was expired through the manifest, whoever expired it', async () => {
    const { handler, manifest, tick } = setup();
    await handler.set('k', Promise.resolve(entry('old', 1_000)));
    tick(5);
    manifest.update(['product:b']);
    expect(await text(await handler.get('k', []))).toBe('old');
    manifest.update(['product:a'], undefined, 1_005);
    expect(await handler.get('k', [])).toBeUndefined();
  });

  it('reports tag expiries for soft tags and records the ones Next sends', async () => {
    const { handler, manifest } = setup();
    await handler.updateTags(['_N_T_/products/a'], undefined);
    expect(await handler.getExpiration(['_N_T_/products/a'])).toBe(manifest.latestExpiry(['_N_T_/products/a']));
    expect(await handler.getExpiration(['_N_T_/products/a'])).toBeGreaterThan(0);
    expect(await handler.getExpiration(['_N_T_/other'])).toBe(0);
  });

  it('serves a stale-tagged entry for a background refresh, and drops one past its revalidate time', async () => {
    const { handler, manifest, tick } = setup();
    await handler.set('k', Promise.resolve(entry('v', 1_000)));
    manifest.update(['product:a'], { expire: 600 }, 1_001);
    expect((await handler.get('k', []))?.revalidate).toBe(-1);
    tick(60_001);
    expect(await handler.get('k', [])).toBeUndefined();
  });

  it('a read waits for a store in progress; a value that failed while rendering is not kept', async () => {
    const { handler } = setup();
    let finish = (_: CacheEntry) => {};
    const storing = handler.set('k', new Promise<CacheEntry>((resolve) => (finish = resolve)));
    const reading = handler.get('k', []);
    finish(entry('late', 1_000));
    await storing;
    expect(await text(await reading)).toBe('late');

    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.error(new Error('render failed'));
      },
    });
    await handler.set('bad', Promise.resolve({ ...entry('', 1_000), value: broken }));
    expect(await handler.get('bad', [])).toBeUndefined();
  });

  it('honours an expiry made before the handler existed (Next loads it on its first request)', async () => {
    const before = Date.now() - 10;
    expireCachedTags(['product:early']);
    const handler = createUseCacheHandler();
    await handler.set('k', Promise.resolve(entry('made before the change', before, ['product:early'])));
    expect(await handler.get('k', [])).toBeUndefined();
  });
});
