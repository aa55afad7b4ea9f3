import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode-frame.js';
import { parseClientMessage } from './parse-client-message.js';

describe('decodeFrame', () => {
  it('parses JSON text and MessagePack binary frames', () => {
    expect(decodeFrame('json', Buffer.from('{"type":"ping"}'), false)).toEqual({ ok: true, value: { type: 'ping' } });
    expect(decodeFrame('msgpack', Buffer.from(encode({ type: 'ping' })), true)).toEqual({ ok: true, value: { type: 'ping' } });
  });

  it('answers bad_json to malformed JSON, and keeps the connection', () => {
    expect(decodeFrame('json', Buffer.from('{"type":'), false)).toMatchObject({ ok: false, code: 'bad_json', fatal: false });
  });

  it('treats the other protocol’s frame type as fatal', () => {
    expect(decodeFrame('json', Buffer.from([1, 2]), true)).toMatchObject({ ok: false, code: 'unsupported_frame', fatal: true });
    expect(decodeFrame('msgpack', Buffer.from('{}'), false)).toMatchObject({ ok: false, code: 'unsupported_frame', fatal: true });
  });

  it('answers bad_message to undecodable MessagePack', () => {
    expect(decodeFrame('msgpack', Buffer.from([0xc1]), true)).toMatchObject({ ok: false, code: 'bad_message' });
  });
});

describe('parseClientMessage', () => {
  it('accepts subscribe, unsubscribe and ping', () => {
    expect(parseClientMessage({ type: 'subscribe', topics: ['catalog'], since: 4, id: 'r' })).toEqual({
      ok: true,
      message: { type: 'subscribe', topics: ['catalog'], since: 4, id: 'r' },
    });
    expect(parseClientMessage({ type: 'unsubscribe', topics: ['category:home-garden'] }).ok).toBe(true);
    expect(parseClientMessage({ type: 'ping' }).ok).toBe(true);
  });

  it.each([
    [null, 'bad_message'],
    [[], 'bad_message'],
    [{ topics: ['catalog'] }, 'bad_message'],
    [{ type: 'publish' }, 'bad_message'],
    [{ type: 'subscribe', topics: [] }, 'bad_message'],
    [{ type: 'subscribe', topics: ['catalog'], since: 1.5 }, 'bad_message'],
    [{ type: 'ping', extra: true }, 'bad_message'],
    [{ type: 'subscribe', topics: ['product:not-a-uuid'] }, 'bad_topic'],
    [{ type: 'unsubscribe', topics: ['catalog', 'Category:Shoes'] }, 'bad_topic'],
  ])('refuses %j with %s', (value, code) => {
    expect(parseClientMessage(value)).toMatchObject({ ok: false, code });
  });

  it('names where the problem is and echoes a usable request id', () => {
    expect(parseClientMessage({ type: 'subscribe', topics: ['catalog', 'nope'], id: 'req-1' })).toMatchObject({
      ok: false,
      code: 'bad_topic',
      id: 'req-1',
      message: expect.stringMatching(/^topics\.1: /),
    });
    expect(parseClientMessage({ type: 'nope', id: 'x'.repeat(65) })).not.toHaveProperty('id');
  });
});
