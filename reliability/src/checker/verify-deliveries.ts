import type { ProductState } from './products.js';
import { LOG, LOG_STRIDE } from './store-client.js';

/** What the checker needs of a client: its log (see LOG) and what it shows now. */
export interface ClientRecord {
  log: readonly number[];
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
  /** Events whose seq the same client had already received. Must be 0. */
  duplicates: number;
  /** Events whose seq (or version of their product) is not above the previous one the client received. Must be 0. */
  outOfOrder: number;
  /** Products whose shown state differs from Postgres once everything has settled. Must be 0. */
  viewMismatches: number;
  /** The first few problems, described, for a failure message. */
  examples: string[];
}

const MAX_EXAMPLES = 10;

interface ProductTrail {
  snapshot: number;
  /** Versions received as events, in arrival order. */
  events: number[];
  /** The newest version a refetch after a reset showed. */
  refetched: number;
}

/**
 * Accounts for every version of every followed product on every client: received once, in order,
 * or covered by a refetch after a reset. `name` turns a product number into something readable.
 */
export function verifyDeliveries(
  clients: readonly ClientRecord[],
  truth: ReadonlyMap<number, ProductState>,
  name: (product: number) => string = String,
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
    const trails = new Map<number, ProductTrail>();
    const seen = new Set<number>();
    let previousSeq = 0;
    let resetSeen = false;
    const { log } = client;
    for (let i = 0; i < log.length; i += LOG_STRIDE) {
      const kind = log[i]!;
      const seq = log[i + 1]!;
      const product = log[i + 2]!;
      const version = log[i + 3]!;
      if (kind === LOG.RESET) {
        resetSeen = true;
        continue;
      }
      let trail = trails.get(product);
      if (trail === undefined) {
        trail = { snapshot: 0, events: [], refetched: 0 };
        trails.set(product, trail);
      }
      if (kind === LOG.SNAPSHOT) trail.snapshot = version;
      else if (kind === LOG.REFETCH) {
        if (resetSeen) trail.refetched = Math.max(trail.refetched, version);
      } else {
        if (seen.has(seq)) {
          report.duplicates++;
          example(`client ${c}: seq ${seq} (${name(product)} v${version}) received twice`);
        } else if (seq <= previousSeq) {
          report.outOfOrder++;
          example(`client ${c}: seq ${seq} arrived after seq ${previousSeq}`);
        } else {
          const last = trail.events.at(-1);
          if (last !== undefined && version <= last) {
            report.outOfOrder++;
            example(`client ${c}: ${name(product)} v${version} arrived after v${last}`);
          }
        }
        seen.add(seq);
        previousSeq = Math.max(previousSeq, seq);
        trail.events.push(version);
      }
    }

    for (const [product, shown] of client.view) {
      const expected = truth.get(product);
      if (expected === undefined) throw new Error(`no truth for ${name(product)}`);
      const trail = trails.get(product) ?? { snapshot: 0, events: [], refetched: 0 };
      const received = new Set(trail.events);
      let lostHere = 0;
      for (let version = trail.snapshot + 1; version <= expected.version; version++) {
        report.expected++;
        if (received.has(version)) report.delivered++;
        else if (version <= trail.refetched) report.coveredByReset++;
        else lostHere++;
      }
      if (lostHere > 0) {
        report.lost += lostHere;
        example(`client ${c}: ${lostHere} version(s) of ${name(product)} between v${trail.snapshot} and v${expected.version} never arrived`);
      }
      if (shown.version !== expected.version || shown.priceMinor !== expected.priceMinor || shown.stock !== expected.stock) {
        report.viewMismatches++;
        example(`client ${c}: shows ${name(product)} as ${JSON.stringify(shown)}, Postgres has ${JSON.stringify(expected)}`);
      }
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
      if (count === 1) continue;
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
