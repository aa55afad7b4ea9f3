import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../domain/errors.js';
import { createWebhookSignature } from './webhook-signature.js';

const SECRET = 'a-webhook-secret-of-32-characters-or-more';
const NOW_S = 1_800_000_000;
const signature = createWebhookSignature({ secret: SECRET, toleranceS: 300, now: () => NOW_S * 1_000 });
const body = Buffer.from('{"type":"payment.succeeded"}');

function refusal(headers: Record<string, string>, raw = body): number | undefined {
  try {
    signature.verify({ headers, rawBody: raw });
    return undefined;
  } catch (error) {
    return (error as DomainError).statusCode;
  }
}

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs `<id>.<timestamp>.<body>` with HMAC-SHA256 and verifies it within the tolerance', () => {
    const headers = signature.sign('msg_1', body);
    expect(headers).toEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW_S), 'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/) });
    expect(signature.verify({ headers, rawBody: body })).toEqual({ deliveryId: 'msg_1', body: { type: 'payment.succeeded' } });
    expect(refusal(signature.sign('msg_1', body, NOW_S - 300))).toBeUndefined();
  });

  it('accepts a header listing several signatures when one matches (a rotation in progress)', () => {
    const headers = signature.sign('msg_2', body);
    expect(refusal({ ...headers, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}` })).toBeUndefined();
  });

  it('reads a whsec_ secret as base64 bytes, as Standard Webhooks libraries do', () => {
    const bytes = Buffer.from('0123456789abcdef0123456789abcdef');
    const whsec = createWebhookSignature({ secret: `whsec_${bytes.toString('base64')}`, toleranceS: 300, now: () => NOW_S * 1_000 });
    const raw = createWebhookSignature({ secret: bytes.toString('utf8'), toleranceS: 300, now: () => NOW_S * 1_000 });
    expect(whsec.sign('msg_3', body)).toEqual(raw.sign('msg_3', body));
  });

  it('refuses stale, future, forged and tampered deliveries with 401, and missing headers with 400', () => {
    const headers = signature.sign('msg_4', body);
    expect(refusal(signature.sign('msg_4', body, NOW_S - 301))).toBe(401);
    expect(refusal(signature.sign('msg_4', body, NOW_S + 301))).toBe(401);
    expect(refusal(headers, Buffer.from('{"type":"payment.failed"}'))).toBe(401);
    expect(refusal({ ...headers, 'webhook-id': 'msg_5' })).toBe(401);
    expect(refusal({ ...headers, 'webhook-signature': headers['webhook-signature']!.slice(0, -4) })).toBe(401);
    expect(refusal({ ...headers, 'webhook-signature': 'v1' })).toBe(401);
    expect(refusal({ 'webhook-id': 'msg_4', 'webhook-timestamp': String(NOW_S) })).toBe(400);
    expect(refusal({ ...headers, 'webhook-timestamp': 'yesterday' })).toBe(400);
  });
});
