import type { ClientTally } from '../harness/fleet-protocol.js';

/** What each client must receive: how many events, and the sum of their seqs. */
export interface Expected {
  count: number;
  sum: number;
}

/** Per client, the events of `productOfSeq` (index = seq, 0 unused) on the products it follows. */
export function expectedPerClient(clientCount: number, productOfSeq: readonly number[], subscribersOf: readonly (readonly number[])[]): Expected[] {
  const expected = Array.from({ length: clientCount }, () => ({ count: 0, sum: 0 }));
  for (let seq = 1; seq < productOfSeq.length; seq++) {
    for (const client of subscribersOf[productOfSeq[seq]!]!) {
      expected[client]!.count++;
      expected[client]!.sum += seq;
    }
  }
  return expected;
}

/** Events some client should have received and did not, from each client's tally. */
export function countLost(perClient: readonly ClientTally[], expected: readonly Expected[]): number {
  let lost = 0;
  perClient.forEach((tally, client) => {
    const want = expected[client]!;
    const unique = tally.count - tally.backwards;
    lost += Math.max(0, want.count - unique);
    // Same count but another sum would mean a missing seq hidden by a stray one.
    if (unique === want.count && tally.backwards === 0 && tally.sum !== want.sum) lost++;
  });
  return lost;
}
