import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBodies } from './event-bodies.js';
import { laneMessages, type LaneTarget } from './lane-messages.js';
import { OpenedSecrets } from './opened-secrets.js';
import { PendingDeliveries } from './pending-deliveries.js';
import { createSecretSealer } from './secret-sealer.js';
import type { EventRow } from './worker-sql.js';

const EPOCH = '0b3c3f0e-9c1a-4c55-8a43-7f1f6a0b9d11';
const PRODUCT = '6a0c2f7e-1d2b-4c3d-9e4f-5a6b7c8d9e0f';

function row(seq: number, price = 1_000, type = 'product.updated'): EventRow {
  return {
    seq,
    type,
    topics: ['catalog', `product:${PRODUCT}`],
    occurredAt: '2026-12-07T05:00:00.000Z',
    actor: null,
    data: { id: PRODUCT, sku: 'LAMP-001', name: 'A lamp', description: '', category: 'lighting', priceMinor: price, currency: 'EUR', stock: 3, available: 3, imageUrl: null, version: seq, createdAt: '2026-12-07T05:00:00.000Z', updatedAt: '2026-12-07T05:00:00.000Z' },
  };
}

describe('EventBodies', () => {
  it('serializes an event once for every endpoint, and keeps one body per epoch and seq', () => {
    const bodies = new EventBodies();
    const first = bodies.of(EPOCH, row(1));
    expect(bodies.of(EPOCH, row(1))).toBe(first);
    expect(bodies.of('another-epoch', row(1))).not.toBe(first);
    expect(JSON.parse(bodies.of(EPOCH, row(2, 2_500))!.body.toString())).toMatchObject({ seq: 2, epoch: EPOCH, data: { priceMinor: 2_500 } });
    expect(first!.type).toBe('product.updated');
  });

  it('answers null for a row that is no valid event, as the relay steps over it', () => {
    expect(new EventBodies().of(EPOCH, { ...row(3), type: 'no.such.type' })).toBeNull();
  });

  it('drops the oldest body when full', () => {
    const bodies = new EventBodies(2);
    const first = bodies.of(EPOCH, row(1));
    bodies.of(EPOCH, row(2));
    bodies.of(EPOCH, row(3));
    expect(bodies.size).toBe(2);
    expect(bodies.of(EPOCH, row(1))).not.toBe(first);
  });
});

describe('OpenedSecrets', () => {
  const ENDPOINT = '1c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
  const sealer = createSecretSealer([{ id: 'k1', key: randomBytes(32) }]);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const rotated = `whsec_${randomBytes(24).toString('base64')}`;

  it('opens a sealed secret once while the endpoint stores the same value, and again after a rotation', () => {
    const open = vi.spyOn(sealer, 'open');
    const secrets = new OpenedSecrets(sealer);
    const sealed = sealer.seal(secret, ENDPOINT);
    expect(secrets.open(ENDPOINT, sealed, null)).toMatchObject({ secret, previous: null });
    expect(secrets.open(ENDPOINT, sealed, null).secret).toBe(secret);
    expect(open).toHaveBeenCalledTimes(1);
    const sealedRotated = sealer.seal(rotated, ENDPOINT);
    expect(secrets.open(ENDPOINT, sealedRotated, sealed)).toMatchObject({ secret: rotated, previous: secret });
    expect(open).toHaveBeenCalledTimes(3);
    secrets.keepOnly(new Set());
    secrets.open(ENDPOINT, sealedRotated, sealed);
    expect(open).toHaveBeenCalledTimes(5);
  });

  it('keeps no failure: a secret that does not open fails every time', () => {
    const secrets = new OpenedSecrets(sealer);
    const sealedForAnother = sealer.seal(secret, '2c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(() => secrets.open(ENDPOINT, sealedForAnother, null)).toThrow(/does not open/);
    expect(() => secrets.open(ENDPOINT, sealedForAnother, null)).toThrow(/does not open/);
  });
});

describe('PendingDeliveries', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const delivered = (seq: number) => ({ messageId: `msg_${seq}`, seq, lastSeq: seq, events: 1, type: 'product.updated', attempt: 1, statusCode: 204, latencyMs: 2, attemptedAt: '2026-12-07T05:00:00.000Z' });

  it('has nothing to write until something is delivered or stepped over', () => {
    const pending = new PendingDeliveries();
    expect(pending.due).toBe(false);
    expect(pending.take()).toBeUndefined();
  });

  it('writes the rows in sending order with the last position, then is empty', () => {
    const pending = new PendingDeliveries();
    pending.delivered(delivered(1), { epoch: EPOCH, seq: 1 });
    pending.steppedTo({ epoch: EPOCH, seq: 4 });
    pending.delivered(delivered(5), { epoch: EPOCH, seq: 5 });
    pending.steppedTo({ epoch: EPOCH, seq: 9 });
    expect(pending.take()).toEqual({ rows: [delivered(1), delivered(5)], to: { epoch: EPOCH, seq: 9 } });
    expect(pending.take()).toBeUndefined();
  });

  it('is due after 50 rows, or once its first entry has waited 250 ms', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const pending = new PendingDeliveries();
    for (let seq = 1; seq < 50; seq++) pending.delivered(delivered(seq), { epoch: EPOCH, seq });
    expect(pending.due).toBe(false);
    pending.delivered(delivered(50), { epoch: EPOCH, seq: 50 });
    expect(pending.due).toBe(true);
    pending.take();
    pending.steppedTo({ epoch: EPOCH, seq: 60 });
    vi.advanceTimersByTime(249);
    expect(pending.due).toBe(false);
    vi.advanceTimersByTime(1);
    expect(pending.due).toBe(true);
  });
});

