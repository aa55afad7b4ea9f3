import { describe, expect, it } from 'vitest';
import PageCacheHandler, { PageStore } from './page-cache-handler';
import { TagManifest } from './tag-manifest';

function page(tags: string) {
  return { kind: 'APP_PAGE', html: '<p>page</p>', rscData: new Uint8Array(10), headers: { 'x-next-cache-tags': tags } };
}

function setup(maxBytes = 1024) {
  let clock = 1_000;
  const manifest = new TagManifest();
  const store = new PageStore({ maxBytes, manifest, now: () => clock });
  return { store, manifest, tick: (ms: number) => (clock += ms) };
}

describe('the page cache store', () => {
  it('keeps a page with its lifetime until a tag its render read is expired', () => {
    const { store, manifest, tick } = setup();
    store.set('/route-cache/APP_PAGE/h/$/products/a', page('_N_T_/layout,products,product:a'), { cacheControl: { revalidate: 60, expire: 3_600 } });
    const stored = store.get('/route-cache/APP_PAGE/h/$/products/a');
    expect(stored?.lastModified).toBe(1_000);
    expect(stored?.cacheControl).toEqual({ revalidate: 60, expire: 3_600 });
    tick(5);
    manifest.update(['product:b'], undefined, 1_005);
    expect(store.get('/route-cache/APP_PAGE/h/$/products/a')).not.toBeNull();
    manifest.update(['product:a'], undefined, 1_005);
    expect(store.get('/route-cache/APP_PAGE/h/$/products/a')).toBeNull();
  });

  it('takes tags from the set context and from the get context (fetch entries, soft tags)', () => {
    const { store, manifest, tick } = setup();
    store.set('f', { kind: 'FETCH' }, { tags: ['categories'] });
    store.set('g', { kind: 'FETCH' }, {});
    tick(1);
    manifest.update(['categories', '_N_T_/admin'], undefined, 1_001);
    expect(store.get('f')).toBeNull();
    expect(store.get('g', { softTags: ['_N_T_/admin'] })).toBeNull();
  });

  it('renders a page again when its tag went stale', () => {
    const { store, manifest } = setup();
    store.set('p', page('product:a'));
    manifest.update(['product:a'], { expire: 600 }, 1_001);
    expect(store.get('p')).toBeNull();
  });

  it('stays within its byte budget', () => {
    const { store } = setup(100);
    store.set('one', { kind: 'APP_ROUTE', body: new Uint8Array(60) });
    store.set('two', { kind: 'APP_ROUTE', body: new Uint8Array(60) });
    expect(store.get('one')).toBeNull();
    expect(store.get('two')).not.toBeNull();
  });
});

describe('PageCacheHandler', () => {
  it('shares one store across the instances Next makes per request, and expires through revalidateTag', async () => {
    const first = new PageCacheHandler({ maxMemoryCacheSize: 1024 * 1024 });
    await first.set('shared-page', page('product:shared-page'));
    const second = new PageCacheHandler({ maxMemoryCacheSize: 1024 * 1024 });
    expect(await second.get('shared-page')).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 2));
    await second.revalidateTag('product:shared-page');
    expect(await first.get('shared-page')).toBeNull();
  });
});
