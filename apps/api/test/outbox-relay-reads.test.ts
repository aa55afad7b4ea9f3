import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../src/outbox/relay.js';
import { ASSIGN_SEQS, NEXT_UNPUBLISHED, RELAY_SESSION_SETTINGS } from '../src/outbox/relay-sql.js';
import { createProductVia, createTestContext, testPool, testRelayOptions, type TestContext } from './helpers.js';

/**
 * The relay's read of the next rows costs what it returns: it starts from the published position, never
 * from the start of outbox_unpublished_idx, where every published row leaves an entry until a vacuum
 * removes it. Measured in buffers (what the read touched), not in time.
 */

let ctx: TestContext;
let writer: FastifyInstance;
let pool: ReturnType<typeof testPool>;
const PUBLISHED_ROWS = 20_000;
/** The relay's default batch: its seq assignment reads up to ten batches of unassigned rows at once. */
const BATCH = 500;

beforeAll(async () => {
  ctx = await createTestContext('relay-reads');
  writer = await ctx.app({ OUTBOX_RELAY_ENABLED: 'false' });
  pool = testPool(ctx.databaseUrl);
  // Vacuum would remove the entries this is about whenever it ran: a busy table has them between its runs.
  await pool.query('ALTER TABLE outbox SET (autovacuum_enabled = false)');
});
afterAll(async () => {
  await pool.end();
  await ctx.close();
});

async function unpublished(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND rejected_at IS NULL');
  return rows[0]!.n;
}

async function relayUntilDrained(prefix: string): Promise<void> {
  const redis = new Redis(ctx.redisUrl);
  const relay = new OutboxRelay(testRelayOptions(ctx, { redis, prefix, applicationName: 'relay-reads' }, { batchSize: BATCH }));
  relay.start();
  try {
    await waitUntil(async () => ((await unpublished()) === 0 ? true : undefined), { what: 'the relay to publish every row', timeoutMs: 60_000 });
  } finally {
    await relay.stop();
    redis.disconnect();
  }
}

type PlanRows = { 'QUERY PLAN': [{ Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number; 'Actual Rows': number } }] };

/**
 * Buffers one of the relay's statements touched (shared hits and reads, the plan's total) and the rows its
 * plan returned, run in a session set up as the relay's and rolled back.
 */
async function statementCost(sql: string, params: unknown[], before?: string): Promise<{ buffers: number; rows: number; unassigned: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(RELAY_SESSION_SETTINGS.replace(/^SET /, 'SET LOCAL '));
    if (before !== undefined) await client.query(before);
    const { rows } = await client.query<PlanRows>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
    const plan = rows[0]!['QUERY PLAN'][0].Plan;
    // What the statement left without a seq, seen inside its transaction before the rollback.
    const left = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE seq IS NULL');
    return { buffers: plan['Shared Hit Blocks'] + plan['Shared Read Blocks'], rows: plan['Actual Rows'], unassigned: left.rows[0]!.n };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('the relay reading the next rows', () => {
  it(`touches a few pages, not one per published row, with ${PUBLISHED_ROWS.toLocaleString('en')} published rows not yet vacuumed`, async () => {
    const prefix = `${ctx.prefix}:reads`;
    await createProductVia(writer);
    // Copies of a valid event: the relay publishes them like any other.
    await pool.query('INSERT INTO outbox (type, topics, data, actor) SELECT type, topics, data, actor FROM outbox, generate_series(1, $1) LIMIT $1', [PUBLISHED_ROWS]);
    await relayUntilDrained(prefix);
    const { rows: position } = await pool.query<{ publishedSeq: number; lastSeq: number }>('SELECT published_seq::int AS "publishedSeq", last_seq::int AS "lastSeq" FROM outbox_sequence');
    expect(position[0]!.publishedSeq).toBe(position[0]!.lastSeq);
    expect(position[0]!.lastSeq).toBeGreaterThan(PUBLISHED_ROWS);

    for (let i = 0; i < 5; i++) await createProductVia(writer);
    await pool.query(`UPDATE outbox o SET seq = s.last_seq + n.n FROM outbox_sequence s,
      (SELECT id, row_number() OVER (ORDER BY id) AS n FROM outbox WHERE seq IS NULL) n WHERE o.id = n.id`);
    await pool.query('UPDATE outbox_sequence SET last_seq = last_seq + 5');
    const cost = await statementCost(NEXT_UNPUBLISHED, [BATCH]);
    expect(cost.rows).toBe(5);
    // The unbounded read visited every published row's index entry and heap page: hundreds of buffers here.
    expect(cost.buffers).toBeLessThan(30);
  });

  it('assigns seqs without reading the rows it assigned before: their index entries were marked dead as it passed', async () => {
    for (let i = 0; i < 5; i++) await createProductVia(writer);
    // As the lease holder (the relay was stopped), rolled back: the statement assigns the 5 new rows.
    const cost = await statementCost(ASSIGN_SEQS, [BATCH * 10, 'reads-test', 1], "UPDATE outbox_sequence SET lease_holder = 'reads-test', lease_generation = 1");
    expect(cost.unassigned).toBe(0);
    // More than a statement that assigned nothing (another holder's lease: 1 buffer), and a fraction of what it
    // reads when the relay's own scans were bitmap scans (the planner's choice for this LIMIT): those mark no
    // entry, so this walk visits all 20,000 rows again (1,881 buffers, against 213).
    expect(cost.buffers).toBeGreaterThan(5);
    expect(cost.buffers).toBeLessThan(500);
  });

  it('refuses to move the sequence back alone: the published position would point past the seqs to come', async () => {
    await expect(pool.query('UPDATE outbox_sequence SET last_seq = published_seq - 1')).rejects.toMatchObject({ code: '23514' });
  });
});
