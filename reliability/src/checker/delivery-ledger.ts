import type { ProductState } from './products.js';

/** What one client's deliveries add up to, against Postgres's final state. */
export interface DeliveryTally {
  /** Versions the client had to learn after its snapshot: Σ over its products of (final − snapshot). */
  expected: number;
  /** Of those, the ones that arrived as an event. */
  delivered: number;
  /** Missed as events, but a refetch after a `reset` showed that version or a newer one. */
  coveredByReset: number;
  /** Neither arrived nor covered by a reset's refetch. */
  lost: number;
  /** Events received again (a seq not above the last one, for a version already received). */
  duplicates: number;
  /** Events that went backwards: a seq not above the last one, or a version not above its product's last. */
  outOfOrder: number;
  /** Problems, described (up to a few per client). */
  examples: string[];
}

interface ProductTrail {
  /** The snapshot's version: events up to it are older than what the client started from. */
  base: number;
  /** The newest version received as an event (or the snapshot's, before any). */
  last: number;
  received: number;
  /** Versions above `base` skipped so far, as inclusive ranges; a late arrival removes its version. */
  gaps: [number, number][];
  /** The newest version a refetch after a reset showed. */
  refetched: number;
}

const MAX_EXAMPLES = 3;

/**
 * One client's account of what it received, kept as it goes in memory proportional to the products it
 * follows (not to the events), so the same checker serves a 30-minute soak: every version of every
 * followed product must arrive once and in order, or be covered by a refetch after a `reset`.
 */
export class DeliveryLedger {
  /** Events received, all kinds, duplicates included. */
  events = 0;
  duplicates = 0;
  outOfOrder = 0;
  /** The newest seq received; -1 before the first snapshot. */
  private lastSeq = -1;
  private resetSeen = false;
  private readonly trails = new Map<number, ProductTrail>();
  private readonly examples: string[] = [];
  /**
   * What arrived since the history began a new epoch (a restore, a failover that lost commits): versions
   * start over below what the old history reached, so they are kept as they came and accounted at the end
   * from the versions the new history started with, which only the database can tell.
   */
  private newEpoch: { seq: number; events: [number, number, number][]; refetched: Map<number, number> } | undefined;

  constructor(private readonly name: (product: number) => string = (product) => `product #${product}`) {}

  /** The history began a new epoch after `seq`: its events and refetches are accounted on their own. */
  beginEpoch(seq: number): void {
    this.newEpoch = { seq, events: [], refetched: new Map() };
  }

  get epochsBegun(): boolean {
    return this.newEpoch !== undefined;
  }

  /** The state the client starts from (a snapshot read with its X-Event-Seq). */
  snapshot(product: number, version: number, seq: number): void {
    this.trails.set(product, { base: version, last: version, received: 0, gaps: [], refetched: 0 });
    // Resuming from the oldest snapshot's seq: what arrives after it is in order.
    this.lastSeq = this.lastSeq < 0 ? seq : Math.min(this.lastSeq, seq);
  }

  event(seq: number, product: number, version: number): void {
    if (this.newEpoch !== undefined) {
      this.events++;
      this.newEpoch.events.push([seq, product, version]);
      return;
    }
    this.events++;
    const trail = this.trails.get(product);
    if (trail === undefined) {
      this.note(`event ${seq} for ${this.name(product)}, which this client took no snapshot of`);
      return;
    }
    const backwards = seq <= this.lastSeq;
    this.lastSeq = Math.max(this.lastSeq, seq);
    if (version <= trail.base) {
      // Older than the snapshot: expected in the replay right after subscribing; only its order matters.
      if (backwards) this.countOutOfOrder(`seq ${seq} arrived after seq ${this.lastSeq}`);
      return;
    }
    if (version > trail.last) {
      if (backwards) this.countOutOfOrder(`seq ${seq} arrived after seq ${this.lastSeq}`);
      if (version > trail.last + 1) trail.gaps.push([trail.last + 1, version - 1]);
      trail.last = version;
      trail.received++;
      return;
    }
    if (fillGap(trail.gaps, version)) {
      trail.received++;
      this.countOutOfOrder(`${this.name(product)} v${version} arrived after v${trail.last}`);
    } else {
      this.duplicates++;
      this.note(`seq ${seq} (${this.name(product)} v${version}) received again`);
    }
  }

