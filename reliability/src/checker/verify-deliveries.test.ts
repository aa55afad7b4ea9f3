import { describe, expect, it } from 'vitest';
import type { ProductState } from './products.js';
import { LOG } from './store-client.js';
import { verifyDeliveries, verifyOutbox, type ClientRecord } from './verify-deliveries.js';

const state = (version: number): ProductState => ({ version, priceMinor: 100 * version, stock: 1_000 - version });

/** A client following product 0, built from readable steps. */
function client(steps: [keyof typeof LOG, number, number][], shown = 5): ClientRecord {
  const log: number[] = [];
  for (const [kind, seq, version] of steps) log.push(LOG[kind], seq, kind === 'RESET' ? -1 : 0, version);
  return { log, view: new Map([[0, state(shown)]]) };
}

const truth = new Map([[0, state(5)]]);

describe('verifyDeliveries', () => {
  it('accepts every version after the snapshot received once and in order', () => {
    const report = verifyDeliveries(
      [client([['SNAPSHOT', 10, 2], ['EVENT', 11, 3], ['EVENT', 12, 4], ['EVENT', 15, 5]])],
      truth,
    );
    expect(report).toMatchObject({ expected: 3, delivered: 3, lost: 0, duplicates: 0, outOfOrder: 0, viewMismatches: 0 });
  });

  it('ignores events older than the snapshot, as the view does', () => {
    const report = verifyDeliveries([client([['SNAPSHOT', 10, 3], ['EVENT', 9, 2], ['EVENT', 11, 4], ['EVENT', 12, 5]])], truth);
    expect(report).toMatchObject({ expected: 2, delivered: 2, lost: 0, outOfOrder: 0 });
  });

  it('counts a version that never arrived as lost', () => {
    const report = verifyDeliveries([client([['SNAPSHOT', 10, 2], ['EVENT', 11, 3], ['EVENT', 13, 5]])], truth);
    expect(report.lost).toBe(1);
    expect(report.examples[0]).toContain('never arrived');
  });

  it('counts a missed version as covered when a refetch after a reset showed it', () => {
    const report = verifyDeliveries(
      [client([['SNAPSHOT', 10, 2], ['EVENT', 11, 3], ['RESET', 20, 0], ['REFETCH', 20, 4], ['EVENT', 21, 5]])],
      truth,
    );
    expect(report).toMatchObject({ delivered: 2, coveredByReset: 1, lost: 0 });
  });

  it('does not let a refetch without a reset excuse a gap', () => {
    const report = verifyDeliveries([client([['SNAPSHOT', 10, 2], ['REFETCH', 12, 4], ['EVENT', 13, 5]])], truth);
    expect(report.lost).toBe(2);
  });

  it('still counts versions newer than the refetch as lost', () => {
    const report = verifyDeliveries([client([['SNAPSHOT', 10, 2], ['RESET', 20, 0], ['REFETCH', 20, 3]], 3)], truth);
    expect(report).toMatchObject({ coveredByReset: 1, lost: 2, viewMismatches: 1 });
  });

  it('counts a seq received twice as a duplicate', () => {
    const report = verifyDeliveries([client([['SNAPSHOT', 10, 2], ['EVENT', 11, 3], ['EVENT', 11, 3], ['EVENT', 12, 4], ['EVENT', 13, 5]])], truth);
    expect(report).toMatchObject({ duplicates: 1, outOfOrder: 0, lost: 0 });
  });

  it('counts a seq or a version going backwards as out of order', () => {
    const bySeq = verifyDeliveries([client([['SNAPSHOT', 10, 2], ['EVENT', 12, 4], ['EVENT', 11, 3], ['EVENT', 13, 5]])], truth);
    expect(bySeq.outOfOrder).toBe(1);
    const byVersion = verifyDeliveries([client([['SNAPSHOT', 10, 2], ['EVENT', 11, 4], ['EVENT', 12, 3], ['EVENT', 13, 5]])], truth);
    expect(byVersion.outOfOrder).toBe(1);
  });

  it('reports a view that differs from Postgres', () => {
    const record = client([['SNAPSHOT', 10, 2], ['EVENT', 11, 3], ['EVENT', 12, 4], ['EVENT', 13, 5]]);
    const wrongPrice: ClientRecord = { log: record.log, view: new Map([[0, { ...state(5), priceMinor: 1 }]]) };
    expect(verifyDeliveries([wrongPrice], truth).viewMismatches).toBe(1);
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
});
