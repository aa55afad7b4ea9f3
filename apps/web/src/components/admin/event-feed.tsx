'use client';

import type { LivecartEvent } from '@livecart/schemas/events';
import { useState } from 'react';
import { useLiveEvents } from '@/lib/live/hooks';
import { formatMoney } from '@/lib/money';
import styles from './admin.module.css';

const KEEP = 50;

function describe(event: LivecartEvent): string {
  if (event.type === 'product.deleted') return `${event.data.sku} deleted`;
  const { name, priceMinor, currency, stock } = event.data;
  return `${name}: ${formatMoney(priceMinor, currency)}, ${stock} in stock`;
}

/** The newest catalog events as they arrive (the page subscribes to the `catalog` topic). */
export function EventFeed() {
  const [events, setEvents] = useState<LivecartEvent[]>([]);
  useLiveEvents((event) => setEvents((list) => [event, ...list].slice(0, KEEP)));
  return (
    <section className={styles.feed} aria-labelledby="feed-title">
      <h2 id="feed-title">Live events</h2>
      {events.length === 0 ? <p className={styles.hint}>Waiting for changes…</p> : null}
      {/* role=log: assistive tech reads new entries without re-reading the list. */}
      <ol role="log" aria-live="polite" className={styles.events} data-testid="event-feed">
        {events.map((event) => (
          <li key={event.seq} data-seq={event.seq} className="live-flash">
            <span className={styles.seq}>#{event.seq}</span>
            <span className={styles.type} data-type={event.type}>
              {event.type}
            </span>
            <span className={styles.what}>{describe(event)}</span>
            <time dateTime={event.occurredAt} className={styles.time}>
              {event.occurredAt.slice(11, 19)}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}
