import { fileURLToPath } from 'node:url';
import { findFreePort } from '@livecart/local-services';
import { startProcess, waitUntil, type RunningProcess } from '@livecart/local-services/testing';
import type { WebhookEndpointWithSecret } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { deduplicated, startReceiver, type Receiver, LOOPBACK_WEBHOOKS } from './webhook-receiver.js';

const API_DIR = fileURLToPath(new URL('..', import.meta.url));
const LEASE_MS = 1_500;
const RETRY_MS = 100;
const WEBHOOK_ENV = {
  ...LOOPBACK_WEBHOOKS,
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_LEASE_MS: String(LEASE_MS),
  WEBHOOK_LOCK_RETRY_MS: String(RETRY_MS),
  WEBHOOK_RETRY_BASE_MS: '20',
  WEBHOOK_RETRY_MAX_MS: '100',
};

let ctx: TestContext;
let writer: FastifyInstance;
let pool: ReturnType<typeof testPool>;
let receiver: Receiver;
const cleanups: (() => Promise<unknown>)[] = [];
let standby: FastifyInstance | undefined;

beforeAll(async () => {
  ctx = await createTestContext('webhook-lease');
  // Writes and registrations only: the two workers are the child api and `standby`.
  writer = await ctx.app({ ...WEBHOOK_ENV, WEBHOOK_WORKER_ENABLED: 'false' });
  pool = testPool(ctx.databaseUrl);
  receiver = await startReceiver();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await receiver.close();
  await pool.end();
  await ctx.close();
});

