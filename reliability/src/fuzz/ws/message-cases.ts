import fc from 'fast-check';
import { EVERY_HOSTILE_STRING, NUMBER_LOOKALIKES } from '../hostile-strings.js';

/** The one reply the server owes a text frame: an `error` with its code, or the answer to a valid message. */
export type ExpectedReply = 'error:bad_json' | 'error:bad_message' | 'error:bad_topic' | 'error:too_many_topics' | 'pong' | 'subscribed' | 'unsubscribed';

export interface MessageCase {
  /** What is wrong with it, for the distribution: invalid-json, wrong-shape, unknown-type, bad-field, bad-topic, too-many-topics, valid. */
  category: string;
  /** The text frame, as sent. */
  data: string;
  expect: ExpectedReply;
}

/**
 * The only topics valid messages use: a connection never follows more than these, so a list of 101 or
 * more new topics is always over the per-connection limit (100) and anything smaller never is.
 */
export const POOL_TOPICS = ['catalog', 'category:fuzzing', 'category:home-garden', 'product:00000000-0000-4000-8000-000000000001', 'product:00000000-0000-4000-8000-000000000002'];

/** Distinct valid product topics, between `min` and `max` of them. */
export function distinctTopics(min: number, max: number): fc.Arbitrary<string[]> {
  return fc.uniqueArray(fc.uuid(), { minLength: min, maxLength: max }).map((ids) => ids.map((id) => `product:${id}`));
}

const json = (value: unknown) => JSON.stringify(value);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const invalidJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '{"type":"ping"', "{'type':'ping'}", 'ping', '', ' ', 'undefined', 'NaN', '[1,]', '{"type":"ping",}', '\u0000', '{"type":"ping"}}', '{"type":"ping"} x', `${'['.repeat(3_000)}`),
  fc.constantFrom(...EVERY_HOSTILE_STRING),
  fc.string({ unit: 'binary', maxLength: 200 }),
).filter((text) => !isJson(text));

const wrongShape: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('null', 'true', '0', '-1.5e300', '"ping"', '[]', '[{"type":"ping"}]', '{}'),
  fc.constantFrom<unknown>(1, null, ['ping'], {}, true, '').map((type) => json({ type })),
  fc.jsonValue({ maxDepth: 3 }).filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)).map(json),
);

const unknownType: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.constantFrom('PING', 'subscribe ', 'Subscribe', 'event', 'welcome', 'error', 'batch', '__proto__', 'constructor', '', 'pingpong'), fc.constantFrom(...EVERY_HOSTILE_STRING)), fc.option(fc.jsonValue({ maxDepth: 2 })))
  .map(([type, extra]) => json(extra === null ? { type } : { type, topics: ['catalog'], extra }));

const subscribing = fc.constantFrom('subscribe', 'unsubscribe');

/** Messages with exactly one defect outside the topic strings themselves. */
const badField: fc.Arbitrary<string> = fc.oneof(
  subscribing.map((type) => json({ type })),
  fc.tuple(subscribing, fc.constantFrom<unknown>('catalog', 1, {}, null, true)).map(([type, topics]) => json({ type, topics })),
  subscribing.map((type) => json({ type, topics: [] })),
  fc.tuple(subscribing, distinctTopics(201, 300)).map(([type, topics]) => json({ type, topics })),
  fc.constantFrom<unknown>(-1, 1.5, '1', 2 ** 60, null, [], ...NUMBER_LOOKALIKES).map((since) => json({ type: 'subscribe', topics: ['catalog'], since })),
  fc.tuple(fc.constantFrom('subscribe', 'unsubscribe', 'ping'), fc.constantFrom<unknown>('i'.repeat(65), 1, {}, null)).map(([type, id]) => json(type === 'ping' ? { type, id } : { type, topics: ['catalog'], id })),
  fc.tuple(fc.constantFrom('extra', 'since ', 'topic', 'ID', 'constructor', 'x'.repeat(500)), fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => json({ type: 'ping', [key]: value })),
  fc.constant('{"type":"ping","__proto__":{"polluted":true}}'),
  fc.constant('{"type":"ping","type":"ping","id":"dup"'.concat(',"id":1}')),
);

const invalidTopic: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EVERY_HOSTILE_STRING),
  fc.constantFrom<unknown>(
    'product:NOT-A-UUID',
    'product:ABCDEF00-0000-4000-8000-00000000000A',
    'category:Home',
    'category:-x',
    'catalog ',
    ' catalog',
    'catalog\u0000',
    'CATALOG',
    'product:',
    'category:',
    `category:${'a'.repeat(80)}`,
    '',
    123,
    null,
    ['catalog'],
    { topic: 'catalog' },
  ),
);

const badTopic: fc.Arbitrary<string> = fc
  .tuple(subscribing, fc.subarray(POOL_TOPICS, { maxLength: 3 }), invalidTopic, fc.nat())
  .map(([type, valid, invalid, at]) => {
    const topics: unknown[] = [...valid];
    topics.splice(at % (valid.length + 1), 0, invalid);
    return json({ type, topics });
  });

const tooManyTopics: fc.Arbitrary<string> = distinctTopics(101, 200).map((topics) => json({ type: 'subscribe', topics }));

const valid: fc.Arbitrary<[string, ExpectedReply]> = fc.oneof(
  fc.option(fc.string({ maxLength: 64 })).map((id): [string, ExpectedReply] => [json(id === null ? { type: 'ping' } : { type: 'ping', id }), 'pong']),
  fc.subarray(POOL_TOPICS, { minLength: 1 }).map((topics): [string, ExpectedReply] => [json({ type: 'subscribe', topics }), 'subscribed']),
  fc.subarray(POOL_TOPICS, { minLength: 1 }).map((topics): [string, ExpectedReply] => [json({ type: 'unsubscribe', topics }), 'unsubscribed']),
);

/** Text frames of every kind of wrong, each with the one reply it must get; the same ones for the same seed. */
export function sampleMessageCases(count: number, seed: number): MessageCase[] {
  const as = (category: string, expect: ExpectedReply) => (data: string): MessageCase => ({ category, data, expect });
  const arbitrary = fc.oneof(
    { weight: 3, arbitrary: invalidJson.map(as('invalid-json', 'error:bad_json')) },
    { weight: 2, arbitrary: wrongShape.map(as('wrong-shape', 'error:bad_message')) },
    { weight: 2, arbitrary: unknownType.map(as('unknown-type', 'error:bad_message')) },
    { weight: 3, arbitrary: badField.map(as('bad-field', 'error:bad_message')) },
    { weight: 3, arbitrary: badTopic.map(as('bad-topic', 'error:bad_topic')) },
    { weight: 1, arbitrary: tooManyTopics.map(as('too-many-topics', 'error:too_many_topics')) },
    { weight: 1, arbitrary: valid.map(([data, expect]): MessageCase => ({ category: 'valid', data, expect })) },
  );
  return fc.sample(arbitrary, { seed, numRuns: count });
}
