import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from '@livecart/local-services/testing';
import { ApiLoad, DEFAULT_MIX, type Operation } from './api-load.js';
import { ClientFleet, type FleetStats } from './client-fleet.js';
import { createProducts, type ApiTarget, type ProductSet } from './products.js';
import { Truth } from './truth.js';
import { verifyCheckouts, type CheckoutReport } from './verify-checkouts.js';
import { verifyDeliveries, verifyOutbox, type DeliveryReport, type OutboxReport } from './verify-deliveries.js';
import { verifyAcknowledged, type AcknowledgedReport } from './verify-writes.js';

/** What a run needs to know of the system under test. */
export interface RunTarget extends ApiTarget {
  wsUrl: string;
  origin: string;
  /** Postgres, directly: the truth the clients are checked against. */
  databaseUrl: string;
  /** Processes of the system that died on their own (see Stack.processProblems). */
  processProblems?(): string[];
}

export interface RunSize {
  clients: number;
  products: number;
  productsPerClient: number;
  catalogEvery: number;
  /** Operations per second (writes and a few reads), retries not included. */
  ratePerSecond: number;
  mix?: Readonly<Record<Operation, number>>;
  /** Load before the fault is injected. */
  warmupMs: number;
  /** Load after the fault is lifted, before writes stop. */
  recoverMs: number;
  /** How long, after writes stop and the outbox is drained, clients may take to show Postgres's state. */
  settleTimeoutMs: number;
  /** How long every client may take to subscribe at the start; the fleet's default when absent. */
  startTimeoutMs?: number;
  /** How long a failed write keeps being retried; the load's default (20 s) when absent. */
  retryForMs?: number;
}

export const DEFAULT_RUN_SIZE: RunSize = {
  clients: 500,
  products: 100,
  productsPerClient: 3,
  catalogEvery: 25,
  ratePerSecond: 100,
  warmupMs: 2_000,
  recoverMs: 2_000,
  settleTimeoutMs: 30_000,
};

/** The same load with a stream of shoppers checking out (about 5 flows a second, 5 requests each) among it. */
export const WITH_CHECKOUTS: RunSize = { ...DEFAULT_RUN_SIZE, mix: { ...DEFAULT_MIX, checkout: 5 } };

/** Handed to the fault: the run's moving parts, and the call that marks where recovery starts. */
export interface FaultContext {
  load: ApiLoad;
  fleet: ClientFleet;
  products: ProductSet;
  /** Postgres, read directly. */
  truth: Truth;
  /** Call at the instant the fault is lifted (or, for a kill, right after it): convergence is timed from here. */
  lifted(): void;
  /** Notes for the report, e.g. how long a takeover took. */
  note(text: string): void;
  /**
   * The database went back in time (a restore, a failover that lost commits): call before `lifted()`.
   * From then on the run expects the relay to start a new epoch and every client to follow it; writes
   * answered within `lostWindow` may be gone with the rollback, and the new history is accounted from
   * `epochStart`, each product's version in the database as restored.
   */
  rewound(rewind: Rewind): void;
}

export interface Rewind {
  epochStart: ReadonlyMap<number, number>;
  /** Epoch ms: from the backup the database went back to, until it was back. */
  lostWindow: { from: number; to: number };
}

/** What became of a history that went back. */
export interface HistoryReport {
  previousEpoch: string;
  /** The epoch Postgres holds at the end; never the previous one. */
  epoch: string;
  /** Clients told that the history began a new epoch; every client must be. */
  clientsMoved: number;
  /** Acknowledged writes answered while the database was going back, and gone with it. */
  rolledBackWrites: number;
}

export interface FaultRunResult {
  /** Epoch ms: the fault began (inject called) and was lifted (`lifted()`). */
  faultStart: number;
  faultEnd: number;
  load: ApiLoad;
  /** The run's products. */
  products: ProductSet;
  fleet: FleetStats;
  deliveries: DeliveryReport;
  outbox: OutboxReport;
  /** From `lifted()` until every client showed at least what Postgres held at that instant. */
  convergeMs: number | undefined;
  /** From the end of writes (outbox drained) until every client showed Postgres's final state. */
  settleMs: number | undefined;
  acknowledged: AcknowledgedReport;
  /** Set when the load's mix had checkouts. */
  checkouts: CheckoutReport | undefined;
  notes: string[];
  /** Problems the clients themselves saw (server `error` messages, failed refetches, events of a gone epoch). */
  clientProblems: string[];
  /** Set when the fault declared that the database went back. */
  history: HistoryReport | undefined;
  /** Apps that exited on their own during the run. */
  processProblems: string[];
}

const POLL_MS = 50;

/**
 * One fault under load: products are created, clients subscribe, writes run; the fault is injected
 * mid-run and lifted; writes stop, the outbox drains, and every client's log and view is checked
 * against Postgres.
 */
