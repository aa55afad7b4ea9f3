import type { LivecartEvent } from '@livecart/schemas';
import type pg from 'pg';

type WithoutSeq<E> = E extends LivecartEvent ? Omit<E, 'seq' | 'occurredAt'> : never;

/** An event as a write records it; the relay gives it its `seq`, and `occurredAt` is the commit's clock. */
export type PendingEvent = WithoutSeq<LivecartEvent>;

const INSERT_EVENTS = `
  INSERT INTO outbox (type, topics, data)
  SELECT e->>'type', e->'topics', e->'data' FROM jsonb_array_elements($1::jsonb) AS e`;

/** Records events in the caller's transaction, in the given order, with one statement. */
export async function insertOutboxEvents(client: pg.PoolClient, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(INSERT_EVENTS, [JSON.stringify(events)]);
}
