import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { ErrorEnvelope, Product } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, waitFor, type TestContext } from './helpers.js';

/*
 * GET /v1/products/:id answered from L1 before Fastify (src/routes/v1/products/get-fast-lane.ts). It
 * must be indistinguishable from the route but for the two connection headers it leaves off, so each
 * test compares what the lane sends over a real socket (app.inject never reaches it) with what the
 * route sends for the same request through inject.
 */

const ALLOWED_ORIGIN = 'http://shop.example';
/** Headers that differ between any two responses, or that only a real socket carries. */
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

let ctx: TestContext;
let app: FastifyInstance;
let base: string;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  ctx = await createTestContext('read-lane');
  app = await ctx.app({ CORS_ORIGINS: ALLOWED_ORIGIN });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  agent.destroy();
  await ctx.close();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET', onAgent: Agent = agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers, agent: onAgent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Another app on the same database and Redis prefix, listening on a port of its own. */
async function listeningApp(env: Record<string, string>): Promise<{ app: FastifyInstance; base: string }> {
  const other = await ctx.app(env);
  await other.listen({ host: '127.0.0.1', port: 0 });
  return { app: other, base: `http://127.0.0.1:${(other.server.address() as { port: number }).port}` };
}

interface RawAnswer {
  status: number;
  /** Lower-cased names, as Node's client gives them. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `requests` in one go on a new connection and reads `count` answers (each framed by its
 * Content-Length), then whether the server closed the connection within 200 ms.
 */
async function rawExchange(requests: string, count: number): Promise<{ answers: RawAnswer[]; closed: boolean }> {
  const socket = connect(Number(new URL(base).port), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.write(requests);
  const answers: RawAnswer[] = [];
  try {
    await waitFor(
      () => {
        answers.length = 0;
        let rest = received;
        while (answers.length < count) {
          const end = rest.indexOf('\r\n\r\n');
          if (end < 0) return undefined;
          const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
          const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
          const length = Number(headers['content-length'] ?? 0);
          if (rest.length < end + 4 + length) return undefined;
          answers.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
          rest = rest.slice(end + 4 + length);
        }
        return true;
      },
      5_000,
      `${count} answers`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { answers, closed };
  } finally {
    socket.destroy();
  }
}

function comparable(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_RESPONSE.has(name)));
}

/** Waits until `on` has applied every event written so far: an event arriving later would empty L1. */
async function eventsSettled(on: FastifyInstance): Promise<void> {
  await waitFor(
    async () => {
      // The relay gives each row its seq when it publishes it: until then the row has none.
      const { rows } = await on.db.query<{ pending: number; seq: string | null }>(
        'SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS pending, max(seq)::text AS seq FROM outbox',
      );
      const row = rows[0];
      return row !== undefined && row.pending === 0 && on.events.appliedSeq >= Number(row.seq ?? 0) ? true : undefined;
    },
    5_000,
    'every written event applied',
  );
}

/** A product whose response L1 holds: the route has sent it once, after the events of its creation. */
async function warmProduct(): Promise<Product> {
  const product = await createProductVia(app);
  await eventsSettled(app);
  const first = await get(`/v1/products/${product.id}`);
  expect(first.status).toBe(200);
  expect(first.headers.connection).toBe('keep-alive');
  return product;
}

async function metric(pattern: RegExp): Promise<number> {
  const text = (await app.inject({ url: '/metrics' })).body;
  return Number(pattern.exec(text)?.[1] ?? 0);
}

describe('the product read lane', () => {
  it('answers a warm read with the route’s status, headers and bytes, minus the connection headers', async () => {
    const product = await warmProduct();
    const lane = await get(`/v1/products/${product.id}`);
    const route = await app.inject({ url: `/v1/products/${product.id}` });
    expect(lane.status).toBe(200);
    // The lane's mark: HTTP/1.1 persistence is the default, so it does not say keep-alive.
    expect(lane.headers.connection).toBeUndefined();
    expect(lane.headers['keep-alive']).toBeUndefined();
    expect(lane.body).toBe(route.body);
    expect(JSON.parse(lane.body)).toEqual(product);
    expect(comparable(lane.headers)).toEqual(comparable(route.headers));
    expect(lane.headers['content-length']).toBe(String(Buffer.byteLength(route.body)));
    expect(lane.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps the connection open for the next request', async () => {
    const product = await warmProduct();
    const single = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ports = new Set<number>();
      single.on('free', (socket) => ports.add(socket.localPort ?? -1));
      for (let i = 0; i < 3; i++) expect((await get(`/v1/products/${product.id}`, {}, 'GET', single)).status).toBe(200);
      expect(ports.size).toBe(1);
    } finally {
      single.destroy();
    }
  });

  it('answers CORS as the route does: the allowed origin echoed, a foreign one not', async () => {
    const product = await warmProduct();
    for (const origin of [ALLOWED_ORIGIN, 'http://evil.example']) {
      const lane = await get(`/v1/products/${product.id}`, { origin });
      const route = await app.inject({ url: `/v1/products/${product.id}`, headers: { origin } });
      expect(lane.headers.connection).toBeUndefined();
      expect(comparable(lane.headers)).toEqual(comparable(route.headers));
    }
    const allowed = await get(`/v1/products/${product.id}`, { origin: ALLOWED_ORIGIN });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers['access-control-expose-headers']).toContain('x-event-seq');
    expect((await get(`/v1/products/${product.id}`, { origin: 'http://evil.example' })).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers If-None-Match with the route’s 304, and a stale tag with the 200', async () => {
    const product = await warmProduct();
    for (const tag of ['"1"', 'W/"0", W/"1"']) {
      const lane = await get(`/v1/products/${product.id}`, { 'if-none-match': tag });
      const route = await app.inject({ url: `/v1/products/${product.id}`, headers: { 'if-none-match': tag } });
      expect(lane.status).toBe(304);
      expect(lane.body).toBe('');
      expect(lane.headers.connection).toBeUndefined();
      expect(comparable(lane.headers)).toEqual(comparable(route.headers));
    }
    expect((await get(`/v1/products/${product.id}`, { 'if-none-match': '"0"' })).status).toBe(200);
  });

  it('serves the new version right after a write on this instance', async () => {
    const product = await warmProduct();
    const patched = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '"1"' }, payload: { priceMinor: 4_321 } });
    expect(patched.statusCode).toBe(200);
    await eventsSettled(app);
    const afterWrite = await get(`/v1/products/${product.id}`);
    expect(afterWrite.headers.etag).toBe('"2"');
    expect((JSON.parse(afterWrite.body) as Product).priceMinor).toBe(4_321);
    const warmAgain = await get(`/v1/products/${product.id}`);
    expect(warmAgain.headers.connection).toBeUndefined();
    expect(warmAgain.body).toBe(afterWrite.body);
  });

  it('keeps pipelined answers in request order: a cold read taken by the route, then a warm one by the lane', async () => {
    const cold = await createProductVia(app);
    const warm = await warmProduct();
    await eventsSettled(app);
    const read = (id: string) => `GET /v1/products/${id} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const { answers, closed } = await rawExchange(read(cold.id) + read(warm.id) + read(warm.id), 3);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => (JSON.parse(answer.body) as Product).id)).toEqual([cold.id, warm.id, warm.id]);
    // The first went through Fastify, which says keep-alive; the lane leaves the default unsaid.
    expect(answers.map((answer) => answer.headers.connection)).toEqual(['keep-alive', undefined, undefined]);
    expect(comparable(answers[1]?.headers ?? {})).toEqual(comparable(answers[2]?.headers ?? {}));
    expect(closed).toBe(false);
  });

  it('says Connection: close and closes when asked to, or for HTTP/1.0, with the route’s other headers', async () => {
    const product = await warmProduct();
    const route = await app.inject({ url: `/v1/products/${product.id}` });
    for (const request of [
      `GET /v1/products/${product.id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      `GET /v1/products/${product.id} HTTP/1.0\r\nHost: x\r\n\r\n`,
    ]) {
      const { answers, closed } = await rawExchange(request, 1);
      const [answer] = answers;
      expect(answer?.status, request).toBe(200);
      expect(answer?.headers.connection, request).toBe('close');
      expect(answer?.body, request).toBe(route.body);
      expect(comparable(answer?.headers ?? {}), request).toEqual(comparable(route.headers));
      expect(closed, request).toBe(true);
    }
    // HTTP/1.0 that asks to persist is told keep-alive, as Node tells it.
    const { answers, closed } = await rawExchange(`GET /v1/products/${product.id} HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`, 1);
    expect(answers[0]?.headers.connection).toBe('keep-alive');
    expect(closed).toBe(false);
  });

  it('hands everything else to the route: HEAD, a query string, a trailing slash, a cold or unknown id', async () => {
    const product = await warmProduct();
    const head = await get(`/v1/products/${product.id}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.connection).toBe('keep-alive');
    expect(head.body).toBe('');
    for (const path of [`/v1/products/${product.id}?fields=all`, `/v1/products/${product.id}/`]) {
      const answer = await get(path);
      expect(answer.headers.connection).toBe('keep-alive');
      expect(answer.status).toBe(200);
    }
    const unknown = await get('/v1/products/3f0c1b9e-1111-4abc-8def-0123456789ab');
    expect(unknown.status).toBe(404);
    expect((JSON.parse(unknown.body) as ErrorEnvelope).code).toBe('NOT_FOUND');
    const malformed = await get(`/v1/products/${'z'.repeat(36)}`);
    expect(malformed.status).toBe(400);
  });

  it('counts its answers in the latency histogram and the L1 hit counter, once each', async () => {
    const product = await warmProduct();
    const requests = /http_request_duration_seconds_count\{method="GET",route="\/v1\/products\/:id",status_code="200"\} (\d+)/;
    const hits = /cache_requests_total\{level="l1",result="hit"\} (\d+)/;
    const misses = /cache_requests_total\{level="l1",result="miss"\} (\d+)/;
    const [requestsBefore, hitsBefore, missesBefore] = [await metric(requests), await metric(hits), await metric(misses)];
    for (let i = 0; i < 5; i++) await get(`/v1/products/${product.id}`);
    expect(await metric(requests)).toBe(requestsBefore + 5);
    expect(await metric(hits)).toBe(hitsBefore + 5);
    expect(await metric(misses)).toBe(missesBefore);
  });
});

describe('the product read lane under a rate limit', () => {
  let limited: FastifyInstance;
  let limitedBase: string;

  beforeAll(async () => {
    ({ app: limited, base: limitedBase } = await listeningApp({ RATE_LIMIT_READ_MAX: '3' }));
  });

  it('counts lane reads against the same limit and refuses with the route’s 429 envelope', async () => {
    const product = await createProductVia(limited);
    await eventsSettled(limited);
    const statuses: number[] = [];
    let refusal: Response | undefined;
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${limitedBase}/v1/products/${product.id}`);
      statuses.push(response.status);
      if (response.status === 429) refusal ??= response;
      else await response.arrayBuffer();
    }
    // The first read took the route (L1 was cold), the next two the lane; then the limit holds.
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(refusal?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refusal?.json()) as ErrorEnvelope).code).toBe('RATE_LIMITED');
  });
});