async function metric(base: string, name: string): Promise<number | undefined> {
  const text = await fetch(`${base}/metrics`).then((response) => response.text()).catch(() => '');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const seqOf = (body: string) => (JSON.parse(body) as { seq: number }).seq;

async function published(afterSeq: number): Promise<number[]> {
  const { rows } = await pool.query<{ seq: number }>('SELECT seq FROM outbox WHERE seq > $1 AND published_at IS NOT NULL ORDER BY seq', [afterSeq]);
  return rows.map((row) => row.seq);
}

describe('webhook worker lease', () => {
  it('one instance delivers at a time; when the holder is killed, another continues from the cursor with no gap', async ({ annotate }) => {
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    const holder: RunningProcess = await startProcess({
      name: 'api-webhooks-holder',
      command: process.execPath,
      args: ['--import', 'tsx', 'src/server.ts'],
      cwd: API_DIR,
      env: ctx.processEnv(port, { ...WEBHOOK_ENV, OUTBOX_RELAY_ENABLED: 'false' }),
      readyUrl: `${base}/ready`,
      readyTimeoutMs: 30_000,
    });
    cleanups.push(() => holder.stop('SIGKILL'));
    await waitUntil(async () => ((await metric(base, 'webhook_worker_leader')) === 1 ? true : undefined), { what: 'the child api to hold the worker lease', timeoutMs: 15_000, intervalMs: 50 });
    standby = await ctx.app({ ...WEBHOOK_ENV, OUTBOX_RELAY_ENABLED: 'false' });
    const worker = standby.webhooks.worker;
    if (worker === undefined) throw new Error('the standby has no worker');

    const endpoint = (await writer.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url: receiver.url } })).json<WebhookEndpointWithSecret>();
    for (let i = 0; i < 10; i++) await createProductVia(writer);
    await waitUntil(() => (deduplicated(receiver).length >= 10 ? true : undefined), { what: 'the holder to deliver', timeoutMs: 15_000 });
    // Only the holder delivered; the standby, running all along, sent nothing.
    expect(worker.stats).toMatchObject({ leader: false, delivered: 0 });
    expect(await metric(base, 'webhook_deliveries_total')).toBeGreaterThanOrEqual(10);

    // Writes go on while the holder dies mid-stream.
    let writing = true;
    let written = 10;
    const writes = (async () => {
      while (writing) {
        await createProductVia(writer);
        written++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await waitUntil(() => (deduplicated(receiver).length >= 20 ? true : undefined), { what: 'more deliveries', timeoutMs: 15_000 });
    const killedAt = Date.now();
    await holder.stop('SIGKILL');
    await waitUntil(() => (worker.stats.leader ? true : undefined), { what: 'the standby to take over', timeoutMs: LEASE_MS + RETRY_MS + 5_000, intervalMs: 20 });
    const takeoverMs = Date.now() - killedAt;
    await waitUntil(() => (worker.stats.delivered > 0 ? true : undefined), { what: 'the standby to deliver', timeoutMs: 10_000 });
    writing = false;
    await writes;

    const expected = await waitUntil(async () => {
      const seqs = await published(endpoint.deliveredSeq);
      return seqs.length >= written ? seqs : undefined;
    }, { what: 'every write published', timeoutMs: 15_000 });
    const received = await waitUntil(() => {
      const unique = deduplicated(receiver);
      return unique.length >= expected.length ? unique : undefined;
    }, { what: 'every event delivered', timeoutMs: 15_000 });
    expect(received.map((message) => seqOf(message.body))).toEqual(expected);
    // The new holder resumes from the stored cursor: what the killed one delivered since its last write
    // (at most one write's worth, 50 messages) comes again. Only repeats go back in seq; a new event never does.
    const accepted = receiver.accepted.map((message) => seqOf(message.body));
    const seen = new Set<number>();
    let highest = 0;
    for (const seq of accepted) {
      if (seq < highest) expect(seen.has(seq), `seq ${seq} arrived first after ${highest}`).toBe(true);
      seen.add(seq);
      highest = Math.max(highest, seq);
    }
    const repeats = receiver.accepted.length - received.length;
    expect(repeats).toBeLessThanOrEqual(51);
    await annotate(`${written} events; takeover ${takeoverMs} ms after SIGKILL (lease ${LEASE_MS} ms); ${repeats} repeated deliveries, 0 missing, 0 out of order`);
    expect(takeoverMs).toBeLessThan(LEASE_MS + RETRY_MS + 3_000);
    const generations = await pool.query<{ generation: number }>('SELECT lease_generation AS generation FROM webhook_worker_lease');
    expect(generations.rows[0]?.generation).toBe(worker.stats.generation);
  });

  it('a frozen holder is replaced within the lease; woken, it steps down; nothing is missing or out of order', async ({ annotate }) => {
    // The previous test's standby holds the lease now: it leaves, so that a child api takes it.
    await standby?.close();
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    const holder: RunningProcess = await startProcess({
      name: 'api-webhooks-frozen',
      command: process.execPath,
      args: ['--import', 'tsx', 'src/server.ts'],
      cwd: API_DIR,
      env: ctx.processEnv(port, { ...WEBHOOK_ENV, OUTBOX_RELAY_ENABLED: 'false' }),
      readyUrl: `${base}/ready`,
      readyTimeoutMs: 30_000,
    });
    let frozen = false;
    cleanups.push(async () => {
      if (frozen) process.kill(holder.pid, 'SIGCONT');
      await holder.stop('SIGKILL');
    });
    await waitUntil(async () => ((await metric(base, 'webhook_worker_leader')) === 1 ? true : undefined), { what: 'the child api to hold the worker lease', timeoutMs: 15_000, intervalMs: 50 });
    const second = await ctx.app({ ...WEBHOOK_ENV, OUTBOX_RELAY_ENABLED: 'false' });
    const worker = second.webhooks.worker;
    if (worker === undefined) throw new Error('the standby has no worker');

    const target = await startReceiver();
    cleanups.push(() => target.close());
    const endpoint = (await writer.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url: target.url } })).json<WebhookEndpointWithSecret>();
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        await createProductVia(writer);
        written++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await waitUntil(() => (deduplicated(target).length >= 10 ? true : undefined), { what: 'the holder to deliver', timeoutMs: 15_000 });
      process.kill(holder.pid, 'SIGSTOP');
      frozen = true;
      const frozenAt = Date.now();
      await waitUntil(() => (worker.stats.leader ? true : undefined), { what: 'the standby to take over', timeoutMs: LEASE_MS + RETRY_MS + 5_000, intervalMs: 20 });
      const takeoverMs = Date.now() - frozenAt;
      const atTakeover = deduplicated(target).length;
      await waitUntil(() => (deduplicated(target).length >= atTakeover + 10 ? true : undefined), { what: 'deliveries while the holder is frozen', timeoutMs: 10_000 });
      // Frozen for twice the lease in all, then woken: it must find its lease gone and step down.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 2 * LEASE_MS - (Date.now() - frozenAt))));
      process.kill(holder.pid, 'SIGCONT');
      frozen = false;
      await waitUntil(async () => ((await metric(base, 'webhook_worker_lease_losses_total')) === 1 ? true : undefined), { what: 'the woken holder to step down', timeoutMs: 10_000, intervalMs: 50 });
      expect(await metric(base, 'webhook_worker_leader')).toBe(0);
      expect(worker.stats.leader).toBe(true);
      await annotate(`takeover ${takeoverMs} ms after SIGSTOP (lease ${LEASE_MS} ms); the woken holder stepped down`);
      expect(takeoverMs).toBeLessThan(LEASE_MS + RETRY_MS + 3_000);
    } finally {
      writing = false;
      await writes;
    }
    const expected = await waitUntil(async () => {
      const seqs = await published(endpoint.deliveredSeq);
      return seqs.length >= written ? seqs : undefined;
    }, { what: 'every write published', timeoutMs: 15_000 });
    const received = await waitUntil(() => {
      const unique = deduplicated(target);
      return unique.length >= expected.length ? unique : undefined;
    }, { what: 'every event delivered', timeoutMs: 15_000 });
    expect(received.map((message) => seqOf(message.body))).toEqual(expected);
    // The cursor ends at the last event (its move is written with the delivery log, up to 250 ms after the
    // last receipt) and stays there: the woken holder's fenced writes did not pull it back.
    const cursorSeq = async () => (await pool.query<{ seq: number }>('SELECT cursor_seq AS seq FROM webhook_endpoints WHERE id = $1', [endpoint.id])).rows[0]?.seq;
    await waitUntil(async () => ((await cursorSeq()) === expected.at(-1) ? true : undefined), { what: 'the cursor to reach the last event', timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await cursorSeq()).toBe(expected.at(-1));
  });
});
