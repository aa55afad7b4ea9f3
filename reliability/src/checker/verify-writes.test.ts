import { describe, expect, it } from 'vitest';
import type { WriteOutcome } from './api-load.js';
import { verifyAcknowledged } from './verify-writes.js';

const write = (overrides: Partial<WriteOutcome>): WriteOutcome => ({
  op: 'price',
  acked: true,
  refused: false,
  unknown: false,
  versions: [],
  orderId: undefined,
  answeredAt: 1_000,
  ...overrides,
});

describe('verifyAcknowledged', () => {
  const outbox = [
    { product: 0, version: 2 },
    { product: 0, version: 3 },
    { product: 1, version: 2 },
  ];

  it('accepts acknowledged versions that have their event and orders that exist', () => {
    const writes = [write({ versions: [[0, 3]] }), write({ op: 'bulk', versions: [[0, 2], [1, 2]] }), write({ op: 'order', orderId: 'o-1' })];
    expect(verifyAcknowledged(writes, outbox, new Set(['o-1']))).toEqual({ acked: 3, missing: 0, rolledBack: 0, examples: [] });
  });

  it('counts an acknowledged version without an event and an acknowledged order that is gone', () => {
    const writes = [write({ versions: [[1, 3]] }), write({ op: 'order', orderId: 'o-2' }), write({ acked: false, unknown: true, versions: [[1, 9]] })];
    const report = verifyAcknowledged(writes, outbox, new Set());
    expect(report.acked).toBe(2);
    expect(report.missing).toBe(2);
    expect(report.examples).toHaveLength(2);
  });

  it('counts writes answered while a restore rolled the database back as rolled back, not missing, and no others', () => {
    const writes = [write({ versions: [[1, 3]], answeredAt: 1_500 }), write({ op: 'order', orderId: 'o-2', answeredAt: 2_500 })];
    const report = verifyAcknowledged(writes, outbox, new Set(), { from: 1_200, to: 2_000 });
    expect(report).toMatchObject({ acked: 2, rolledBack: 1, missing: 1 });
  });

  it('takes versions up to the one a database went back to as in its rows, whether or not their events survived', () => {
    const writes = [write({ versions: [[1, 2]] }), write({ versions: [[1, 4]], answeredAt: 5_000 })];
    expect(verifyAcknowledged(writes, [], new Set(), undefined, new Map([[1, 3]]))).toMatchObject({ acked: 2, missing: 1 });
  });
});
