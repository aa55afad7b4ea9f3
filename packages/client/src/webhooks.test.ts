import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions } from './webhooks.js';

// Signed by the Standard Webhooks reference library, not by this package: the two must agree.
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
const NOW_MS = 1_780_000_000_000;
const nowS = NOW_MS / 1_000;

const event = {
  type: 'product.updated',
  seq: 42,
  epoch: '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  topics: ['product:0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', 'category:kitchen', 'catalog'],
  occurredAt: '2026-06-01T10:00:00.000Z',
  data: {
    id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    sku: 'MUG-001',
    name: 'Blue mug',
    description: '',
    category: 'kitchen',
    priceMinor: 1299,
    currency: 'EUR',
    stock: 11,
    imageUrl: null,
    version: 4,
    createdAt: '2026-01-02T03:04:05.000Z',
    updatedAt: '2026-06-01T10:00:00.000Z',
  },
};
const body = JSON.stringify(event);
const id = 'msg_endpoint_epoch_42';

function signed(options: { key?: string; timestampS?: number; payload?: string; signature?: (value: string) => string } = {}) {
  const timestampS = options.timestampS ?? nowS;
  const value = new Webhook(options.key ?? secret).sign(id, new Date(timestampS * 1_000), options.payload ?? body);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampS), 'webhook-signature': options.signature?.(value) ?? value };
}

function verify(overrides: Partial<VerifyWebhookOptions> = {}) {
  return verifyWebhook({ secret, headers: signed(), body, now: () => NOW_MS, ...overrides });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe('verifyWebhook', () => {
  it('accepts a delivery signed with the secret and returns the typed event', async () => {
    const verified = await verify();
    expect(verified.id).toBe(id);
    expect(verified.timestamp).toBe(nowS);
    expect(verified.message.type).toBe('product.updated');
    if (verified.message.type !== 'product.updated') throw new Error('narrowed above');
    expect(verified.message.data.stock).toBe(11);
    expect(verified.message.seq).toBe(42);
  });

  it('accepts the raw body as bytes and headers as a Headers object', async () => {
    const verified = await verify({ headers: new Headers(signed()), body: new TextEncoder().encode(body) });
    expect(verified.message).toEqual(event);
  });

  it('accepts a reset notice', async () => {
    const reset = JSON.stringify({ type: 'webhook.reset', epoch: event.epoch, afterSeq: 41, reason: 'epoch' });
    const verified = await verify({ headers: signed({ payload: reset }), body: reset });
    expect(verified.message).toEqual({ type: 'webhook.reset', epoch: event.epoch, afterSeq: 41, reason: 'epoch' });
  });

  it('accepts a batch of events and refuses a batch holding anything but events', async () => {
    const next = { ...event, seq: 43, data: { ...event.data, stock: 10, version: 5 } };
    const batch = JSON.stringify({ type: 'webhook.batch', events: [event, next] });
    const verified = await verify({ headers: signed({ payload: batch }), body: batch });
    expect(verified.message).toMatchObject({ type: 'webhook.batch', events: [{ seq: 42 }, { seq: 43, data: { stock: 10 } }] });
    const mixed = JSON.stringify({ type: 'webhook.batch', events: [event, { type: 'webhook.reset', epoch: event.epoch, afterSeq: 41, reason: 'epoch' }] });
    await expect(verify({ headers: signed({ payload: mixed }), body: mixed })).rejects.toMatchObject({ reason: 'bad_payload' });
  });

  it('refuses a tampered body', async () => {
    expect(await refusal(verify({ body: body.replace('"stock":11', '"stock":99') }))).toBe('bad_signature');
  });

  it('refuses a delivery signed with another secret', async () => {
    expect(await refusal(verify({ headers: signed({ key: otherSecret }) }))).toBe('bad_signature');
  });

  it('refuses a delivery whose id was changed after signing', async () => {
    expect(await refusal(verify({ headers: { ...signed(), 'webhook-id': 'msg_other' } }))).toBe('bad_signature');
  });

  it('refuses a stale delivery, correctly signed, and one dated in the future', async () => {
    expect(await refusal(verify({ headers: signed({ timestampS: nowS - 301 }) }))).toBe('stale');
    expect(await refusal(verify({ headers: signed({ timestampS: nowS + 301 }) }))).toBe('stale');
    expect((await verify({ headers: signed({ timestampS: nowS - 299 }) })).id).toBe(id);
    expect(await refusal(verify({ headers: signed({ timestampS: nowS - 61 }), toleranceS: 60 }))).toBe('stale');
  });

  it('accepts a header with several signatures when one of them is valid (a secret rotating)', async () => {
    const stale = new Webhook(otherSecret).sign(id, new Date(NOW_MS), body);
    const headers = signed({ signature: (valid) => `v1,${randomBytes(32).toString('base64')} ${stale} ${valid}` });
    expect((await verify({ headers })).id).toBe(id);
    const noneValid = signed({ signature: () => `${stale} v1,${randomBytes(32).toString('base64')}` });
    expect(await refusal(verify({ headers: noneValid }))).toBe('bad_signature');
  });

  it('refuses signatures of another scheme version, even with the right value', async () => {
    expect(await refusal(verify({ headers: signed({ signature: (valid) => valid.replace(/^v1,/, 'v2,') }) }))).toBe('bad_signature');
  });

  it('refuses a replayed delivery the caller has seen, and only after the signature holds', async () => {
    const seenIds = new Set<string>();
    const seen = (webhookId: string) => seenIds.has(webhookId);
    await verify({ seen });
    seenIds.add(id);
    expect(await refusal(verify({ seen: async (webhookId) => seen(webhookId) }))).toBe('replayed');
    // a forgery is refused for its signature, before any lookup
    let asked = false;
    const forged = verify({ headers: signed({ key: otherSecret }), seen: () => (asked = true) });
    expect(await refusal(forged)).toBe('bad_signature');
    expect(asked).toBe(false);
  });

  it('refuses missing headers and a malformed timestamp', async () => {
    const { 'webhook-signature': _signature, ...unsigned } = signed();
    expect(await refusal(verify({ headers: unsigned }))).toBe('missing_header');
    expect(await refusal(verify({ headers: { ...signed(), 'webhook-timestamp': '17e8' } }))).toBe('bad_timestamp');
    expect(await refusal(verify({ headers: { ...signed(), 'webhook-id': ['a', 'b'] } }))).toBe('missing_header');
  });

  it('refuses a correctly signed body that is no event it knows', async () => {
    const unknown = JSON.stringify({ ...event, type: 'product.teleported' });
    expect(await refusal(verify({ headers: signed({ payload: unknown }), body: unknown }))).toBe('bad_payload');
  });
});
