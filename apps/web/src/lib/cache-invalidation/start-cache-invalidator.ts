import 'server-only';
import { CATALOG_TOPIC } from '@livecart/schemas/topics';
import WebSocket from 'ws';
import { env, nextProcess } from '@/env';
import { productTag } from '../cache-tags';
import { LiveStore, type SocketLike } from '../live/live-store';
import { REVALIDATE_SECRET_HEADER, revalidateSecret } from '../revalidate-secret';
import { type ExpirePayload, TagBatcher } from './tag-batcher';

const log = (message: string, detail?: unknown) => console.warn(`[cache-invalidator] ${message}`, detail ?? '');

async function expire(payload: ExpirePayload): Promise<void> {
  const response = await fetch(new URL('/api/revalidate', nextProcess.internalUrl()), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [REVALIDATE_SECRET_HEADER]: revalidateSecret() },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`/api/revalidate answered ${response.status}`);
}

/**
 * Keeps cached product pages honest: subscribes to every catalog event (the same store and protocol the
 * browser uses, with its reconnect and resume) and expires the snapshot of each product that changed.
 * When the history cannot cover a gap (`reset`), or on first connect (pages cached before this process
 * listened), it expires them all.
 */
export function startCacheInvalidator(): void {
  const batcher = new TagBatcher(expire, { warn: log });
  const store = new LiveStore({
    connect: (url, protocol) => new WebSocket(url, protocol, { origin: env.REALTIME_SERVER_ORIGIN }) as unknown as SocketLike,
    onReset: () => batcher.addAll(),
    warn: log,
  });
  store.onEvent((event) => batcher.add(productTag(event.data.id)));
  let connectedBefore = false;
  store.subscribe(() => {
    if (store.getState() !== 'connected' || connectedBefore) return;
    connectedBefore = true;
    batcher.addAll();
  });
  store.configure(env.REALTIME_SERVER_URL ?? env.NEXT_PUBLIC_REALTIME_URL);
  store.acquire([CATALOG_TOPIC], null);
}
