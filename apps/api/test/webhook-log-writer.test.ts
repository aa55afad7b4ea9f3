import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { takeLease, type RelayLease } from '../src/outbox/relay-lease.js';
import { DeliveryLogWriter, type LaneWrite } from '../src/webhooks/delivery-log-writer.js';
import type { DeliveredMessage } from '../src/webhooks/pending-deliveries.js';
import { createTestContext, testPool, type TestContext } from './helpers.js';

const ENDPOINTS = 20;
const PUBLISHED = 100;

let ctx: TestContext;
let pool: ReturnType<typeof testPool>;
let lease: RelayLease;
let epoch: string;
let endpointIds: string[];

/** The pool the writer uses, counting its statements. */
function countingPool(): { pool: pg.Pool; statements: () => number } {
  let statements = 0;
  const counted = { query: (...args: Parameters<pg.Pool['query']>) => (statements++, pool.query(...args)) } as unknown as pg.Pool;
  return { pool: counted, statements: () => statements };
}

function message(seq: number, attempt = 1): DeliveredMessage {
  return { messageId: `msg_${seq}`, seq, lastSeq: seq, events: 1, type: 'product.updated', attempt, statusCode: 204, latencyMs: 3, attemptedAt: new Date().toISOString() };
}

function laneWrite(endpointId: string, seqs: number[], overrides: Partial<LaneWrite> = {}): LaneWrite {
  return { endpointId, revision: 0, rows: seqs.map((seq) => message(seq)), to: { epoch, seq: seqs.at(-1) ?? 0 }, lease, ...overrides };
}

async function logged(endpointId: string): Promise<number[]> {
  const { rows } = await pool.query<{ seq: number }>('SELECT event_seq AS seq FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id', [endpointId]);
  return rows.map((row) => row.seq);
}

async function cursor(endpointId: string): Promise<number> {
  const { rows } = await pool.query<{ seq: number }>('SELECT cursor_seq AS seq FROM webhook_endpoints WHERE id = $1', [endpointId]);
  return rows[0]!.seq;
}

beforeAll(async () => {
  ctx = await createTestContext('webhook-log-writer');
  pool = testPool(ctx.databaseUrl);
  const client = await pool.connect();
  try {
    lease = (await takeLease(client, `test:${randomUUID()}`, 600_000, 'webhook_worker_lease'))!;
  } finally {
    client.release();
  }
  // The history has published up to PUBLISHED: a cursor may move that far and no further.
  epoch = (await pool.query<{ epoch: string }>('UPDATE outbox_sequence SET last_seq = greatest(last_seq, $1), published_seq = $1 RETURNING epoch', [PUBLISHED])).rows[0]!.epoch;
});
afterAll(async () => {
  await pool.end();
  await ctx.close();
});
beforeEach(async () => {
  await pool.query('DELETE FROM webhook_endpoints');
  const { rows } = await pool.query<{ id: string }>(
    "INSERT INTO webhook_endpoints (url, secret, cursor_seq) SELECT 'https://hooks.example.test/' || n, 'sealed', 0 FROM generate_series(1, $1) AS n RETURNING id",
    [ENDPOINTS],
  );
  endpointIds = rows.map((row) => row.id);
});

describe('the delivery log writer', () => {
  it("writes the lanes that answer together in one statement, each lane's rows in order and its cursor moved", async () => {
    const counting = countingPool();
    const writer = new DeliveryLogWriter(counting.pool);
    const moved = await Promise.all(endpointIds.map((id, i) => writer.write(laneWrite(id, [i + 1, i + 2, i + 3]))));
    expect(moved).toEqual(endpointIds.map(() => true));
    // The first write goes at once; the 19 that arrived while it ran go together.
    expect(counting.statements()).toBe(2);
    for (const [i, id] of endpointIds.entries()) {
      expect(await logged(id)).toEqual([i + 1, i + 2, i + 3]);
      expect(await cursor(id)).toBe(i + 3);
    }
  });

  it('writes a lane that writes again the moment its last write was answered', async () => {
    const writer = new DeliveryLogWriter(pool);
    const [id] = endpointIds;
    for (let seq = 1; seq <= 5; seq++) expect(await writer.write(laneWrite(id!, [seq]))).toBe(true);
    expect(await logged(id!)).toEqual([1, 2, 3, 4, 5]);
  });

  it("moves only the lanes whose endpoint is still at the revision read, and logs what every lane delivered", async () => {
    const writer = new DeliveryLogWriter(pool);
    const [changed, ...rest] = endpointIds;
    await pool.query('UPDATE webhook_endpoints SET cursor_revision = cursor_revision + 1 WHERE id = $1', [changed]);
    const moved = await Promise.all([writer.write(laneWrite(changed!, [7])), ...rest.map((id) => writer.write(laneWrite(id, [7])))]);
    expect(moved).toEqual([false, ...rest.map(() => true)]);
    expect(await cursor(changed!)).toBe(0);
    expect(await logged(changed!)).toEqual([7]);
    expect(await cursor(rest[0]!)).toBe(7);
  });

  it('never moves a cursor past what this history has published, nor into another epoch (a write that lands after a restore)', async () => {
    const writer = new DeliveryLogWriter(pool);
    const [atPosition, past, otherEpoch] = endpointIds;
    const moved = await Promise.all([
      writer.write(laneWrite(atPosition!, [PUBLISHED])),
      writer.write(laneWrite(past!, [PUBLISHED + 1])),
      writer.write(laneWrite(otherEpoch!, [5], { to: { epoch: randomUUID(), seq: 5 } })),
    ]);
    expect(moved).toEqual([true, false, false]);
    expect([await cursor(atPosition!), await cursor(past!), await cursor(otherEpoch!)]).toEqual([PUBLISHED, 0, 0]);
    // What was delivered is logged all the same.
    expect(await logged(past!)).toEqual([PUBLISHED + 1]);
  });

  it('moves nothing and logs nothing for a holder that lost the lease', async () => {
    const writer = new DeliveryLogWriter(pool);
    const stale = { holder: lease.holder, generation: lease.generation - 1 };
    const moved = await Promise.all(endpointIds.map((id) => writer.write(laneWrite(id, [5], { lease: stale }))));
    expect(moved.every((m) => !m)).toBe(true);
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
    expect(rows[0]!.n).toBe(0);
    expect(await cursor(endpointIds[0]!)).toBe(0);
  });

  it('writes the other lanes of a statement when one endpoint is deleted while it runs', async () => {
    const writer = new DeliveryLogWriter(pool);
    const [deleted, ...rest] = endpointIds;
    const deleting = await pool.connect();
    try {
      await deleting.query('BEGIN');
      await deleting.query('DELETE FROM webhook_endpoints WHERE id = $1', [deleted]);
      const writes = Promise.all([writer.write(laneWrite(deleted!, [9])), ...rest.map((id) => writer.write(laneWrite(id, [9])))]);
      // The statement waits on the deleted row's lock; the delete commits under it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await deleting.query('COMMIT');
      expect(await writes).toEqual([false, ...rest.map(() => true)]);
    } finally {
      deleting.release();
    }
    for (const id of rest) expect(await logged(id)).toEqual([9]);
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [deleted]);
    expect(rows[0]!.n).toBe(0);
  });
});
