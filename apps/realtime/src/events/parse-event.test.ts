import { EventTransportError } from '@livecart/schemas/transport';
import { describe, expect, it } from 'vitest';
import { productUpdated } from '../../test/support/events.js';
import { parseEvent } from './parse-event.js';

describe('parseEvent', () => {
  it('reads seq, topics and occurredAt, keeping the raw JSON as published and the parsed body', () => {
    const event = productUpdated(42, { topics: ['catalog', 'category:kitchen'] });
    const raw = JSON.stringify(event);
    const parsed = parseEvent(raw);
    expect(parsed).toMatchObject({ seq: 42, topics: ['catalog', 'category:kitchen'], raw });
    expect(parsed.occurredAtMs).toBe(Date.parse(event.occurredAt));
    expect(parsed.encoded('msgpack')).toBeDefined();
  });

  it('rejects a malformed head with the reason', () => {
    const raw = JSON.stringify({ ...productUpdated(1), topics: [] });
    expect(() => parseEvent(raw)).toThrow(EventTransportError);
    expect(() => parseEvent(raw)).toThrow(/topics/);
  });

  it('routes an event of a private topic through its private topics only, never catalog or another public one', () => {
    const order = 'order:0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
    const raw = JSON.stringify(productUpdated(7, { topics: ['catalog', order, 'category:kitchen'] }));
    expect(parseEvent(raw).topics).toEqual([order]);
    expect(parseEvent(raw).raw).toBe(raw);
  });
});
