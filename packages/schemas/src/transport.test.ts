import { describe, expect, it } from 'vitest';
import { sampleProduct } from '../test/fixtures.js';
import { MAX_SEQ } from './common.js';
import { EVENT_TYPES, EventSchema, ORDER_EVENT_TYPES, type LivecartEvent } from './events.js';
import {
  EVENT_FIELD,
  EVENT_TYPE_PATTERN,
  EventTransportError,
  eventJsonOfEntry,
  eventKeys,
  parseEpochNotice,
  parseEpochRecord,
  parseEventHead,
  serializeEpochNotice,
  serializeEvent,
  streamEntryId,
  streamPositionOf,
} from './transport.js';

const event: LivecartEvent = {
  seq: 42,
  type: 'product.updated',
  topics: ['catalog', `product:${sampleProduct.id}`, 'category:kitchen'],
  occurredAt: '2026-01-02T03:04:05.678Z',
  data: sampleProduct,
};

describe('eventKeys', () => {
  it('names the stream and the channel <prefix>:events, and the epoch record beside them', () => {
    expect(eventKeys({ prefix: 'livecart' })).toEqual({ stream: 'livecart:events', channel: 'livecart:events', epoch: 'livecart:events:epoch' });
  });
});

describe('stream entry ids', () => {
  it('are <seq>-0 and read back to the same position', () => {
    expect(streamEntryId({ seq: 7 })).toBe('7-0');
    expect(streamPositionOf('7-0')).toEqual({ seq: 7 });
    expect(streamPositionOf(streamEntryId({ seq: MAX_SEQ }))).toEqual({ seq: MAX_SEQ });
  });

  it.each(['', '7', '7-1', '0-0', '07-0', '-0', 'x-0', '1700000000000-0 ', '9007199254740992-0', '12345678901234567-0'])(
    'rejects %j',
    (id) => {
      expect(() => streamPositionOf(id)).toThrow(EventTransportError);
    },
  );
});

describe('eventJsonOfEntry', () => {
  it('finds the event field among the entry fields', () => {
    expect(EVENT_FIELD).toBe('e');
    expect(eventJsonOfEntry(['e', '{}'])).toBe('{}');
    expect(eventJsonOfEntry(['x', 'e', 'e', '{"seq":1}'])).toBe('{"seq":1}');
    expect(eventJsonOfEntry(['x', '{}'])).toBeUndefined();
    expect(eventJsonOfEntry(['e'])).toBeUndefined();
  });
});

describe('serializeEvent', () => {
  it('writes the head first and data last, and round-trips through EventSchema', () => {
    const json = serializeEvent(event);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['seq', 'type', 'topics', 'occurredAt', 'data']);
    expect(EventSchema.parse(JSON.parse(json))).toEqual(event);
  });

  it('puts the actor, when there is one, after the head and before data, and keeps it on the way through', () => {
    const withActor: LivecartEvent = { ...event, actor: { type: 'guest', id: null, name: 'guest' } };
    const json = serializeEvent(withActor);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['seq', 'type', 'topics', 'occurredAt', 'actor', 'data']);
    expect(EventSchema.parse(JSON.parse(json))).toEqual(withActor);
    expect(parseEventHead(json).body).toEqual(withActor);
  });
});

