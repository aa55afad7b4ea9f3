import { describe, expect, it } from 'vitest';
import { productUpdated } from '../../test/support/events.js';
import { BadEventError, parseEvent } from './parse-event.js';

describe('parseEvent', () => {
  it('reads seq, topics and occurredAt, keeping the raw JSON as published', () => {
    const event = productUpdated(42, { topics: ['catalog', 'category:kitchen'] });
    const raw = JSON.stringify(event);
    const parsed = parseEvent(raw);
    expect(parsed).toMatchObject({ seq: 42, topics: ['catalog', 'category:kitchen'], raw });
    expect(parsed.occurredAtMs).toBe(Date.parse(event.occurredAt));
  });

  it.each([
    ['not JSON', '{"seq":'],
    ['an array', '[1]'],
    ['a missing seq', JSON.stringify({ topics: ['catalog'], occurredAt: new Date().toISOString() })],
    ['seq 0', JSON.stringify({ ...productUpdated(1), seq: 0 })],
    ['a fractional seq', JSON.stringify({ ...productUpdated(1), seq: 1.5 })],
    ['no topics', JSON.stringify({ ...productUpdated(1), topics: [] })],
    ['a non-string topic', JSON.stringify({ ...productUpdated(1), topics: [7] })],
    ['a bad timestamp', JSON.stringify({ ...productUpdated(1), occurredAt: 'yesterday' })],
  ])('rejects %s', (_label, raw) => {
    expect(() => parseEvent(raw)).toThrow(BadEventError);
  });
});
