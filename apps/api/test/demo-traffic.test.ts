import { createLogger } from '@livecart/config/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db/pool.js';
import { seedCatalog } from '../src/db/seed.js';
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

  it('changes products on the first catalog page and writes their events to the outbox, as its own actor', async () => {
    const pool = createPool({ connectionString: ctx.databaseUrl, max: 2, statementTimeoutMs: 5_000, applicationName: 'demo-test' });
    try {
      await seedCatalog({ pool, count: 60 });
      const before = await pool.query<{ total: string }>('SELECT sum(version) AS total FROM products');
      const actor = { type: 'system', id: null, name: 'demo traffic' } as const;
      const demo = startDemoTraffic({ pool, logger: createLogger({ name: 'demo', level: 'silent' }), intervalMs: 50, actor });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await demo.stop();
      const after = await pool.query<{ total: string }>('SELECT sum(version) AS total FROM products');
      const outbox = await pool.query<{ count: string }>('SELECT count(*) FROM outbox');
      expect(Number(after.rows[0]?.total)).toBeGreaterThan(Number(before.rows[0]?.total));
      expect(Number(outbox.rows[0]?.count)).toBeGreaterThan(0);
      // Every change and every event is the demo's, recorded as its actor.
      const actors = await pool.query<{ actor: unknown }>('SELECT DISTINCT actor FROM outbox');
      expect(actors.rows).toEqual([{ actor }]);
      const audit = await pool.query<{ actor_type: string; actor_name: string; n: number }>('SELECT actor_type, actor_name, count(*)::int AS n FROM audit_log GROUP BY 1, 2');
      expect(audit.rows).toEqual([{ actor_type: 'system', actor_name: 'demo traffic', n: expect.any(Number) }]);
      const negative = await pool.query('SELECT 1 FROM products WHERE stock < 0 OR price_minor < 0');
      expect(negative.rowCount).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
