'use client';

import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import type { Topic } from '@livecart/schemas/topics';
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { browserLiveStore } from './browser-store';
import type { ConnectionState } from './live-store';
import type { LiveEntry } from './product-table';

const subscribe = (listener: () => void) => browserLiveStore().subscribe(listener);

/** The newest known state of a product: the server-rendered one until the store holds something newer. */
export function useLiveProduct(initial: Product): LiveEntry {
  const fallback = useMemo<LiveEntry>(() => ({ product: initial, deleted: false }), [initial]);
  const getSnapshot = useCallback(() => {
    const entry = browserLiveStore().getProduct(initial.id);
    return entry && entry.product.version >= initial.version ? entry : fallback;
  }, [initial, fallback]);
  return useSyncExternalStore(subscribe, getSnapshot, () => fallback);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    subscribe,
    () => browserLiveStore().getState(),
    () => 'idle',
  );
}

/** Calls `listener` for every event the tab receives (de-duplicated). */
export function useLiveEvents(listener: (event: LivecartEvent) => void): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => browserLiveStore().onEvent((event) => latest.current(event)), []);
}

export interface LiveSubscriptionOptions {
  /** Realtime endpoint, from the server's env. */
  url: string;
  /** What the server rendered, and the `X-Event-Seq` it was current to, in history `X-Event-Epoch`. */
  products: readonly Product[];
  seq: number | null;
  epoch?: string | null;
  topics: readonly Topic[];
}

/** Seeds the store with server-rendered products and keeps `topics` subscribed while mounted. */
export function useLiveSubscription({ url, products, seq, epoch = null, topics }: LiveSubscriptionOptions): void {
  const topicKey = topics.join(' ');
  useEffect(() => {
    const store = browserLiveStore();
    store.configure(url);
    store.seed(products);
    return store.acquire(topicKey ? (topicKey.split(' ') as Topic[]) : [], seq, epoch);
  }, [url, products, seq, epoch, topicKey]);
}
