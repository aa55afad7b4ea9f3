import { MAX_SEQ } from '@livecart/schemas';
import { LiveEvent } from './live-event.js';

/** Why a published message was not an event this service can route. */
export class BadEventError extends Error {
  override readonly name = 'BadEventError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the routing fields of an event published by the API's outbox relay. The relay already validated
 * the event against `EventSchema`; this only checks what fan-out relies on, so a bad message is dropped
 * instead of breaking ordering, and the hot path pays for one `JSON.parse` and no schema walk.
 */
export function parseEvent(raw: string): LiveEvent {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new BadEventError('not JSON');
  }
  if (!isObject(body)) throw new BadEventError('not a JSON object');
  const { seq, topics, occurredAt } = body;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) {
    throw new BadEventError('seq must be a positive integer');
  }
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === 'string')) {
    throw new BadEventError('topics must be a non-empty array of strings');
  }
  const occurredAtMs = typeof occurredAt === 'string' ? Date.parse(occurredAt) : Number.NaN;
  if (Number.isNaN(occurredAtMs)) throw new BadEventError('occurredAt must be an ISO 8601 timestamp');
  return new LiveEvent(seq, topics as string[], occurredAtMs, raw, body);
}
