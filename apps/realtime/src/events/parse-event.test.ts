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
});