export async function runFault(
  target: RunTarget,
  inject: (context: FaultContext) => Promise<void>,
  size: RunSize = DEFAULT_RUN_SIZE,
): Promise<FaultRunResult> {
  const truth = new Truth(target.databaseUrl);
  let fleet: ClientFleet | undefined;
  let load: ApiLoad | undefined;
  let stopWatching = false;
  try {
    const products = await createProducts(target, size.products);
    fleet = await ClientFleet.start({
      wsUrl: target.wsUrl,
      origin: target.origin,
      apiUrl: target.url,
      products,
      clients: size.clients,
      productsPerClient: size.productsPerClient,
      catalogEvery: size.catalogEvery,
      ...(size.startTimeoutMs === undefined ? {} : { startTimeoutMs: size.startTimeoutMs }),
    });
    load = new ApiLoad({
      api: target,
      products,
      ratePerSecond: size.ratePerSecond,
      ...(size.mix === undefined ? {} : { mix: size.mix }),
      ...(size.retryForMs === undefined ? {} : { retryForMs: size.retryForMs }),
    });
    const result = await measure(inject, size, { truth, products, fleet, load, stopped: () => stopWatching });
    return { ...result, processProblems: target.processProblems?.() ?? [] };
  } catch (error) {
    // A run that could not finish often has a crashed process behind it: say which.
    const crashes = target.processProblems?.() ?? [];
    if (crashes.length > 0 && error instanceof Error) error.message += `\n${crashes.join('\n')}`;
    throw error;
  } finally {
    stopWatching = true;
    await load?.stop();
    fleet?.close();
    await truth.close();
  }
}

interface RunParts {
  truth: Truth;
  products: ProductSet;
  fleet: ClientFleet;
  load: ApiLoad;
  /** True once the run is over: background waits give up. */
  stopped: () => boolean;
}

async function measure(
  inject: (context: FaultContext) => Promise<void>,
  size: RunSize,
  { truth, products, fleet, load, stopped }: RunParts,
): Promise<Omit<FaultRunResult, 'processProblems'>> {
  const notes: string[] = [];
  let liftedAt: number | undefined;
  let rewind: Rewind | undefined;
  const previousEpoch = await truth.epoch();
  /** After a rewind: the epoch that replaced `previousEpoch`, once the relay has started it. */
  const newEpoch = async (): Promise<string> => {
    for (;;) {
      const epoch = await truth.epoch();
      if (epoch !== previousEpoch || stopped()) return epoch;
      await delay(POLL_MS);
    }
  };
  let convergence: Promise<number | undefined> = Promise.resolve(undefined);
  let settled = false;

  const watchConvergence = async (from: number): Promise<number | undefined> => {
    try {
      const reached = await truth.versions(products);
      // After a rewind the relay may start more than one epoch (a new database comes with its own, which
      // the stream does not name): the clients must be in the one Postgres holds when they are checked.
      let epoch = rewind === undefined ? undefined : await newEpoch();
      while (!stopped() && !settled) {
        if (fleet.caughtUp(reached, epoch)) return Date.now() - from;
        await delay(POLL_MS);
        if (epoch !== undefined) epoch = await truth.epoch();
      }
      return fleet.caughtUp(reached, epoch) ? Date.now() - from : undefined;
    } catch (error) {
      notes.push(`convergence not measured: ${(error as Error).message}`);
      return undefined;
    }
  };

  load.start();
  await delay(size.warmupMs);
  const faultStart = Date.now();
  await inject({
    load,
    fleet,
    products,
    truth,
    lifted: () => {
      if (liftedAt !== undefined) return;
      liftedAt = Date.now();
      convergence = watchConvergence(liftedAt);
    },
    note: (text) => notes.push(text),
    rewound: (declared) => {
      rewind = declared;
    },
  });
  if (liftedAt === undefined) throw new Error('the fault never called lifted()');
  const faultEnd = liftedAt;
  await delay(size.recoverMs);
  await load.stop();

  await waitUntil(async () => (await truth.unpublished()) === 0, { what: 'the outbox to drain', timeoutMs: 30_000, intervalMs: 100 });
  const final = await truth.products(products);
  const finalEpoch = await truth.epoch();
  const settleStarted = Date.now();
  const matched = await waitUntil(() => fleet.matches(final, rewind === undefined ? undefined : finalEpoch), { what: 'every client to match the truth', timeoutMs: size.settleTimeoutMs, intervalMs: POLL_MS }).catch(() => false);
  const settleMs = matched ? Date.now() - settleStarted : undefined;
  settled = true;
  const convergeMs = await convergence;

  const name = (product: number) => `product ${products.id(product)}`;
  const deliveries = verifyDeliveries(fleet.clients, final, name, rewind?.epochStart);
  const rows = await truth.outboxEvents(products);
  const outbox = verifyOutbox(rows, final, name, rewind?.epochStart);
  const orderIds = load.writes.flatMap((write) => (write.acked && write.orderId !== undefined ? [write.orderId] : []));
  const acknowledged = verifyAcknowledged(load.writes, rows, await truth.existingOrders(orderIds), rewind?.lostWindow, rewind?.epochStart);
  const checkouts = load.writes.some((write) => write.op === 'checkout') ? await verifyCheckouts(load.writes, truth) : undefined;
  if (checkouts !== undefined) {
    notes.push(`${checkouts.checkouts} checkouts: ${checkouts.ordered} orders, ${checkouts.paid} of ${checkouts.paymentsAccepted} accepted payments confirmed; every reserved unit held by a cart line`);
  }
  const stats = fleet.stats();
  return {
    faultStart,
    faultEnd,
    load,
    products,
    fleet: stats,
    deliveries,
    outbox,
    convergeMs,
    settleMs,
    acknowledged,
    checkouts,
    notes,
    clientProblems: fleet.clients.flatMap((client) => client.problems).slice(0, 20),
    history:
      rewind === undefined
        ? undefined
        : { previousEpoch, epoch: finalEpoch, clientsMoved: stats.clientsMovedEpoch, rolledBackWrites: acknowledged.rolledBack },
  };
}
