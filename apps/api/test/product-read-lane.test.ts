import { once } from 'node:events';
import { connect } from 'node:net';
import { waitUntil } from '@livecart/local-services/testing';
import type { Product } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, type TestContext } from './helpers.js';

/*
 * GET /v1/products/:id answered from L1 before Fastify (src/routes/v1/products/get-read-lane.ts) must be
 * indistinguishable from the route. Two apps on one database — one with the lane, one without — are
 * sent the same raw bytes over real sockets (app.inject never reaches the lane), and their answers are
 * compared byte for byte, status line, every header in order and body, all but Date.
 */

const ALLOWED_ORIGIN = 'http://shop.example';
const READ_MAX = 4;

let ctx: TestContext;
let withLane: FastifyInstance;
let withoutLane: FastifyInstance;
/** How often the lane answered: only it counts an L1 hit through countL1Hit. */
let laneAnswers = 0;

beforeAll(async () => {
  ctx = await createTestContext('read-lane');
  // Behind a trusted proxy: X-Forwarded-Proto says HTTPS (HSTS), X-Forwarded-For keys the rate limit.
  // Windows are fixed on the clock: an hour-long one makes it unlikely that a window ends between the reads
  // that exhaust a client's limit and the read that must be refused.
  const env = { CORS_ORIGINS: ALLOWED_ORIGIN, TRUST_PROXY: 'loopback', RATE_LIMIT_READ_MAX: String(READ_MAX), RATE_LIMIT_WINDOW_MS: '3600000' };
  withLane = await ctx.app(env);
  withoutLane = await ctx.app(env, { readLane: false });
  await Promise.all([withLane, withoutLane].map((app) => app.listen({ host: '127.0.0.1', port: 0 })));
  const countL1Hit = withLane.productCache.countL1Hit.bind(withLane.productCache);
  withLane.productCache.countL1Hit = () => {
    laneAnswers++;
    countL1Hit();
  };
});
afterAll(() => ctx.close());

const portOf = (app: FastifyInstance) => (app.server.address() as { port: number }).port;

