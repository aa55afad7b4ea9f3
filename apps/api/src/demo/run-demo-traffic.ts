import type { Logger } from '@livecart/config/logger';
import type { Actor } from '@livecart/schemas';
import type pg from 'pg';
import { DomainError } from '../domain/errors.js';
import { placeOrder } from '../services/orders/place-order.js';
import { listProducts } from '../services/products/list-products.js';
import { updateProduct } from '../services/products/update-product.js';
import { planDemoCheckout } from './plan-demo-checkout.js';
import { planDemoStep, type DemoAction } from './plan-demo-step.js';
import type { DemoCheckoutRunner } from './run-demo-checkout.js';

export interface DemoTrafficOptions {
  pool: pg.Pool;
  logger: Logger;
  intervalMs: number;
  /** How long the demo's orders wait for a payment (none comes: they expire and their stock goes back). */
  paymentTtlMs: number;
  /** Who the demo's changes and orders are recorded as (audit log, events, the admin feed). */
  actor: Actor;
  /** Asked before each tick; true stops the demo for good (e.g. its API key was revoked). */
  shouldStop?: () => Promise<string | undefined>;
  /** Demo shoppers who fill carts, check out and pay (test provider), and how often one comes per tick. */
  shoppers?: { runner: DemoCheckoutRunner; chance: number };
}

export interface DemoTraffic {
  stop(): Promise<void>;
}

// The first catalog page (newest first) is what a newcomer sees: most changes land there.
const VISIBLE = 24;

async function apply(pool: pg.Pool, actor: Actor, action: DemoAction, paymentTtlMs: number): Promise<void> {
  if (action.kind === 'reprice') await updateProduct({ pool, actor, id: action.id, changes: { priceMinor: action.priceMinor } });
  else if (action.kind === 'restock') await updateProduct({ pool, actor, id: action.id, changes: { stock: action.stock } });
  else await placeOrder({ pool, actor, items: [{ productId: action.id, quantity: action.quantity }], paymentTtlMs });
}

/**
 * Development demo: every tick, a few prices and stock levels on the first catalog page change and now
 * and then an order is placed, through the same services (and so the same outbox events) as real writes;
 * now and then a demo shopper fills a cart from that page, checks out and pays with a test card.
 */
export function startDemoTraffic(options: DemoTrafficOptions): DemoTraffic {
  const { pool, logger, intervalMs, actor } = options;
  let running: Promise<void> = Promise.resolve();
  let applied = 0;
  let checkouts = 0;
  let stopped = false;

  const tick = async () => {
    if (stopped) return;
    const reason = await options.shouldStop?.();
    if (reason !== undefined) {
      stopped = true;
      clearInterval(timer);
      logger.info({ applied }, `demo traffic stopped: ${reason}`);
      return;
    }
    const page = await listProducts({ db: pool, query: { limit: VISIBLE, sort: 'newest' } });
    const actions = planDemoStep({ products: page.items, changes: 3, orderChance: 0.2 });
    for (const action of actions) {
      try {
        await apply(pool, actor, action, options.paymentTtlMs);
        applied++;
      } catch (error) {
        // A concurrent shopper or admin may have won the race (sold out, version moved): skip it.
        if (!(error instanceof DomainError)) throw error;
      }
    }
    const visit = options.shoppers === undefined ? null : planDemoCheckout({ products: page.items, chance: options.shoppers.chance });
    if (visit !== null && options.shoppers !== undefined) {
      try {
        await options.shoppers.runner.run(visit);
        checkouts++;
        if (checkouts % 25 === 0) logger.info({ checkouts }, 'demo traffic: checkouts so far');
      } catch (error) {
        // Sold out, a price that moved, a declined card (the order then waits for a payment that never comes, and expires).
        if (!(error instanceof DomainError)) throw error;
      }
    }
    if (applied > 0 && applied % 100 < actions.length) logger.info({ applied }, 'demo traffic: changes applied so far');
  };

  const timer = setInterval(() => {
    running = running.then(tick).catch((error: unknown) => logger.warn({ err: error }, 'demo traffic tick failed'));
  }, intervalMs);
  timer.unref();
  logger.info({ intervalMs, checkoutChance: options.shoppers?.chance ?? 0 }, 'demo traffic on: prices and stock on the first catalog page change every tick, shoppers check out now and then (DEMO_TRAFFIC=false turns it off)');

  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
