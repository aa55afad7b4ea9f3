import 'server-only';
import { RealtimeClient, type RealtimeSocketConstructor } from '@livecart/client/realtime';
import { CATALOG_TOPIC } from '@livecart/schemas/topics';
import WebSocket from 'ws';
import { expireCachedTags } from '@/cache-handlers/tag-manifest';
import { env } from '@/env';
import { ALL_PRODUCTS_TAG, productTag } from '../cache-tags';
import { type ExpirePayload, TagBatcher } from './tag-batcher';

const log = (message: string, detail?: unknown) => console.warn(`[cache-invalidator] ${message}`, detail ?? '');

export interface CacheInvalidatorOptions {
  url: string;
  WebSocket: RealtimeSocketConstructor;
  expire: (tags: readonly string[]) => Promise<void>;
  warn?: (message: string, detail?: unknown) => void;
}

/**
 * Keeps cached product pages honest, and is the only thing in this server that expires them: subscribes
 * to every catalog event (the same realtime client the browser's live store uses, with its reconnect and resume)
 * and expires the snapshot of each product that changed, once per change, whoever made it (the admin
 * page, another web replica, the API's other clients). When the history cannot cover a gap (`reset`),
 * or on first connect (pages cached before this process listened), it expires them all.
 */
export function createCacheInvalidator(options: CacheInvalidatorOptions): RealtimeClient {
  const warn = options.warn ?? log;
  const send = (payload: ExpirePayload) => options.expire('all' in payload ? [ALL_PRODUCTS_TAG] : payload.tags);
  const batcher = new TagBatcher(send, { warn });
  // Only which products changed matters here: their newest states name them as well as every event would.
  const client = new RealtimeClient({ url: options.url, WebSocket: options.WebSocket, warn, delivery: 'latest' });
  client.onReset(() => batcher.addAll());
  client.onEvent((event) => batcher.add(productTag(event.data.id)));
  let connectedBefore = false;
  client.onStateChange((state) => {
    if (state !== 'connected' || connectedBefore) return;
    connectedBefore = true;
    batcher.addAll();
  });
  client.subscribe([CATALOG_TOPIC]);
  return client;
}

/**
 * Started once per server process (instrumentation-node.ts). Expires in-process through the tag manifest
 * the project's cache handlers judge their entries by: no request to itself, and it works before Next
 * has served a request.
 */
export function startCacheInvalidator(): void {
  createCacheInvalidator({
    url: env.REALTIME_SERVER_URL ?? env.NEXT_PUBLIC_REALTIME_URL,
    WebSocket: originWebSocket(env.REALTIME_SERVER_ORIGIN),
    expire: async (tags) => expireCachedTags(tags),
  });
}

/** `ws` with the Origin the realtime server's allow-list expects of this server (Node's global WebSocket sends none). */
function originWebSocket(origin: string): RealtimeSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { origin });
    }
  };
}
