import { webhookBatchMessageId, webhookMessageId } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import type { ReceivedRequest } from './receiver-protocol.js';
import { matchesFilter, verifyWebhookDeliveries, type OutboxEntry, type WebhookCheckInput } from './verify-webhooks.js';

const endpointId = '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const epoch = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const event = (seq: number, type = 'product.updated', topics = ['catalog']): OutboxEntry => ({ seq, type, topics, occurredAt: 1_000 * seq });
const events = [event(1), event(2, 'order.created', ['order:1']), event(3), event(4)];

function accepted(seq: number, at = 1_000 * seq + 50, overrides: Partial<ReceivedRequest> = {}): ReceivedRequest {
  return { at, webhookId: webhookMessageId(endpointId, epoch, seq), verified: true, type: 'product.updated', events: [{ seq, epoch }], answer: 204, ...overrides };
}

function acceptedBatch(seqs: number[], at = 1_000 * seqs.at(-1)! + 50): ReceivedRequest {
  return { at, webhookId: webhookBatchMessageId(endpointId, epoch, seqs[0]!, seqs.at(-1)!), verified: true, type: 'webhook.batch', events: seqs.map((seq) => ({ seq, epoch })), answer: 204 };
}

function check(requests: ReceivedRequest[], filter: WebhookCheckInput['filter'] = { eventTypes: null, topics: ['catalog'] }) {
  return verifyWebhookDeliveries({ endpointId, epoch, filter, events, requests });
}

describe('verifyWebhookDeliveries', () => {
  it('finds nothing wrong when every matching event was accepted once, in seq order', () => {
    const report = check([accepted(1), accepted(3), accepted(4)]);
    expect(report).toMatchObject({ expected: 3, received: 3, lost: 0, duplicates: 0, outOfOrder: 0, unexpected: 0, unverified: 0, examples: [] });
    expect(report.latencyMs).toEqual({ p50: 50, p99: 50, max: 50 });
  });

  it('counts an event never accepted as lost, also when the receiver saw and refused it', () => {
    const report = check([accepted(1), { ...accepted(3), answer: 500 }, { ...accepted(3), answer: 'hang' }, accepted(4)]);
    expect(report).toMatchObject({ expected: 3, received: 2, lost: 1, refusedByReceiver: { '500': 1, hang: 1 } });
    expect(report.examples.join()).toContain('seqs 3');
  });

  it('counts a first receipt below an earlier one as out of order, and a repeat as a duplicate', () => {
    const report = check([accepted(1), accepted(4), accepted(3), accepted(4)]);
    expect(report).toMatchObject({ received: 3, lost: 0, outOfOrder: 1, duplicates: 1 });
  });

  it('allows repeats of earlier events after a takeover without calling them out of order', () => {
    const report = check([accepted(1), accepted(3), accepted(3), accepted(1), accepted(4)]);
    expect(report).toMatchObject({ received: 3, outOfOrder: 0, duplicates: 2 });
  });

  it('counts an accepted event the filter excludes, of another epoch or under another message id as unexpected', () => {
    const report = check([
      accepted(1),
      accepted(2, undefined, { type: 'order.created' }),
      accepted(3, undefined, { events: [{ seq: 3, epoch: '00000000-0000-4000-8000-000000000000' }] }),
      accepted(3, undefined, { webhookId: webhookMessageId(endpointId, epoch, 4) }),
      accepted(4),
    ]);
    expect(report).toMatchObject({ unexpected: 3, received: 2, lost: 1 });
  });

  it('takes batches of consecutive matching events under their own id, a retried batch that grew counting its repeats', () => {
    const report = check([acceptedBatch([1, 3]), acceptedBatch([1, 3, 4])]);
    expect(report).toMatchObject({ expected: 3, received: 3, lost: 0, duplicates: 2, outOfOrder: 0, unexpected: 0 });
  });

  it('refuses a batch that skips a matching event, holds a non-matching one or carries another batch\'s id, and a lone event under a batch\'s id', () => {
    const report = check([
      acceptedBatch([1, 4]),
      acceptedBatch([1, 2, 3]),
      { ...acceptedBatch([1, 3]), webhookId: webhookBatchMessageId(endpointId, epoch, 1, 4) },
      { ...acceptedBatch([3]), type: 'product.updated' },
    ]);
    expect(report).toMatchObject({ unexpected: 4, received: 0, lost: 3 });
  });

  it('counts every request verifyWebhook refused', () => {
    const report = check([accepted(1), { ...accepted(3), verified: false, refusal: 'bad_signature', answer: 400 }, accepted(3), accepted(4)]);
    expect(report).toMatchObject({ unverified: 1, received: 3, refusedByReceiver: { '400': 1 } });
  });
});

describe('matchesFilter', () => {
  it('takes an event of a listed type with one of the listed topics; null takes all', () => {
    expect(matchesFilter({ eventTypes: null, topics: null }, event(1, 'order.created', ['order:1']))).toBe(true);
    expect(matchesFilter({ eventTypes: ['stock.changed'], topics: null }, event(1))).toBe(false);
    expect(matchesFilter({ eventTypes: ['product.updated'], topics: ['category:a', 'catalog'] }, event(1))).toBe(true);
    expect(matchesFilter({ eventTypes: null, topics: ['category:a'] }, event(1))).toBe(false);
  });
});
