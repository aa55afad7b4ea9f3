import { MAX_SEQ } from './common.js';
import type { PublishedEvent } from './events.js';
import { MAX_TOPIC_LENGTH, type Topic } from './topics.js';

/*
 * How events travel from the API's outbox relay through Redis to every consumer (the realtime servers,
 * the API instances' cache coherence): key names, stream entry ids, the entry's field and the event head.
 * Producer and consumers deploy separately, so each rule here is a wire contract (see the README).
 *
 * Every function takes or returns a structured value (a history, a position) rather than a bare prefix or
 * number.
 *
 * Epochs. A seq is only meaningful within one history: Postgres hands seqs out, Redis keeps the stream, and
 * the two can part ways — a database restored from a backup or to a point in time, a failover to a replica
 * that had not received the last commits, a new database under an existing prefix all make Postgres hand out
 * seqs the stream already holds, for other events. So a position is the pair (epoch, seq), as Centrifugo's
 * stream position is (epoch, offset): the epoch is a uuid kept in Postgres (`outbox_sequence.epoch`, created
 * with the database, replaced by the relay when it finds the stream does not continue the database's
 * history) and in the stream's epoch record (`eventKeys().epoch`, a hash: `id`, and `base`, the seq the
 * epoch's stream starts after). Every event carries its `epoch`. The relay publishes only while the stream's
 * record names the database's epoch; when it does not, or the stream holds a different event under a seq
 * the relay is about to publish, or the stream's top is ahead of the database, the relay starts a new epoch:
 * it replaces the stream (the old history is deleted, never replayed as the new one) and the record in one
 * step, announces the new epoch on the channel (an `EpochNotice`), then publishes. It checks as soon as it
 * takes the relay lease, so a restore is found before the next write. Consumers compare epochs before seqs: an event, a `since` or a snapshot header
 * from another epoch is never compared by seq; the consumer starts over from a snapshot instead (realtime
 * sends `reset`, the API drops its L1).
 */

/** Which event history: today the Redis namespace it lives in (REDIS_PREFIX). */
export interface EventHistory {
  readonly prefix: string;
}

/** Where one history's events are kept and announced. */
export interface EventKeys {
  /** The capped Redis Stream every event is XADDed to: replay and gap filling read it. */
  readonly stream: string;
  /** The pub/sub channel every event is PUBLISHed on, with the same bytes as its stream entry. */
  readonly channel: string;
  /** The stream's epoch record: a hash with EPOCH_FIELDS, written by the relay with the stream itself. */
  readonly epoch: string;
}

export function eventKeys(history: EventHistory): EventKeys {
  // One name, two Redis namespaces (keys and channels never collide).
  const name = `${history.prefix}:events`;
  return { stream: name, channel: name, epoch: `${name}:epoch` };
}

/**
 * The fields of the epoch record: the epoch's id, the seq its stream starts after, and the highest relay
 * lease generation that wrote to the stream (a fencing token: the stream refuses a lower one, so a relay
 * that lost its lease while frozen cannot publish when it wakes). Consumers read only `id` and `base`.
 */
export const EPOCH_FIELDS = { id: 'id', base: 'base', generation: 'generation' } as const;

/** What the epoch record says: this stream holds epoch `id`'s events with seqs above `base`. */
export interface EpochRecord {
  readonly id: string;
  readonly base: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The record as HGETALL returns it, or undefined when there is none (a stream no 0.3.0 relay wrote yet). */
export function parseEpochRecord(hash: Readonly<Record<string, string>>): EpochRecord | undefined {
  const id = hash[EPOCH_FIELDS.id];
  const base = Number(hash[EPOCH_FIELDS.base] ?? Number.NaN);
  if (id === undefined) return undefined;
  if (!UUID.test(id) || !Number.isInteger(base) || base < 0 || base > MAX_SEQ) {
    throw new EventTransportError(`malformed epoch record: ${JSON.stringify(hash).slice(0, 120)}`);
  }
  return { id, base };
}

/**
 * Published on the channel (never added to the stream) when the relay begins an epoch, right after the
 * stream and its record are replaced: consumers learn of the new history at once, not only with its first
 * event, which may be long in coming after a restore that left nothing to publish.
 */
export interface EpochNotice {
  readonly epochBegun: EpochRecord;
}

const NOTICE_PREFIX = '{"epochBegun":';

export function serializeEpochNotice(record: EpochRecord): string {
  return JSON.stringify({ epochBegun: { id: record.id, base: record.base } } satisfies EpochNotice);
}

/**
 * The record a channel message announces, or undefined when the message is not a notice (an event: the
 * check costs one prefix comparison). Throws EventTransportError for a notice that is malformed.
 */
export function parseEpochNotice(message: string): EpochRecord | undefined {
  if (!message.startsWith(NOTICE_PREFIX)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    throw new EventTransportError('malformed epoch notice: not JSON');
  }
  const record = isObject(body) && isObject(body.epochBegun) ? body.epochBegun : undefined;
  if (record === undefined) throw new EventTransportError('malformed epoch notice');
  return parseEpochRecord({ id: String(record.id), base: String(record.base) });
}

/** The field of a stream entry that holds the event JSON; an entry has no other field. */
export const EVENT_FIELD = 'e';

/** A place in one history's stream. Offsets are only comparable within one stream. */
export interface StreamPosition {
  readonly seq: number;
}

/** Why a stream entry id or an event head does not follow this contract; the message names the reason. */
export class EventTransportError extends Error {
  override readonly name = 'EventTransportError';
}

/** The stream entry id of the event at `position`: `<seq>-0`, so entries are ordered by seq. */
export function streamEntryId(position: StreamPosition): string {
  return `${position.seq}-0`;
}

const ENTRY_ID = /^([1-9][0-9]{0,15})-0$/;

/** The position an entry id stands for; throws EventTransportError for an id no producer writes. */
export function streamPositionOf(entryId: string): StreamPosition {
  const match = ENTRY_ID.exec(entryId);
  const seq = match === null ? Number.NaN : Number(match[1]);
  if (!(seq <= MAX_SEQ)) throw new EventTransportError(`stream entry id ${JSON.stringify(entryId.slice(0, 40))} is not <seq>-0`);
  return { seq };
}

/** The event JSON of a stream entry's field list (as XRANGE returns it), or undefined when it has none. */
export function eventJsonOfEntry(fields: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === EVENT_FIELD) return fields[i + 1];
  }
  return undefined;
}

