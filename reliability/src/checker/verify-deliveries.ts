import type { DeliveryLedger } from './delivery-ledger.js';
import type { ProductState } from './products.js';

/** What the checker needs of a client: its ledger and what it shows now. */
export interface ClientRecord {
  ledger: DeliveryLedger;
  /** Product number → state shown; its keys are the products the client follows. */
  view: ReadonlyMap<number, ProductState>;
}

export interface DeliveryReport {
  clients: number;
  /** Versions clients had to learn about after their snapshot: Σ over clients and products of (final − snapshot). */
  expected: number;
  /** Of those, the ones that arrived as an event. */
  delivered: number;
  /** Missed as events, but a refetch after a `reset` showed that version or a newer one. */
  coveredByReset: number;
  /** Neither arrived nor covered by a reset's refetch. Must be 0. */
  lost: number;
  /** Events a client received again. Must be 0. */
  duplicates: number;
  /** Events that went backwards in seq, or in version for their product. Must be 0. */
  outOfOrder: number;
  /** Products whose shown state differs from Postgres once everything has settled. Must be 0. */
  viewMismatches: number;
  /** The first few problems, described, for a failure message. */
  examples: string[];
}

const MAX_EXAMPLES = 10;

/**
 * Adds up every client's ledger against Postgres's final state, and compares what each client shows
 * with it: every version received once and in order, or covered by a refetch after a reset.
 */
export function verifyDeliveries(
  clients: readonly ClientRecord[],
  truth: ReadonlyMap<number, ProductState>,
  name: (product: number) => string = String,
  /** When the history began a new epoch during the run: each product's version when it began. */
  epochStart?: ReadonlyMap<number, number>,
): DeliveryReport {
  const report: DeliveryReport = {
    clients: clients.length,
    expected: 0,
    delivered: 0,
    coveredByReset: 0,
    lost: 0,
    duplicates: 0,
    outOfOrder: 0,
    viewMismatches: 0,
    examples: [],
  };
  const example = (text: string) => {
    if (report.examples.length < MAX_EXAMPLES) report.examples.push(text);
  };
  clients.forEach((client, c) => {
    const tally = client.ledger.tally(truth, epochStart);
    report.expected += tally.expected;
    report.delivered += tally.delivered;
    report.coveredByReset += tally.coveredByReset;
    report.lost += tally.lost;
    report.duplicates += tally.duplicates;
    report.outOfOrder += tally.outOfOrder;
    for (const text of tally.examples) example(`client ${c}: ${text}`);
    for (const [product, shown] of client.view) {
      const expected = truth.get(product);
      if (expected === undefined) throw new Error(`no final state for ${name(product)}`);
      if (shown.version === expected.version && shown.priceMinor === expected.priceMinor && shown.stock === expected.stock) continue;
      report.viewMismatches++;
      example(`client ${c}: shows ${name(product)} as ${JSON.stringify(shown)}, Postgres has ${JSON.stringify(expected)}`);
    }
  });
  return report;
}

export interface OutboxReport {
  /** Rows for the run's products after their creation: the events written. */
  events: number;
  /** Product versions with no outbox row, or with more than one. Must be 0: each change has exactly one event. */
  mismatched: number;
  /** Rows still without a seq or not published. */
  unpublished: number;
  examples: string[];
}

/** Each product version after creation must have exactly one outbox row, and every row must be out. */
export function verifyOutbox(
  events: readonly { product: number; version: number; seq: number | null; published: boolean }[],
  truth: ReadonlyMap<number, ProductState>,
  name: (product: number) => string = String,
  /**
   * When the history went back during the run: each product's version in the database it went back to.
   * Versions up to it may have no row (a database re-created without its event history); later ones must.
   */
  epochStart?: ReadonlyMap<number, number>,
): OutboxReport {
  const report: OutboxReport = { events: events.length, mismatched: 0, unpublished: 0, examples: [] };
  const counts = new Map<string, number>();
  for (const event of events) {
    counts.set(`${event.product}:${event.version}`, (counts.get(`${event.product}:${event.version}`) ?? 0) + 1);
    if (event.seq === null || !event.published) report.unpublished++;
  }
  for (const [product, state] of truth) {
    for (let version = 2; version <= state.version; version++) {
      const count = counts.get(`${product}:${version}`) ?? 0;
      counts.delete(`${product}:${version}`);
      if (count === 1 || (count === 0 && version <= (epochStart?.get(product) ?? 0))) continue;
      report.mismatched++;
      if (report.examples.length < MAX_EXAMPLES) report.examples.push(`${name(product)} v${version} has ${count} outbox rows`);
    }
  }
  for (const [key, count] of counts) {
    report.mismatched += count;
    if (report.examples.length < MAX_EXAMPLES) report.examples.push(`outbox row for ${key} beyond the product's version`);
  }
  return report;
}
