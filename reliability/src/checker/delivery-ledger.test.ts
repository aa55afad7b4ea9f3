import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from './delivery-ledger.js';
import type { ProductState } from './products.js';

const state = (version: number): ProductState => ({ version, priceMinor: 100 * version, stock: 1_000 - version });
const truth = new Map([[0, state(5)]]);

type Step = ['snapshot', number, number] | ['event', number, number] | ['reset', number] | ['refetch', number];

/** A ledger for product 0, fed readable steps: [kind, seq, version] (reset: seq; refetch: version). */
function ledger(steps: Step[]): DeliveryLedger {
  const built = new DeliveryLedger();
  for (const step of steps) {
    if (step[0] === 'snapshot') built.snapshot(0, step[2], step[1]);
    else if (step[0] === 'event') built.event(step[1], 0, step[2]);
    else if (step[0] === 'reset') built.reset(step[1]);
    else built.refetch(0, step[1]);
  }
  return built;
}

describe('DeliveryLedger', () => {
  it('accepts every version after the snapshot received once and in order', () => {
    const tally = ledger([['snapshot', 10, 2], ['event', 11, 3], ['event', 12, 4], ['event', 15, 5]]).tally(truth);
    expect(tally).toMatchObject({ expected: 3, delivered: 3, lost: 0, duplicates: 0, outOfOrder: 0, coveredByReset: 0 });
  });

  it('ignores events older than the snapshot, as the view does', () => {
    const tally = ledger([['snapshot', 10, 3], ['event', 11, 2], ['event', 12, 4], ['event', 13, 5]]).tally(truth);
    expect(tally).toMatchObject({ expected: 2, delivered: 2, lost: 0, outOfOrder: 0 });
  });

  it('counts a version that never arrived as lost, also at the end', () => {
    expect(ledger([['snapshot', 10, 2], ['event', 11, 3], ['event', 13, 5]]).tally(truth).lost).toBe(1);
    const tail = ledger([['snapshot', 10, 2], ['event', 11, 3]]).tally(truth);
    expect(tail.lost).toBe(2);
    expect(tail.examples[0]).toContain('never arrived');
  });

  it('counts a missed version as covered when a refetch after a reset showed it', () => {
    const tally = ledger([['snapshot', 10, 2], ['event', 11, 3], ['reset', 20], ['event', 21, 5], ['refetch', 4]]).tally(truth);
    expect(tally).toMatchObject({ delivered: 2, coveredByReset: 1, lost: 0 });
  });

  it('does not let a refetch without a reset excuse a gap', () => {
    expect(ledger([['snapshot', 10, 2], ['refetch', 4], ['event', 13, 5]]).tally(truth).lost).toBe(2);
  });

  it('still counts versions newer than the refetch as lost', () => {
    expect(ledger([['snapshot', 10, 2], ['reset', 20], ['refetch', 3]]).tally(truth)).toMatchObject({ coveredByReset: 1, lost: 2 });
  });

  it('counts an event received again as a duplicate', () => {
    const tally = ledger([['snapshot', 10, 2], ['event', 11, 3], ['event', 11, 3], ['event', 12, 4], ['event', 13, 5]]).tally(truth);
    expect(tally).toMatchObject({ duplicates: 1, outOfOrder: 0, lost: 0, delivered: 3 });
  });

  it('counts a late arrival as out of order, and as delivered', () => {
    const tally = ledger([['snapshot', 10, 2], ['event', 12, 4], ['event', 11, 3], ['event', 13, 5]]).tally(truth);
    expect(tally).toMatchObject({ outOfOrder: 1, duplicates: 0, lost: 0, delivered: 3 });
  });

  it('counts a seq going backwards as out of order even for a newer version', () => {
    const tally = ledger([['snapshot', 10, 2], ['event', 12, 3], ['event', 11, 4], ['event', 13, 5]]).tally(truth);
    expect(tally.outOfOrder).toBe(1);
  });

  it('reports an event for a product it took no snapshot of', () => {
    const built = new DeliveryLedger();
    built.event(1, 7, 2);
    expect(built.tally(new Map()).examples).toHaveLength(1);
  });

  describe('after the history began a new epoch', () => {
    // The old history reached v7 at seq 20; the database went back to v3 at seq 12 and goes on from there.
    const old: Step[] = [['snapshot', 10, 2], ['event', 11, 3], ['event', 15, 6], ['event', 20, 7]];
    const begun = (steps: Step[]) => {
      const built = ledger(old);
      built.beginEpoch(12);
      for (const step of steps) {
        if (step[0] === 'event') built.event(step[1], 0, step[2]);
        else if (step[0] === 'refetch') built.refetch(0, step[1]);
      }
      return built;
    };
    const start = new Map([[0, 3]]);

    it('accounts the new history from the version it started with, though versions repeat', () => {
      const tally = begun([['event', 13, 4], ['event', 14, 5]]).tally(truth, start);
      expect(tally).toMatchObject({ expected: 2, delivered: 2, lost: 0, duplicates: 0, outOfOrder: 0 });
    });

    it('counts a version of the new history that never arrived, unless the refetch at the epoch change showed it', () => {
      expect(begun([['refetch', 4], ['event', 14, 5]]).tally(truth, start)).toMatchObject({ lost: 0, coveredByReset: 1 });
      expect(begun([['refetch', 3], ['event', 14, 5]]).tally(truth, start)).toMatchObject({ lost: 1 });
    });

    it('needs the versions the new epoch started from', () => {
      expect(() => begun([]).tally(truth)).toThrow(/new epoch/);
    });
  });
});
