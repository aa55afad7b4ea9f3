import { describe, expect, it } from 'vitest';
import type { WebhookDeliveryReport } from './verify-webhooks.js';
import { describeEndpoint, webhookViolations } from './webhook-report.js';
import type { EndpointResult } from './webhook-rig.js';

const clean: WebhookDeliveryReport = {
  expected: 10,
  received: 10,
  lost: 0,
  duplicates: 2,
  outOfOrder: 0,
  unexpected: 0,
  unverified: 0,
  refusedByReceiver: { '500': 3 },
  latencyMs: { p50: 40, p99: 2_500, max: 3_000 },
  examples: [],
};
const result = (deliveries: Partial<WebhookDeliveryReport>): EndpointResult => ({
  name: 'failing',
  lives: 1,
  deliveries: { ...clean, ...deliveries },
  failed: { answered: { '500': 3 }, timedOut: 0, connection: 0 },
});

describe('webhookViolations', () => {
  it('accepts an endpoint that received everything in order, repeats included', () => {
    expect(webhookViolations([result({})])).toEqual([]);
  });

  it('names each broken promise of an endpoint, with its examples', () => {
    const violations = webhookViolations([result({ received: 9, lost: 1, outOfOrder: 1, unexpected: 1, unverified: 1, examples: ['seq 4 first received after seq 5'] })]);
    expect(violations).toHaveLength(5);
    expect(violations.at(-1)).toContain('seq 4 first received after seq 5');
  });

  it('refuses an endpoint that had nothing to receive: it proves nothing', () => {
    expect(webhookViolations([result({ expected: 0, received: 0, latencyMs: undefined })])).toEqual(['failing: no event matched the endpoint, so nothing was proved']);
  });
});

describe('describeEndpoint', () => {
  it('says what the endpoint received, how its attempts failed and how long deliveries took', () => {
    expect(describeEndpoint(result({}), 'answers 500 for 3 s')).toBe(
      'failing (answers 500 for 3 s): 10 of 10 events received and verified, 0 lost, 0 out of order, 2 duplicated; failed attempts: 3 × 500; commit → receipt p50 0.04 s, p99 2.50 s',
    );
  });
});
