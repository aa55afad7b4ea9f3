import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from './delivery-ledger.js';
import type { ProductState } from './products.js';
import { verifyDeliveries, verifyOutbox } from './verify-deliveries.js';

const state = (version: number): ProductState => ({ version, priceMinor: 100 * version, stock: 1_000 - version });
const truth = new Map([[0, state(5)]]);

describe('verifyDeliveries', () => {
  function client(versions: number[], shown: ProductState) {
    const ledger = new DeliveryLedger();
    ledger.snapshot(0, 1, 10);
    versions.forEach((version, i) => ledger.event(11 + i, 0, version));
    return { ledger, view: new Map([[0, shown]]) };
  }

  it('adds up the clients and finds nothing wrong when each received every version and shows Postgres', () => {
    const report = verifyDeliveries([client([2, 3, 4, 5], state(5)), client([2, 3, 4, 5], state(5))], truth);
    expect(report).toMatchObject({ clients: 2, expected: 8, delivered: 8, lost: 0, viewMismatches: 0, examples: [] });
  });

  it('reports the lost versions of one client and the view of another that differs from Postgres', () => {
    const report = verifyDeliveries([client([2, 5], state(5)), client([2, 3, 4, 5], { ...state(5), priceMinor: 1 })], truth);
    expect(report).toMatchObject({ expected: 8, delivered: 6, lost: 2, viewMismatches: 1 });
    expect(report.examples).toHaveLength(2);
  });
});

describe('verifyOutbox', () => {
  const row = (version: number, published = true) => ({ product: 0, version, seq: version, published });

  it('accepts exactly one published row per version after creation', () => {
    expect(verifyOutbox([row(2), row(3), row(4), row(5)], truth)).toMatchObject({ events: 4, mismatched: 0, unpublished: 0 });
  });

  it('finds a version without its event, one with two, and rows not yet out', () => {
    const report = verifyOutbox([row(2), row(3), row(3), row(5, false)], truth);
    expect(report.mismatched).toBe(2);
    expect(report.unpublished).toBe(1);
  });

  it('after the history went back, lets versions up to the restored one lack their event, and no later one', () => {
    expect(verifyOutbox([row(4), row(5)], truth, String, new Map([[0, 3]]))).toMatchObject({ mismatched: 0 });
    expect(verifyOutbox([row(5)], truth, String, new Map([[0, 3]]))).toMatchObject({ mismatched: 1 });
  });
});