/** Sends `request` on a new connection; resolves with the first answer's bytes (head and body) and whether the server then closed. */
async function exchange(app: FastifyInstance, request: string): Promise<{ head: string; body: string; closed: boolean }> {
  const socket = connect(portOf(app), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.write(request);
  try {
    const answer = await waitUntil(() => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const head = received.slice(0, end);
      const bodyless = request.startsWith('HEAD') || / 304 /.test(head.split('\r\n')[0] ?? '');
      const length = bodyless ? 0 : Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      return received.length >= end + 4 + length ? { head, body: received.slice(end + 4, end + 4 + length) } : undefined;
    }, { what: 'a whole answer', timeoutMs: 5_000, intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...answer, closed };
  } finally {
    socket.destroy();
  }
}

const withoutDate = (head: string) => head.replace(/\r\ndate: [^\r]*/i, '\r\ndate: -');

/** Waits until `app` has applied every event written so far (X-Event-Seq, and an event arriving later would empty L1). */
async function eventsSettled(app: FastifyInstance): Promise<void> {
  await waitUntil(async () => {
    const { rows } = await app.db.query<{ pending: number; seq: string | null }>(
      'SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS pending, max(seq)::text AS seq FROM outbox',
    );
    const row = rows[0];
    return row !== undefined && row.pending === 0 && app.events.appliedSeq >= Number(row.seq ?? 0) ? true : undefined;
  }, { what: 'every event applied', timeoutMs: 5_000, intervalMs: 20 });
}

/** A product both apps hold in L1, sent once by each route (the lane serves only what the route has serialized). */
async function warmProduct(): Promise<Product> {
  const product = await createProductVia(withLane);
  for (const app of [withLane, withoutLane]) {
    await eventsSettled(app);
    const first = await app.inject({ url: `/v1/products/${product.id}`, remoteAddress: freshClient() });
    expect(first.statusCode).toBe(200);
  }
  return product;
}

let nextClient = 1;
/** A client address of its own per request and app, so that the rate limit refuses only where a test means it to. */
const freshClient = () => `10.1.${Math.floor(nextClient / 250)}.${nextClient++ % 250}`;

describe('the product read lane', () => {
  it('answers every variant with the route’s bytes, but for Date', async () => {
    const product = await warmProduct();
    const path = `/v1/products/${product.id}`;
    /** Two clients, one per app, that have used up their reads (for the 429 variant, just before it). */
    const exhaust = async () => {
      const exhausted = { lane: freshClient(), route: freshClient() };
      for (const [app, ip] of [[withLane, exhausted.lane], [withoutLane, exhausted.route]] as const) {
        for (let i = 0; i < READ_MAX; i++) await exchange(app, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${ip}\r\n\r\n`);
      }
      return exhausted;
    };
    const variants: { name: string; request: (ip: string) => string; byLane: boolean; status: number }[] = [
      { name: '200', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: '304', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/"0", "1"\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 304 },
      { name: 'stale If-None-Match', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nIf-None-Match: "0"\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: 'CORS, allowed origin', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nOrigin: ${ALLOWED_ORIGIN}\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: 'CORS, other origin', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: 'HTTPS via the proxy (HSTS)', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: 'Connection: close', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: 'HTTP/1.0', request: (ip) => `GET ${path} HTTP/1.0\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: 'HTTP/1.0 keep-alive', request: (ip) => `GET ${path} HTTP/1.0\r\nConnection: keep-alive\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: true, status: 200 },
      { name: 'HEAD', request: (ip) => `HEAD ${path} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: false, status: 200 },
      { name: '404', request: (ip) => `GET /v1/products/3f0c1b9e-1111-4abc-8def-0123456789ab HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: false, status: 404 },
      { name: '429', request: (ip) => `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${ip}\r\n\r\n`, byLane: false, status: 429 },
    ];
    for (const variant of variants) {
      const ips = variant.status === 429 ? await exhaust() : { lane: freshClient(), route: freshClient() };
      const before = laneAnswers;
      const lane = await exchange(withLane, variant.request(ips.lane));
      expect(laneAnswers - before, `${variant.name}: answered by the lane`).toBe(variant.byLane ? 1 : 0);
      const route = await exchange(withoutLane, variant.request(ips.route));
      expect(Number(lane.head.split(' ')[1]), variant.name).toBe(variant.status);
      // Retry-After and RateLimit's t count down whole seconds: two reads a moment apart may straddle one.
      const comparable = (head: string) =>
        withoutDate(head)
          .replace(/\r\nretry-after: \d+/, '\r\nretry-after: n')
          .replace(/(\r\nratelimit: [^\r]*;t=)\d+/, '$1n');
      expect(comparable(lane.head), variant.name).toBe(comparable(route.head));
      expect(lane.body.replace(/retry in \d+ s/, 'retry in n s'), variant.name).toBe(route.body.replace(/retry in \d+ s/, 'retry in n s'));
      expect(lane.closed, variant.name).toBe(route.closed);
    }
  });

  it('keeps pipelined answers in request order: a cold read taken by the route, then warm ones by the lane', async () => {
    const cold = await createProductVia(withLane);
    const warm = await warmProduct();
    const read = (id: string) => `GET /v1/products/${id} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${freshClient()}\r\n\r\n`;
    const socket = connect(portOf(withLane), '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const before = laneAnswers;
    socket.write(read(cold.id) + read(warm.id) + read(warm.id));
    const ids = await waitUntil(() => {
      const bodies = received.split('\r\n\r\n').slice(1).map((part) => /^\{"id":"([^"]+)"/.exec(part)?.[1]);
      return bodies.length === 3 && bodies.every((id) => id !== undefined) ? bodies : undefined;
    }, { what: 'three answers', timeoutMs: 5_000, intervalMs: 20 });
    socket.destroy();
    expect(ids).toEqual([cold.id, warm.id, warm.id]);
    expect(laneAnswers - before).toBe(2);
  });

  it('serves the new version right after a write on this instance', async () => {
    const product = await warmProduct();
    const patched = await withLane.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '"1"' }, payload: { priceMinor: 4_321 } });
    expect(patched.statusCode).toBe(200);
    await eventsSettled(withLane);
    const read = `GET /v1/products/${product.id} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${freshClient()}\r\n\r\n`;
    const afterWrite = await exchange(withLane, read);
    expect(afterWrite.head).toMatch(/\r\netag: "2"/);
    expect((JSON.parse(afterWrite.body) as Product).priceMinor).toBe(4_321);
  });

  it('counts its answers in the latency histogram once each', async () => {
    const product = await warmProduct();
    const requests = /http_request_duration_seconds_count\{method="GET",route="\/v1\/products\/:id",status_code="200"\} (\d+)/;
    const count = async () => Number(requests.exec((await withLane.inject({ url: '/metrics' })).body)?.[1] ?? 0);
    const before = [await count(), laneAnswers];
    for (let i = 0; i < 3; i++) await exchange(withLane, `GET /v1/products/${product.id} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${freshClient()}\r\n\r\n`);
    expect([await count(), laneAnswers]).toEqual([(before[0] ?? 0) + 3, (before[1] ?? 0) + 3]);
  });

  it('hands a read it fails on to the route, which answers it', async () => {
    const product = await warmProduct();
    const cache = withLane.productCache;
    const countL1Hit = cache.countL1Hit;
    cache.countL1Hit = () => {
      throw new Error('injected lane failure');
    };
    try {
      const answer = await exchange(withLane, `GET /v1/products/${product.id} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${freshClient()}\r\n\r\n`);
      expect(answer.head).toMatch(/^HTTP\/1\.1 200 OK/);
      expect((JSON.parse(answer.body) as Product).id).toBe(product.id);
    } finally {
      cache.countL1Hit = countL1Hit;
    }
  });
});
