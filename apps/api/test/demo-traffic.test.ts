import { createLogger } from '@livecart/config/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db/pool.js';
import { seedCatalog } from '../src/db/seed.js';
import { DEMO_KEY_NAME, ensureDemoKey, isKeyRevoked } from '../src/demo/demo-key.js';
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
});
