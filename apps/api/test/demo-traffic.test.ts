import { createLogger } from '@livecart/config/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db/pool.js';
import { seedCatalog } from '../src/db/seed.js';
import { DEMO_KEY_NAME, ensureDemoKey, isKeyRevoked } from '../src/demo/demo-key.js';
import { demoCheckoutRunner } from '../src/demo/run-demo-checkout.js';
import { startDemoTraffic } from '../src/demo/run-demo-traffic.js';
import { createTestContext, type TestContext } from './helpers.js';

describe('development demo traffic', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('demo');
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('changes products on the first catalog page as its own API key, writes their events to the outbox, and stops once the key is revoked', async () => {
    const pool = createPool({ connectionString: ctx.databaseUrl, max: 2, statementTimeoutMs: 5_000, applicationName: 'demo-test' });
    try {
      await seedCatalog({ pool, count: 60 });
      const before = await pool.query<{ total: string }>('SELECT sum(version) AS total FROM products');
      const actor = await ensureDemoKey(pool);
      // Made once per database: a restart writes as the same key.
      expect(await ensureDemoKey(pool)).toEqual(actor);
      expect(actor).toMatchObject({ type: 'api_key', name: DEMO_KEY_NAME });
      const logger = createLogger({ name: 'demo', level: 'silent' });
      const shouldStop = async () => ((await isKeyRevoked(pool, actor.id)) ? 'revoked' : undefined);
      const demo = startDemoTraffic({ pool, logger, intervalMs: 50, paymentTtlMs: 60_000, actor, shouldStop });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = await pool.query<{ total: string }>('SELECT sum(version) AS total FROM products');
      const outbox = await pool.query<{ count: string }>('SELECT count(*) FROM outbox');
      expect(Number(after.rows[0]?.total)).toBeGreaterThan(Number(before.rows[0]?.total));
      expect(Number(outbox.rows[0]?.count)).toBeGreaterThan(0);
      // Every change and every event is the demo's, recorded as its key.
      const actors = await pool.query<{ actor: unknown }>('SELECT DISTINCT actor FROM outbox');
      expect(actors.rows).toEqual([{ actor }]);
      const audit = await pool.query<{ actor_type: string; actor_name: string }>(
        "SELECT DISTINCT actor_type, actor_name FROM audit_log WHERE subject_type <> 'api_key'",
      );
      expect(audit.rows).toEqual([{ actor_type: 'api_key', actor_name: DEMO_KEY_NAME }]);
      const negative = await pool.query('SELECT 1 FROM products WHERE stock < 0 OR price_minor < 0');
      expect(negative.rowCount).toBe(0);

      // An admin revokes the key: the next tick stops the demo for good.
      await pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [actor.id]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const settled = Number((await pool.query<{ count: string }>('SELECT count(*) FROM outbox')).rows[0]?.count);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(Number((await pool.query<{ count: string }>('SELECT count(*) FROM outbox')).rows[0]?.count)).toBe(settled);
      await demo.stop();
      // Without a live demo key, the next start makes a new one.
      expect((await ensureDemoKey(pool)).id).not.toBe(actor.id);
    } finally {
      await pool.end();
    }
  });

  it('fills carts, checks out and pays with the test provider: a mix of paid and declined (still waiting) orders, their cart and order events, no hold left behind', async () => {
    // The api listens, so the test provider's confirmations reach its webhook as in `pnpm dev`.
    const app = await ctx.app({ PAYMENT_TEST_DELAY_MS: '300', CART_SWEEP_INTERVAL_MS: '3600000' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const pool = createPool({ connectionString: ctx.databaseUrl, max: 2, statementTimeoutMs: 5_000, applicationName: 'demo-shoppers-test' });
    try {
      const actor = await ensureDemoKey(pool);
      const provider = app.payments.get('test')!;
      const runner = demoCheckoutRunner({ pool, actor, provider, times: { cartTtlMs: 3_600_000, holdTtlMs: 600_000 }, paymentTtlMs: 60_000, sessionTimeoutS: 3_600 });
      // A shopper every tick (besides the usual price and stock changes).
      const demo = startDemoTraffic({ pool, logger: createLogger({ name: 'demo', level: 'silent' }), intervalMs: 40, paymentTtlMs: 60_000, actor, shoppers: { runner, chance: 1 } });
      const statuses = async () => (await pool.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM orders WHERE guest_session_id IS NOT NULL GROUP BY status')).rows;
      await expect.poll(async () => (await statuses()).reduce((sum, row) => sum + row.count, 0), { timeout: 20_000, interval: 200 }).toBeGreaterThanOrEqual(30);
      await demo.stop();
      // The delayed confirmations land.
      await expect.poll(async () => (await pool.query("SELECT 1 FROM payments WHERE status = 'pending'")).rowCount, { timeout: 10_000, interval: 200 }).toBe(0);

      const byStatus = new Map((await statuses()).map((row) => [row.status, row.count]));
      expect(byStatus.get('paid')).toBeGreaterThan(0);
      // A declined card leaves its order waiting for a payment (it expires later and gives its units back).
      expect(byStatus.get('pending_payment')).toBeGreaterThan(0);
      const payments = new Map((await pool.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM payments GROUP BY status')).rows.map((row) => [row.status, row.count]));
      expect(payments.get('succeeded')).toBeGreaterThan(0);
      expect(payments.get('failed')).toBeGreaterThan(0);
      // Every checkout gave its cart's holds back (the order took the units): nothing is left held, and the session rows stay few.
      expect(Number((await pool.query<{ total: string }>('SELECT coalesce(sum(reserved), 0) AS total FROM products')).rows[0]?.total)).toBe(0);
      expect((await pool.query('SELECT 1 FROM shopper_sessions')).rowCount).toBeLessThanOrEqual(4);
      // The carts' own events went out with the orders' on their private topics.
      const types = new Set((await pool.query<{ type: string }>("SELECT DISTINCT type FROM outbox")).rows.map((row) => row.type));
      for (const type of ['cart.updated', 'order.pending_payment', 'order.paid', 'stock.changed']) expect(types.has(type), type).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
