import 'server-only';
import { CATALOG_TOPIC } from '@livecart/schemas/topics';
import WebSocket from 'ws';
import { expireCachedTags } from '@/cache-handlers/tag-manifest';
import { env } from '@/env';
import { ALL_PRODUCTS_TAG, productTag } from '../cache-tags';
import { LiveStore, type SocketLike } from '../live/live-store';
import { type ExpirePayload, TagBatcher } from './tag-batcher';

const log = (message: string, detail?: unknown) => console.warn(`[cache-invalidator] ${message}`, detail ?? '');

export interface CacheInvalidatorOptions {
  url: string;
  connect: (url: string, protocol: string) => SocketLike;
  expire: (tags: readonly string[]) => Promise<void>;
  warn?: (message: string, detail?: unknown) => void;
}

/**
 * Keeps cached product pages honest, and is the only thing in this server that expires them: subscribes
 * to every catalog event (the same store and protocol the browser uses, with its reconnect and resume)
 * and expires the snapshot of each product that changed, once per change, whoever made it (the admin
 * page, another web replica, the API's other clients). When the history cannot cover a gap (`reset`),
 * or on first connect (pages cached before this process listened), it expires them all.
 */
export function createCacheInvalidator(options: CacheInvalidatorOptions): LiveStore {
  const warn = options.warn ?? log;
  const send = (payload: ExpirePayload) => options.expire('all' in payload ? [ALL_PRODUCTS_TAG] : payload.tags);
  const batcher = new TagBatcher(send, { warn });
  const store = new LiveStore({ connect: options.connect, onReset: () => batcher.addAll(), warn });
  store.onEvent((event) => batcher.add(productTag(event.data.id)));
  let connectedBefore = false;
  store.subscribe(() => {
    if (store.getState() !== 'connected' || connectedBefore) return;
    connectedBefore = true;
    batcher.addAll();
  });
  store.configure(options.url);
  store.acquire([CATALOG_TOPIC], null);
  return store;
}

/**
 * Started once per server process (instrumentation-node.ts). Expires in-process through the tag manifest
 * the project's cache handlers judge their entries by: no request to itself, and it works before Next
 * has served a request.
 */
export function startCacheInvalidator(): void {
  createCacheInvalidator({
    url: env.REALTIME_SERVER_URL ?? env.NEXT_PUBLIC_REALTIME_URL,
    connect: (url, protocol) => new WebSocket(url, protocol, { origin: env.REALTIME_SERVER_ORIGIN }) as unknown as SocketLike,
    expire: async (tags) => expireCachedTags(tags),
  });
}
