'use client';

import type { LivecartEvent } from '@livecart/schemas/events';
import type { Order } from '@livecart/schemas/order';
import type { Product } from '@livecart/schemas/product';
import { orderTopic, type Topic } from '@livecart/schemas/topics';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { browserLiveStore, browserTokenProvider } from './browser-store';
import { type ConnectionState, isOrderEvent, type PrivateEvent } from './live-store';
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

/** Whether the realtime server refused to follow `topic` (a private one) on the current connection. */
export function useTopicRefused(topic: Topic): boolean {
  return useSyncExternalStore(
    subscribe,
    () => browserLiveStore().isRefused(topic),
    () => false,
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

/** Calls `listener` for every event of a private topic the tab follows (an order's status, a cart's contents). */
export function usePrivateEvents(listener: (event: PrivateEvent) => void): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => browserLiveStore().onPrivateEvent((event) => latest.current(event)), []);
}

export interface LiveOrderOptions {
  url: string;
  /** The order as the server read it, at `X-Event-Seq` `seq` of history `epoch`. */
  order: Order;
  seq: number | null;
  epoch: string | null;
  /** The order's link token, when the page was opened through it (else the shopper's session must own it). */
  link?: string;
}

/**
 * The order, kept live: follows its private topic `order:<id>` from the seq it was read at (a token minted
 * for this visitor on every subscribe) and shows each status it enters. A change never goes back: an event
 * is taken only if the order changed no earlier than what is shown (a replay of what the read already saw).
 */
export function useLiveOrder({ url, order, seq, epoch, link }: LiveOrderOptions): Order {
  const [current, setCurrent] = useState(order);
  useEffect(() => setCurrent(order), [order]);
  usePrivateEvents((event) => {
    if (!isOrderEvent(event) || event.data.id !== order.id) return;
    setCurrent((shown) => (Date.parse(event.data.updatedAt) >= Date.parse(shown.updatedAt) ? event.data : shown));
  });
  useEffect(() => {
    const store = browserLiveStore();
    const releaseLink = link ? browserTokenProvider().grantOrderLink(order.id, link) : () => undefined;
    store.configure(url);
    const release = store.acquire([orderTopic(order.id)], seq, epoch);
    return () => {
      release();
      releaseLink();
    };
  }, [url, order.id, seq, epoch, link]);
  return current;
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
