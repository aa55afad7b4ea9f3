import { WEBHOOK_BATCH_TYPE, webhookBatchMessageId, webhookMessageId } from '@livecart/schemas';
import type { EventBodies } from './event-bodies.js';
import type { EventRow } from './worker-sql.js';

/** One request to one endpoint: an event, a batch of events or a reset notice. */
export interface Message {
  /** `webhook-id`. */
  id: string;
  /** The event's type, `webhook.batch` or `webhook.reset`. */
  type: string;
  /** The first event's seq; null for a reset notice. */
  seq: number | null;
  /** The last event's seq: the endpoint's cursor once this is delivered; null for a reset notice. */
  lastSeq: number | null;
  /** Events carried. */
  events: number;
  body: Buffer;
}

/** What a lane needs of its endpoint to turn events into messages. */
export interface LaneTarget {
  id: string;
  eventTypes: readonly string[] | null;
  topics: readonly string[] | null;
  maxBatchSize: number;
}

const BATCH_OPEN = Buffer.from(`{"type":"${WEBHOOK_BATCH_TYPE}","events":[`);
const BATCH_SEPARATOR = Buffer.from(',');
const BATCH_CLOSE = Buffer.from(']}');

/**
 * The messages a gapless run of published events makes for one endpoint, in seq order: each matching
 * event alone (`maxBatchSize` 1), or batches of up to `maxBatchSize` of them, built from the events'
 * shared bodies without parsing them again. Rows the endpoint does not take, and rows that are no valid
 * event, make no message: the cursor passes them with the next message or the run's end.
 */
export function laneMessages(endpoint: LaneTarget, epoch: string, rows: readonly EventRow[], bodies: EventBodies): Message[] {
  const messages: Message[] = [];
  let batch: { seq: number; body: Buffer }[] = [];
  for (const row of rows) {
    if (!matches(endpoint, row)) continue;
    const event = bodies.of(epoch, row);
    if (event === null) continue;
    if (endpoint.maxBatchSize === 1) {
      messages.push({ id: webhookMessageId(endpoint.id, epoch, row.seq), type: event.type, seq: row.seq, lastSeq: row.seq, events: 1, body: event.body });
      continue;
    }
    batch.push({ seq: row.seq, body: event.body });
    if (batch.length === endpoint.maxBatchSize) {
      messages.push(batchMessage(endpoint.id, epoch, batch));
      batch = [];
    }
  }
  if (batch.length > 0) messages.push(batchMessage(endpoint.id, epoch, batch));
  return messages;
}

function batchMessage(endpointId: string, epoch: string, events: readonly { seq: number; body: Buffer }[]): Message {
  const first = events[0]!.seq;
  const last = events.at(-1)!.seq;
  const parts: Buffer[] = [BATCH_OPEN];
  events.forEach((event, index) => {
    if (index > 0) parts.push(BATCH_SEPARATOR);
    parts.push(event.body);
  });
  parts.push(BATCH_CLOSE);
  return { id: webhookBatchMessageId(endpointId, epoch, first, last), type: WEBHOOK_BATCH_TYPE, seq: first, lastSeq: last, events: events.length, body: Buffer.concat(parts) };
}

function matches(endpoint: LaneTarget, row: EventRow): boolean {
  if (endpoint.eventTypes !== null && !endpoint.eventTypes.includes(row.type)) return false;
  return endpoint.topics === null || row.topics.some((topic) => endpoint.topics?.includes(topic) === true);
}