describe('laneMessages', () => {
  const ENDPOINT = '1f0e4c2a-3b5d-4e6f-8a9b-0c1d2e3f4a5b';
  const target = (maxBatchSize: number, eventTypes: string[] | null = null): LaneTarget => ({ id: ENDPOINT, eventTypes, topics: null, maxBatchSize });
  const invalid: EventRow = { ...row(4), data: { id: 'not a product' } };
  const rows = [row(1), row(2, 1_000, 'stock.changed'), row(3), invalid, row(5), row(6), row(7)];

  it('makes one message per matching event with maxBatchSize 1, its body the event alone', () => {
    const messages = laneMessages(target(1, ['product.updated']), EPOCH, rows, new EventBodies());
    expect(messages.map((message) => [message.seq, message.lastSeq, message.events, message.type])).toEqual([
      [1, 1, 1, 'product.updated'],
      [3, 3, 1, 'product.updated'],
      [5, 5, 1, 'product.updated'],
      [6, 6, 1, 'product.updated'],
      [7, 7, 1, 'product.updated'],
    ]);
    expect(messages[0]!.id).toBe(`msg_${ENDPOINT}_${EPOCH}_1`);
    expect(JSON.parse(messages[1]!.body.toString())).toMatchObject({ seq: 3, epoch: EPOCH });
  });

  it('batches consecutive matching events up to maxBatchSize, in seq order, passing over invalid rows', () => {
    const messages = laneMessages(target(2, ['product.updated']), EPOCH, rows, new EventBodies());
    expect(messages.map((message) => [message.id, message.events, message.lastSeq])).toEqual([
      [`msg_${ENDPOINT}_${EPOCH}_1-3`, 2, 3],
      [`msg_${ENDPOINT}_${EPOCH}_5-6`, 2, 6],
      [`msg_${ENDPOINT}_${EPOCH}_7-7`, 1, 7],
    ]);
    const batch = JSON.parse(messages[0]!.body.toString()) as { type: string; events: { seq: number; epoch: string }[] };
    expect(batch.type).toBe('webhook.batch');
    expect(batch.events.map((event) => [event.seq, event.epoch])).toEqual([
      [1, EPOCH],
      [3, EPOCH],
    ]);
  });

  it('takes the whole run in one batch when it fits, and makes nothing when no event matches', () => {
    const all = laneMessages(target(1_000), EPOCH, rows, new EventBodies());
    expect(all).toHaveLength(1);
    expect(JSON.parse(all[0]!.body.toString()).events.map((event: { seq: number }) => event.seq)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(laneMessages(target(10, ['order.paid']), EPOCH, rows, new EventBodies())).toEqual([]);
  });
});