describe('epochs', () => {
  const epoch = '0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

  it('writes the epoch right after seq and reads it back in the head', () => {
    const json = serializeEvent({ ...event, epoch });
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['seq', 'epoch', 'type', 'topics', 'occurredAt', 'data']);
    expect(parseEventHead(json).epoch).toBe(epoch);
    expect(parseEventHead(serializeEvent(event)).epoch).toBeUndefined();
  });

  it('refuses an epoch that is not a uuid', () => {
    const json = JSON.stringify({ ...JSON.parse(serializeEvent(event)), epoch: 7 });
    expect(() => parseEventHead(json)).toThrow(/epoch must be a uuid/);
  });

  it('keeps the epoch record beside the stream and parses it strictly', () => {
    expect(eventKeys({ prefix: 'p' }).epoch).toBe('p:events:epoch');
    expect(parseEpochRecord({})).toBeUndefined();
    expect(parseEpochRecord({ id: epoch, base: '17' })).toEqual({ id: epoch, base: 17 });
    expect(() => parseEpochRecord({ id: 'x', base: '1' })).toThrow(EventTransportError);
    expect(() => parseEpochRecord({ id: epoch, base: '-1' })).toThrow(EventTransportError);
  });

  it('announces a new epoch on the channel with a notice no event can be taken for', () => {
    const notice = serializeEpochNotice({ id: epoch, base: 41 });
    expect(parseEpochNotice(notice)).toEqual({ id: epoch, base: 41 });
    expect(() => parseEventHead(notice)).toThrow(EventTransportError);
    expect(parseEpochNotice(serializeEvent({ ...event, epoch }))).toBeUndefined();
    expect(() => parseEpochNotice('{"epochBegun":{"id":"x","base":1}}')).toThrow(EventTransportError);
    expect(() => parseEpochNotice('{"epochBegun":')).toThrow(EventTransportError);
  });
});

describe('parseEventHead', () => {
  it('reads seq, type, topics, occurredAt and data.id, keeping the whole body', () => {
    const head = parseEventHead(serializeEvent(event));
    expect(head).toMatchObject({ seq: 42, type: 'product.updated', topics: event.topics, subjectId: sampleProduct.id });
    expect(head.occurredAtMs).toBe(Date.parse(event.occurredAt));
    expect(head.body).toEqual(event);
  });

  it('accepts every known event type and a type it does not know yet', () => {
    for (const type of [...EVENT_TYPES, ...ORDER_EVENT_TYPES, 'shipment.label_printed']) {
      expect(EVENT_TYPE_PATTERN.test(type)).toBe(true);
      expect(parseEventHead(JSON.stringify({ ...event, type })).type).toBe(type);
    }
  });

  const variant = (patch: Record<string, unknown>) => JSON.stringify({ ...event, ...patch });
  it.each([
    ['not JSON', '{"seq":', /not JSON/],
    ['an array', '[1]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['a missing seq', variant({ seq: undefined }), /seq/],
    ['seq 0', variant({ seq: 0 }), /seq/],
    ['a fractional seq', variant({ seq: 1.5 }), /seq/],
    ['a seq past MAX_SEQ', variant({ seq: MAX_SEQ + 2 }), /seq/],
    ['a string seq', variant({ seq: '42' }), /seq/],
    ['a missing type', variant({ type: undefined }), /type/],
    ['an undotted type', variant({ type: 'updated' }), /type/],
    ['an uppercase type', variant({ type: 'Product.Updated' }), /type/],
    ['no topics', variant({ topics: [] }), /topics/],
    ['topics not an array', variant({ topics: 'catalog' }), /topics/],
    ['a non-string topic', variant({ topics: [7] }), /topics/],
    ['an empty topic', variant({ topics: ['catalog', ''] }), /topics/],
    ['a topic past the length limit', variant({ topics: [`category:${'a'.repeat(80)}`] }), /topics/],
    ['a bad timestamp', variant({ occurredAt: 'yesterday' }), /occurredAt/],
    ['a numeric timestamp', variant({ occurredAt: 1 }), /occurredAt/],
    ['no data', variant({ data: undefined }), /data\.id/],
    ['data without an id', variant({ data: { sku: 'MUG-001' } }), /data\.id/],
    ['an empty data.id', variant({ data: { id: '' } }), /data\.id/],
  ])('rejects %s, naming the reason', (_label, json, reason) => {
    expect(() => parseEventHead(json)).toThrow(EventTransportError);
    expect(() => parseEventHead(json)).toThrow(reason);
  });
});
