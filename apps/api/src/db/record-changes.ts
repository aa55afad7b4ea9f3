import type { Actor, AuditAction, AuditChange, AuditSubjectType } from '@livecart/schemas';
import type pg from 'pg';
import type { PendingEvent } from './outbox.js';

/** One change a write made: what it did to which subject, the fields it changed, and its event if any. */
export interface RecordedChange {
  action: AuditAction;
  subject: { type: AuditSubjectType; id: string };
  change: AuditChange;
  event?: PendingEvent;
}

// One statement: each change gets its audit row (an entry without `action` is an event alone), each event its outbox row (ids drawn in the given order,
// so events keep it), and each audit row the id of its event's outbox row, whose seq the relay copies over.
const RECORD = `
  WITH input AS MATERIALIZED (
    SELECT c, CASE WHEN c ? 'event' THEN nextval('outbox_id_seq') END AS outbox_id
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(c, n)
    ORDER BY n
  ), events AS (
    INSERT INTO outbox (id, type, topics, data, actor)
    SELECT outbox_id, c->'event'->>'type', c->'event'->'topics', c->'event'->'data', $2::jsonb
    FROM input WHERE outbox_id IS NOT NULL ORDER BY outbox_id
  )
  INSERT INTO audit_log (action, subject_type, subject_id, change, actor_type, actor_id, actor_name, outbox_id)
  SELECT c->>'action', c->'subject'->>'type', (c->'subject'->>'id')::uuid, c->'change', $3, $4, $5, outbox_id FROM input WHERE c ? 'action'`;

/**
 * Records a write's changes and events with who made them, in the caller's transaction, in one statement.
 * `events` are events with no audit row of their own (a cart's `cart.updated`), recorded after the changes'.
 */
export async function recordChanges(client: pg.PoolClient, actor: Actor, changes: readonly RecordedChange[], events: readonly PendingEvent[] = []): Promise<void> {
  if (changes.length === 0 && events.length === 0) return;
  const input = [...changes, ...events.map((event) => ({ event }))];
  await client.query(RECORD, [JSON.stringify(input), JSON.stringify(actor), actor.type, actor.id, actor.name]);
}
