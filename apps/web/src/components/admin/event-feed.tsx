'use client';

import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import { useRef, useState } from 'react';
import { useLiveEvents } from '@/lib/live/hooks';
import { describeActor, describeEvent } from './event-description';
import styles from './admin.module.css';

const KEEP = 50;

interface FeedEntry {
  event: LivecartEvent;
  what: string;
  who: string | undefined;
}

/** The newest catalog events as they arrive (the page subscribes to the `catalog` topic), with who made each. */
export function EventFeed() {
  const [entries, setEntries] = useState<FeedEntry[]>([]);
  // The last state seen of each product, to say what an event changed ("price €12.00 → €10.00").
  const lastSeen = useRef(new Map<string, Product>());
  useLiveEvents((event) => {
    const seen = lastSeen.current;
    const entry = { event, what: describeEvent(event, seen.get(event.data.id)), who: describeActor(event) };
    if (event.type === 'product.deleted') seen.delete(event.data.id);
    else seen.set(event.data.id, event.data);
    setEntries((list) => [entry, ...list].slice(0, KEEP));
  });
  return (
    <section className={styles.feed} aria-labelledby="feed-title">
      <h2 id="feed-title">Live events</h2>
      {entries.length === 0 ? <p className={styles.hint}>Waiting for changes…</p> : null}
      {/* role=log: assistive tech reads new entries without re-reading the list. */}
      <ol role="log" aria-live="polite" className={styles.events} data-testid="event-feed">
        {entries.map(({ event, what, who }) => (
          <li key={event.seq} data-seq={event.seq} className="live-flash">
            <span className={styles.seq}>#{event.seq}</span>
            <span className={styles.type} data-type={event.type}>
              {event.type}
            </span>
            <span className={styles.what}>
              {what}
              {who === undefined ? null : (
                <span className={styles.actor} data-testid="event-actor" data-actor-type={event.actor?.type}>
                  {' · '}
                  {who}
                </span>
              )}
            </span>
            <time dateTime={event.occurredAt} className={styles.time}>
              {event.occurredAt.slice(11, 19)}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}
