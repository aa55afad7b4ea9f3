import { ByteLru, DEFAULT_MAX_BYTES } from './byte-lru.ts';
import { sharedTagManifest, type TagManifest } from './tag-manifest.ts';

/**
 * The header in which Next lists the tags of a cached page: its own cacheTag()s and those of every
 * `'use cache'` function the render read.
 */
const CACHE_TAGS_HEADER = 'x-next-cache-tags';

/** The parts of a cached value this handler reads; the rest is Next's and is kept as it came. */
interface PageValue {
  kind: string;
  html?: { toUnchunkedString?: () => string } | string;
  rscData?: Uint8Array;
  postponed?: string;
  body?: Uint8Array;
  headers?: Record<string, unknown>;
  segmentData?: Map<string, Uint8Array>;
}

interface StoredPage {
  lastModified: number;
  value: PageValue | null;
  cacheControl?: unknown;
  tags: string[];
}

interface HandlerContext {
  maxMemoryCacheSize?: number;
}

interface GetContext {
  tags?: string[];
  softTags?: string[];
}

interface SetContext {
  tags?: string[];
  cacheControl?: unknown;
}

function tagsOf(value: PageValue | null, ctx: SetContext): string[] {
  const header = value?.headers?.[CACHE_TAGS_HEADER];
  const fromHeader = typeof header === 'string' && header !== '' ? header.split(',') : [];
  return [...new Set([...(ctx.tags ?? []), ...fromHeader])];
}

function htmlLength(html: PageValue['html']): number {
  if (typeof html === 'string') return html.length;
  try {
    return html?.toUnchunkedString?.().length ?? 0;
  } catch {
    // A streamed body has no length to read; the payloads below still count.
    return 0;
  }
}

/** Roughly the bytes an entry holds: its markup, RSC payload, segments and resume state. */
export function pageSize(page: StoredPage, key: string): number {
  const value = page.value;
  if (!value) return key.length + 25;
  let size = key.length + htmlLength(value.html) + (value.rscData?.byteLength ?? 0) + (value.postponed?.length ?? 0) + (value.body?.byteLength ?? 0);
  for (const [path, bytes] of value.segmentData ?? []) size += path.length + bytes.byteLength;
  return size;
}

export interface PageStoreOptions {
  maxBytes: number;
  manifest?: TagManifest;
  now?: () => number;
}

/**
 * The page cache's storage (rendered pages and route responses, Next's ISR cache), judged against the
 * same tag manifest as the `'use cache'` handler: with Cache Components a product page is stored whole,
 * tagged with its product snapshot's tags, and only an expiry both caches see makes its next visit
 * fresh. An entry with an expired tag is a miss (Next renders the page before answering); so is one whose
 * tag merely went stale — stricter than serving it while a fresh copy renders, and this app only expires.
 */
export class PageStore {
  private readonly pages: ByteLru<StoredPage>;
  private readonly manifest: TagManifest;
  private readonly now: () => number;

  constructor(options: PageStoreOptions) {
    this.pages = new ByteLru(options.maxBytes, pageSize);
    this.manifest = options.manifest ?? sharedTagManifest();
    this.now = options.now ?? Date.now;
  }

  get(key: string, ctx: GetContext = {}): StoredPage | null {
    const page = this.pages.get(key);
    if (!page) return null;
    const tags = [...page.tags, ...(ctx.tags ?? []), ...(ctx.softTags ?? [])];
    if (this.manifest.isExpired(tags, page.lastModified, this.now()) || this.manifest.isStale(tags, page.lastModified)) {
      this.pages.delete(key);
      return null;
    }
    return page;
  }

  set(key: string, value: PageValue | null, ctx: SetContext = {}): void {
    this.pages.set(key, { lastModified: this.now(), value, cacheControl: ctx.cacheControl, tags: tagsOf(value, ctx) });
  }

  revalidateTag(tags: string | string[], durations?: { expire?: number }): void {
    this.manifest.update(typeof tags === 'string' ? [tags] : tags, durations);
  }
}

let shared: PageStore | undefined;

/**
 * The page cache handler (next.config `cacheHandler`). Next constructs one per request, so the store is
 * kept by the module, sized by the first construction (`cacheMaxMemorySize`). Entries live in memory
 * only: what the build prerendered is rendered again on its first visit after a start.
 */
export default class PageCacheHandler {
  private readonly store: PageStore;

  constructor(ctx: HandlerContext = {}) {
    shared ??= new PageStore({ maxBytes: ctx.maxMemoryCacheSize ?? DEFAULT_MAX_BYTES });
    this.store = shared;
  }

  async get(key: string, ctx?: GetContext): Promise<StoredPage | null> {
    return this.store.get(key, ctx);
  }

  async set(key: string, value: PageValue | null, ctx?: SetContext): Promise<void> {
    this.store.set(key, value, ctx);
  }

  async revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void> {
    this.store.revalidateTag(tags, durations);
  }

  resetRequestCache(): void {
    // Nothing is kept per request.
  }
}
