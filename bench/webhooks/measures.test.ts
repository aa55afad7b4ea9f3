import { describe, expect, it } from 'vitest';
import { allDelivered, checkDeliveries, expectedLiveDeliveries } from './measures.js';
import type { EndpointTally } from './protocol.js';

const tally = (fields: Partial<EndpointTally>): EndpointTally => ({
  requests: 0,
  distinct: 0,
  duplicates: 0,
  outOfOrder: 0,
  seqSum: 0,
  lastSeq: 0,
  verified: 0,
  refused: 0,
  unreadable: 0,
  firstAtMs: 0,
  lastAtMs: 0,
  ...fields,
});

describe('checkDeliveries', () => {
  it('finds nothing lost or pending when every endpoint received every expected event once', () => {
    const check = checkDeliveries(3, [tally({ distinct: 3, seqSum: 6 }), tally({ distinct: 3, seqSum: 6 })], [3, 3]);
    expect(check).toMatchObject({ expected: 3, lost: 0, pending: 0, duplicates: 0, outOfOrder: 0, refused: 0, mismatched: 0 });
  });

  it('counts an event the API logged as delivered but the receiver never had as lost; repeats and reordering apart', () => {
    const check = checkDeliveries(3, [tally({ distinct: 3, seqSum: 6, outOfOrder: 1 }), tally({ distinct: 2, duplicates: 1, seqSum: 3 })], [3, 3]);
    expect(check.lost).toBe(1);
    expect(check.duplicates).toBe(1);
    expect(check.outOfOrder).toBe(1);
    expect(check.endpoints[1]).toMatchObject({ received: 2, acknowledged: 3, lost: 1, pending: 1, sameEventsAsFirst: false });
    expect(check.mismatched).toBe(1);
  });

  it('counts an expected event neither received nor logged as pending, not lost', () => {
    const check = checkDeliveries(5, [tally({ distinct: 3, seqSum: 6 })], [3]);
    expect(check).toMatchObject({ lost: 0, pending: 2 });
  });

  it('tells endpoints that received as many but other events apart', () => {
    const check = checkDeliveries(2, [tally({ distinct: 2, seqSum: 3 }), tally({ distinct: 2, seqSum: 4 })], [2, 2]);
    expect(check.lost).toBe(0);
    expect(check.mismatched).toBe(1);
  });

  it('counts refused and unreadable deliveries', () => {
    expect(checkDeliveries(1, [tally({ distinct: 1, seqSum: 1, refused: 2, unreadable: 1 })], [1]).refused).toBe(3);
  });
});

describe('allDelivered', () => {
  it('waits for the slowest endpoint', () => {
    expect(allDelivered(5, [tally({ distinct: 5 }), tally({ distinct: 4 })])).toBe(false);
    expect(allDelivered(5, [tally({ distinct: 5 }), tally({ distinct: 5 })])).toBe(true);
  });

  it('is never true without endpoints', () => {
    expect(allDelivered(0, [])).toBe(false);
  });
});

describe('expectedLiveDeliveries', () => {
  it('multiplies each product’s committed events by its subscribers', () => {
    const committed = new Map([
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ]);
    const subscribers = new Map([
      ['a', 2],
      ['b', 5],
    ]);
    expect(expectedLiveDeliveries(committed, subscribers)).toBe(16);
  });
});
