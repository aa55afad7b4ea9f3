'use client';

import { type LiveSubscriptionOptions, useLiveSubscription } from '@/lib/live/hooks';

/** Rendered next to server-rendered products: seeds the live store and keeps their topics subscribed. */
export function LiveSubscription(props: LiveSubscriptionOptions) {
  useLiveSubscription(props);
  return null;
}