describe('the product read lane behind a trusted TLS-terminating proxy', () => {
  let proxied: FastifyInstance;
  let proxiedBase: string;

  beforeAll(async () => {
    ({ app: proxied, base: proxiedBase } = await listeningApp({ TRUST_PROXY: 'true' }));
  });

  it('sends HSTS exactly when the route does: for X-Forwarded-Proto https, never over plain HTTP', async () => {
    const product = await createProductVia(proxied);
    await eventsSettled(proxied);
    const url = `${proxiedBase}/v1/products/${product.id}`;
    expect((await fetch(url)).status).toBe(200);
    const cases: [Record<string, string>, boolean][] = [
      [{}, false],
      [{ 'x-forwarded-proto': 'https' }, true],
      [{ 'x-forwarded-proto': 'http' }, false],
      // The last entry is the hop nearest this server, as in Fastify's request.protocol.
      [{ 'x-forwarded-proto': 'http, https' }, true],
      [{ 'x-forwarded-proto': 'https, http' }, false],
    ];
    for (const [headers, hsts] of cases) {
      const lane = await fetch(url, { headers });
      await lane.arrayBuffer();
      const route = await proxied.inject({ url: `/v1/products/${product.id}`, headers });
      const what = JSON.stringify(headers);
      expect(lane.headers.get('connection'), `${what}: answered by the lane`).toBeNull();
      expect(lane.headers.get('strict-transport-security') !== null, what).toBe(hsts);
      expect(lane.headers.get('strict-transport-security') ?? undefined, what).toBe(route.headers['strict-transport-security']);
      // A health check through the same proxy agrees.
      expect((await proxied.inject({ url: '/health', headers })).headers['strict-transport-security'] !== undefined, what).toBe(hsts);
    }
  });
});
