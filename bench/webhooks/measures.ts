import type { EndpointTally } from './protocol.js';

export interface EndpointDelivery {
  /** Events it had to receive: every event committed while it was registered (it takes every product.updated). */
  expected: number;
  /** Distinct events received. */
  received: number;
  /** Distinct events the API's delivery log says it delivered (a 2xx answer read). */
  acknowledged: number;
  /** Events the API recorded as delivered that the receiver never had. */
  lost: number;
  /** Expected events not received (yet) when the check was made: still queued, or lost. */
  pending: number;
  /** Events received again (at-least-once allows it). */
  duplicates: number;
  /** Events received after one with a higher seq (must be none). */
  outOfOrder: number;
  /** Deliveries its receiver refused (bad signature, unreadable body). */
  refused: number;
  /** Whether it received the same events as the first endpoint (by the sum of their seqs). */
  sameEventsAsFirst: boolean;
}

export interface DeliveryCheck {
  expected: number;
  endpoints: EndpointDelivery[];
  lost: number;
  pending: number;
  duplicates: number;
  outOfOrder: number;
  refused: number;
  /** Endpoints whose events differ from the first endpoint's. */
  mismatched: number;
}

/**
 * Holds each endpoint's receiver tally against the events the writers had committed while it was
 * registered (every endpoint must have each one, once, in order, and all of them the same ones) and
 * against what the API logged as delivered to it (`acknowledged[i]`, read before the tally): an event
 * logged as delivered but never received is lost; one neither received nor logged is pending.
 */
export function checkDeliveries(expected: number, tallies: readonly EndpointTally[], acknowledged: readonly number[]): DeliveryCheck {
  const first = tallies[0];
  const endpoints = tallies.map(
    (tally, i): EndpointDelivery => ({
      expected,
      received: tally.distinct,
      acknowledged: acknowledged[i] ?? 0,
      lost: Math.max(0, (acknowledged[i] ?? 0) - tally.distinct),
      pending: Math.max(0, expected - tally.distinct),
      duplicates: tally.duplicates,
      outOfOrder: tally.outOfOrder,
      refused: tally.refused + tally.unreadable,
      sameEventsAsFirst: first !== undefined && tally.distinct === first.distinct && tally.seqSum === first.seqSum,
    }),
  );
  const sum = (pick: (e: EndpointDelivery) => number) => endpoints.reduce((total, e) => total + pick(e), 0);
  return {
    expected,
    endpoints,
    lost: sum((e) => e.lost),
    pending: sum((e) => e.pending),
    duplicates: sum((e) => e.duplicates),
    outOfOrder: sum((e) => e.outOfOrder),
    refused: sum((e) => e.refused),
    mismatched: endpoints.filter((e) => !e.sameEventsAsFirst).length,
  };
}

/** Whether every endpoint has received at least `expected` distinct events (the backlog is delivered). */
export function allDelivered(expected: number, tallies: readonly EndpointTally[]): boolean {
  return tallies.length > 0 && tallies.every((tally) => tally.distinct >= expected);
}

/** WebSocket deliveries the fleet must receive: each committed event once per subscriber of its product. */
export function expectedLiveDeliveries(committed: ReadonlyMap<string, number>, subscribers: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const [id, events] of committed) total += events * (subscribers.get(id) ?? 0);
  return total;
}