  /** The server said history does not reach back far enough: refetches that follow may cover gaps. */
  reset(seq: number): void {
    this.resetSeen = true;
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  /** A product read again over HTTP; it covers missed versions only after a reset. */
  refetch(product: number, version: number): void {
    if (this.newEpoch !== undefined) {
      this.newEpoch.refetched.set(product, Math.max(this.newEpoch.refetched.get(product) ?? 0, version));
      return;
    }
    const trail = this.trails.get(product);
    if (trail !== undefined && this.resetSeen) trail.refetched = Math.max(trail.refetched, version);
  }

  /**
   * Accounts every version up to `truth`'s for each followed product. After a new epoch began, only the
   * new history is accounted for loss, from `epochStart` (each product's version when it began; required
   * then); what arrived before it still counts for duplicates and order.
   */
  tally(truth: ReadonlyMap<number, ProductState>, epochStart?: ReadonlyMap<number, number>): DeliveryTally {
    const era = this.newEpoch;
    if (era !== undefined) {
      if (epochStart === undefined) throw new Error('a new epoch began: the versions it started from are needed');
      const after = new DeliveryLedger(this.name);
      for (const product of this.trails.keys()) {
        const base = epochStart.get(product);
        if (base === undefined) throw new Error(`no version at the new epoch's start for ${this.name(product)}`);
        after.snapshot(product, base, era.seq);
      }
      after.reset(era.seq);
      for (const [seq, product, version] of era.events) after.event(seq, product, version);
      for (const [product, version] of era.refetched) after.refetch(product, version);
      const tally = after.tally(truth);
      return {
        ...tally,
        duplicates: tally.duplicates + this.duplicates,
        outOfOrder: tally.outOfOrder + this.outOfOrder,
        examples: [...this.examples, ...tally.examples].slice(0, MAX_EXAMPLES),
      };
    }
    const tally: DeliveryTally = {
      expected: 0,
      delivered: 0,
      coveredByReset: 0,
      lost: 0,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      examples: [...this.examples],
    };
    for (const [product, trail] of this.trails) {
      const final = truth.get(product)?.version;
      if (final === undefined) throw new Error(`no final state for ${this.name(product)}`);
      tally.expected += Math.max(0, final - trail.base);
      tally.delivered += trail.received;
      const missing = [...trail.gaps];
      if (final > trail.last) missing.push([trail.last + 1, final]);
      let lost = 0;
      for (const [from, to] of missing) {
        const covered = Math.max(0, Math.min(to, trail.refetched) - from + 1);
        tally.coveredByReset += covered;
        lost += to - from + 1 - covered;
      }
      if (lost > 0 && tally.examples.length < MAX_EXAMPLES) {
        tally.examples.push(`${lost} version(s) of ${this.name(product)} after v${trail.base} up to v${final} never arrived`);
      }
      tally.lost += lost;
    }
    return tally;
  }

  private countOutOfOrder(text: string): void {
    this.outOfOrder++;
    this.note(text);
  }

  private note(text: string): void {
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(text);
  }
}

/** Removes `version` from the gap holding it; false when no gap holds it (it was received before). */
function fillGap(gaps: [number, number][], version: number): boolean {
  const at = gaps.findIndex(([from, to]) => version >= from && version <= to);
  if (at === -1) return false;
  const [from, to] = gaps[at]!;
  const rest: [number, number][] = [];
  if (from < version) rest.push([from, version - 1]);
  if (version < to) rest.push([version + 1, to]);
  gaps.splice(at, 1, ...rest);
  return true;
}