/**
 * The bytes published for an event, on the stream and on the channel alike: its JSON with the head
 * (`seq`, `epoch`, `type`, `topics`, `occurredAt`) first, then `actor` when the event has one, and `data`
 * last, so a human reading XRANGE sees the head.
 */
export function serializeEvent(event: PublishedEvent): string {
  const { seq, epoch, type, topics, occurredAt, actor, data } = event;
  return JSON.stringify({ seq, epoch, type, topics, occurredAt, actor, data });
}

/**
 * What a consumer needs to order, route and apply an event without walking the whole schema. `type` is
 * any dotted lowercase name, not only the types this version knows: a consumer older than the producer
 * still orders and forwards an event of a newer type (its receivers skip what they do not know).
 */
export interface EventHead {
  readonly seq: number;
  /** The history `seq` belongs to; undefined on events of producers older than 0.3.0. */
  readonly epoch: string | undefined;
  readonly type: string;
  /** Non-empty; each a non-empty string of at most MAX_TOPIC_LENGTH characters. */
  readonly topics: readonly Topic[];
  /** `occurredAt` as epoch milliseconds. */
  readonly occurredAtMs: number;
  /** `data.id`: what changed (the product, for every event type so far). */
  readonly subjectId: string;
  /** The whole event as parsed; only the head above has been checked. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Lowercase dotted words; a word after the first may hold underscores (`order.pending_payment`). */
export const EVENT_TYPE_PATTERN = /^[a-z]+(?:\.[a-z][a-z_]*)+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Not matched against TOPIC_PATTERN: the relay checked every topic against the event schemas, and a topic no
// client can subscribe to reaches no one. Three regex matches per event would cost a sizeable fraction of
// the JSON.parse that this parser is otherwise limited to.
function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOPIC_LENGTH;
}

function fail(reason: string): never {
  throw new EventTransportError(`malformed event head: ${reason}`);
}

/**
 * Parses an event as published (one JSON.parse) and checks its head strictly; throws EventTransportError
 * naming the first field that is wrong. This runs for every event a consumer receives, so it checks only
 * the head: the relay validated the whole event against EventSchema before publishing it.
 */
export function parseEventHead(json: string): EventHead {
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    fail('not JSON');
  }
  if (!isObject(body)) fail('not a JSON object');
  const { seq, epoch, type, topics, occurredAt, data } = body;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) {
    fail(`seq must be an integer from 1 to ${MAX_SEQ}`);
  }
  if (epoch !== undefined && (typeof epoch !== 'string' || !UUID.test(epoch))) fail('epoch must be a uuid');
  if (typeof type !== 'string' || !EVENT_TYPE_PATTERN.test(type)) fail('type must be a dotted lowercase name');
  if (!Array.isArray(topics) || topics.length === 0) fail('topics must be a non-empty array');
  for (const topic of topics) if (!isTopic(topic)) fail(`topics must each be a string of 1 to ${MAX_TOPIC_LENGTH} characters`);
  const occurredAtMs = typeof occurredAt === 'string' ? Date.parse(occurredAt) : Number.NaN;
  if (Number.isNaN(occurredAtMs)) fail('occurredAt must be an ISO 8601 timestamp');
  if (!isObject(data) || typeof data.id !== 'string' || data.id.length === 0) fail('data.id must be a non-empty string');
  return { seq, epoch, type, topics: topics as Topic[], occurredAtMs, subjectId: data.id, body };
}
