import { connect } from 'node:net';
import { ErrorEnvelopeSchema } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createTestContext, type TestContext } from './helpers.js';

/*
 * Refusals made below the routes — by Node's HTTP parser, Node's Host and Expect checks, and Fastify's
 * router — found by the hostile-input fuzzer (reliability/test/fuzz-http.test.ts) answering without the
 * error envelope. They need real sockets: app.inject skips the parser.
 */

let ctx: TestContext;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  ctx = await createTestContext('protocol-errors');
  app = await ctx.app();
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => ctx.close());

/** Writes `request` as raw bytes and resolves with the status and body of the answer, once the server closes. */
function exchange(request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(Buffer.from(request, 'latin1')));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), headers: text.slice(0, split), body: text.slice(split + 4) });
    });
  });
}

function expectEnvelope(answer: { status: number; body: string }, status: number, field: string): void {
  expect(answer.status).toBe(status);
  const envelope = ErrorEnvelopeSchema.parse(JSON.parse(answer.body));
  expect(envelope.statusCode).toBe(status);
  expect(envelope.details?.map((detail) => detail.field)).toContain(field);
}

describe('refusals below the routes carry the error envelope', () => {
  it('a request Node cannot parse (unknown method, conflicting lengths) → 400', async () => {
    expectEnvelope(await exchange('FUZZ /health HTTP/1.1\r\nHost: x\r\n\r\n'), 400, 'request');
    const smuggled = await exchange('POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    expectEnvelope(smuggled, 400, 'request');
    expect(smuggled.headers).toMatch(/x-content-type-options: nosniff/i);
  });

  it('headers over the size limit → 431, read whole by a client still sending them', async () => {
    // Node's parser refuses past 16 KB with the rest unread; closing then resets the connection, and the
    // client sees EPIPE or ECONNRESET (on Node 26 even when the answer arrived first) instead of the 431.
    for (const size of [80_000, 4 * 1024 * 1024, 4 * 1024 * 1024]) {
      expectEnvelope(await exchange(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(size)}\r\n\r\n`), 431, 'headers');
    }
    // The lingering sockets close once their clients have.
    await expect.poll(() => new Promise<number>((resolve) => app.server.getConnections((_error, count) => resolve(count))), { timeout: 3_000 }).toBe(0);
  });

  it('an HTTP/1.1 request without Host → 400, an unmet Expect → 417', async () => {
    expectEnvelope(await exchange('GET /health HTTP/1.1\r\n\r\n'), 400, 'headers.host');
    const expectation = 'POST /v1/orders HTTP/1.1\r\nHost: x\r\nExpect: the-impossible\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';
    expectEnvelope(await exchange(expectation), 417, 'headers.expect');
    // HTTP/1.0 has no Host requirement.
    expect((await exchange('GET /health HTTP/1.0\r\n\r\n')).status).toBe(200);
  });

  it('a body refused before it arrived (over the limit, an unmet Expect) is answered, not reset, while the client still sends', async () => {
    // Node closes after such an answer; closing over unread bytes would send a reset (EPIPE here) instead.
    const body = 'x'.repeat(4 * 1024 * 1024);
    const oversized = `POST /v1/products HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await exchange(oversized);
      expect(answer.status).toBe(413);
      expect(ErrorEnvelopeSchema.parse(JSON.parse(answer.body)).code).toBe('PAYLOAD_TOO_LARGE');
    }
    const unmet = `POST /v1/orders HTTP/1.1\r\nHost: x\r\nExpect: the-impossible\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    expectEnvelope(await exchange(unmet), 417, 'headers.expect');
  });

  it('a path that does not decode → 400, an overlong path parameter → 414', async () => {
    expectEnvelope(await exchange('GET /v1/products/%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 400, 'url');
    expectEnvelope(await exchange(`GET /v1/products/${'a'.repeat(150)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 414, 'params');
  });

  it('a stray OPTIONS (no Origin, no Access-Control-Request-Method) is answered without granting anything', async () => {
    const answer = await exchange('OPTIONS /v1/products HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(204);
    expect(answer.headers).not.toMatch(/access-control-allow-origin/i);
  });

  it('keeps echoed field names and messages within the envelope limits', async () => {
    const payload = { items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }], ['x'.repeat(5_000)]: 1 };
    const response = await app.inject({ method: 'POST', url: '/v1/orders', headers: AUTH, payload });
    expect(response.statusCode).toBe(400);
    const envelope = ErrorEnvelopeSchema.parse(response.json());
    expect(envelope.details?.[0]?.field).toMatch(/^body\.x+…$/);
  });
});
