import fc from 'fast-check';
import { ENCODED_TRAVERSALS, INVALID_UTF8_BYTES } from '../hostile-strings.js';
import type { RawStep } from './raw-exchange.js';

/** Bytes no HTTP client library would send, with what the server may answer. */
export interface RawCase {
  name: string;
  steps: RawStep[];
  /**
   * `answer`: the server must respond before the timeout (and the response is checked);
   * `any`: it may also keep waiting for the rest of a request or hang up without a word.
   */
  expect: 'answer' | 'any';
  /** Responses to wait for (pipelining); 1 by default, 0 to wait for the close or the timeout. */
  responses?: number;
  /** Statuses the answer must have, beyond "no 5xx and the envelope on every 4xx". */
  statuses?: readonly number[];
  head?: boolean;
}

const CRLF = '\r\n';

function request(line: string, headers: readonly string[], body: string | Buffer = ''): Buffer {
  return Buffer.concat([Buffer.from(`${line}${CRLF}${headers.map((h) => `${h}${CRLF}`).join('')}${CRLF}`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')]);
}

const HOST = 'Host: api.reliability.test';
const JSON_TYPE = 'Content-Type: application/json';

/** Hand-written framing abuse: request lines, header blocks, lengths, chunking, partial requests, traversal. */
export function fixedRawCases(apiKey: string): RawCase[] {
  const auth = `Authorization: Bearer ${apiKey}`;
  const orderBody = '{"items":[{"productId":"00000000-0000-4000-8000-000000000001","quantity":1}]}';
  const cases: RawCase[] = [
    // Request lines
    { name: 'garbage request line', steps: ['GARBAGE\r\n\r\n'], expect: 'answer', statuses: [400] },
    { name: 'method only', steps: ['GET\r\n\r\n'], expect: 'answer', statuses: [400] },
    { name: 'unknown HTTP version', steps: [request('GET /health HTTP/9.9', [HOST])], expect: 'answer', statuses: [400, 505] },
    { name: 'extra token after version', steps: [request('GET /health HTTP/1.1 extra', [HOST])], expect: 'answer', statuses: [400] },
    { name: 'double spaces in the request line', steps: [request('GET  /health  HTTP/1.1', [HOST])], expect: 'answer', statuses: [200, 400] },
    { name: 'lower-case method', steps: [request('get /health HTTP/1.1', [HOST])], expect: 'answer', statuses: [400] },
    { name: 'unknown method token', steps: [request('FUZZ /health HTTP/1.1', [HOST])], expect: 'answer', statuses: [400] },
    { name: 'method of 10 000 letters', steps: [request(`${'A'.repeat(10_000)} /health HTTP/1.1`, [HOST])], expect: 'answer', statuses: [400] },
    { name: 'URL of 100 000 characters', steps: [request(`GET /v1/products?q=${'a'.repeat(100_000)} HTTP/1.1`, [HOST])], expect: 'answer', statuses: [414, 431, 400] },
    { name: 'NUL in the request target', steps: [request('GET /health\x00 HTTP/1.1', [HOST])], expect: 'answer', statuses: [400] },
    { name: 'raw overlong UTF-8 in the target', steps: [Buffer.concat([Buffer.from('GET /v1/products/'), Buffer.from([0xc0, 0xaf]), Buffer.from(` HTTP/1.1\r\n${HOST}\r\n\r\n`)])], expect: 'answer', statuses: [400] },
    { name: 'CONNECT to another port', steps: [request('CONNECT 127.0.0.1:22 HTTP/1.1', [HOST])], expect: 'any' },
    { name: 'asterisk-form OPTIONS', steps: [request('OPTIONS * HTTP/1.1', [HOST])], expect: 'answer' },
    { name: 'absolute-form target for another host', steps: [request('GET http://evil.test/health HTTP/1.1', [HOST])], expect: 'answer' },
    { name: 'HTTP/0.9 style request', steps: ['GET /health\r\n\r\n'], expect: 'any' },
    { name: 'HTTP/2 connection preface', steps: ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'], expect: 'answer', statuses: [400, 505] },
    { name: 'TLS ClientHello on the plain port', steps: [Buffer.from('160301020001', 'hex'), Buffer.alloc(512, 0x2a)], expect: 'answer', statuses: [400] },
    { name: 'bare LF line endings', steps: ['GET /health HTTP/1.1\nHost: x\n\n'], expect: 'any' },
    // Header blocks
    { name: 'HTTP/1.1 without Host', steps: [request('GET /health HTTP/1.1', [])], expect: 'answer', statuses: [400] },
    { name: 'two Host headers', steps: [request('GET /health HTTP/1.1', [HOST, 'Host: evil.test'])], expect: 'answer' },
    { name: 'a header of 80 KB', steps: [request('GET /health HTTP/1.1', [HOST, `X-Big: ${'b'.repeat(80_000)}`])], expect: 'answer', statuses: [431] },
    { name: '3 000 small headers', steps: [request('GET /health HTTP/1.1', [HOST, ...Array.from({ length: 3_000 }, (_, i) => `X-H${i}: ${i}`)])], expect: 'answer', statuses: [431, 200] },
    { name: 'header line without a colon', steps: [request('GET /health HTTP/1.1', [HOST, 'NoColonHere'])], expect: 'answer', statuses: [400] },
    { name: 'space inside a header name', steps: [request('GET /health HTTP/1.1', [HOST, 'Bad Header: x'])], expect: 'answer', statuses: [400] },
    { name: 'space before the colon', steps: [request('GET /health HTTP/1.1', [HOST, 'X-Test : x'])], expect: 'answer', statuses: [400] },
    { name: 'NUL in a header value', steps: [request('GET /health HTTP/1.1', [HOST, 'X-Test: a\x00b'])], expect: 'answer', statuses: [400] },
    { name: 'CR alone inside a header value', steps: [request('GET /health HTTP/1.1', [HOST, 'X-Test: a\rb'])], expect: 'answer', statuses: [400] },
    { name: 'obsolete line folding', steps: [request('GET /health HTTP/1.1', [HOST, 'X-Test: a', ' folded'])], expect: 'answer' },
    { name: 'bytes above 0x7f in header values', steps: [request('GET /health HTTP/1.1', [HOST, 'X-Test: \xff\xfe\xc0\xaf', 'Authorization: Bearer \xe9\xe9'])], expect: 'answer' },
    { name: 'bearer token with latin-1 bytes on a write', steps: [request('POST /v1/products HTTP/1.1', [HOST, JSON_TYPE, 'Authorization: Bearer t\xf6ken\xff', 'Content-Length: 2'], '{}')], expect: 'answer', statuses: [403] },
    { name: 'Expect header the server cannot meet', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Expect: the-impossible', 'Content-Length: 2'], '{}')], expect: 'answer', statuses: [417] },
    { name: 'Expect: 100-continue', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Expect: 100-continue', 'Content-Length: 2'], '{}')], expect: 'answer', statuses: [400] },
    { name: 'WebSocket upgrade on the api', steps: [request('GET /health HTTP/1.1', [HOST, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='])], expect: 'any' },
    { name: 'h2c upgrade', steps: [request('GET /health HTTP/1.1', [HOST, 'Upgrade: h2c', 'Connection: Upgrade, HTTP2-Settings', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA'])], expect: 'any' },
    // Lengths and chunking
    { name: 'Content-Length and Transfer-Encoding together', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 4', 'Transfer-Encoding: chunked'], '0\r\n\r\n')], expect: 'answer', statuses: [400] },
    { name: 'two different Content-Lengths', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 2', 'Content-Length: 3'], '{} ')], expect: 'answer', statuses: [400] },
    { name: 'Content-Length list', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 2, 2'], '{}')], expect: 'answer' },
    { name: 'negative Content-Length', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: -1'], '{}')], expect: 'answer', statuses: [400] },
    { name: 'non-numeric Content-Length', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: abc'], '{}')], expect: 'answer', statuses: [400] },
    { name: 'Content-Length beyond 64 bits', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 99999999999999999999999'], '{}')], expect: 'answer', statuses: [400, 413] },
    { name: 'Content-Length far above the body limit', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 50000000'], '{}')], expect: 'answer', statuses: [413] },
    // The parser may refuse the trailing junk before the first answer is written: one response or two.
    { name: 'body longer than Content-Length', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 2'], '{}GARBAGE\r\n\r\n')], expect: 'answer' },
    { name: 'unknown transfer coding', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: xchunked'], '{}')], expect: 'answer', statuses: [400, 501] },
    { name: 'chunked followed by identity', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked, identity'], '2\r\n{}\r\n0\r\n\r\n')], expect: 'answer', statuses: [400, 501] },
    { name: 'chunk size that is not hex', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n')], expect: 'answer', statuses: [400] },
    { name: 'chunk size that overflows', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'], 'ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n')], expect: 'answer', statuses: [400, 413] },
    { name: 'chunk without its CRLF', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'], '2\r\n{}XX0\r\n\r\n')], expect: 'answer', statuses: [400] },
    { name: 'chunk extensions of 20 KB', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'], `2;${'e'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`)], expect: 'answer', statuses: [400, 413] },
    { name: 'valid chunked order split across writes', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked']), 20, `5\r\n${orderBody.slice(0, 5)}\r\n`, 20, `${(orderBody.length - 5).toString(16)}\r\n${orderBody.slice(5)}\r\n0\r\n\r\n`], expect: 'answer', statuses: [201, 409, 422] },
    // Partial requests
    { name: 'request line, then hang up', steps: ['GET /health HTTP/1.1\r\n'], expect: 'any', responses: 0 },
    { name: 'headers without their blank line, then wait', steps: [`GET /health HTTP/1.1\r\n${HOST}\r\n`, 300], expect: 'any', responses: 0 },
    { name: 'half the body, then wait', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 100'], '{"items":'), 300], expect: 'any', responses: 0 },
    { name: 'half a chunk, then wait', steps: [request('POST /v1/orders HTTP/1.1', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'], '10\r\n{"items"'), 300], expect: 'any', responses: 0 },
    { name: 'a valid request dripped byte by byte', steps: [...'GET /health HTTP/1.1\r\nHost: x\r\n\r\n'].flatMap((char) => [char, 5]), expect: 'answer', statuses: [200] },
    // Pipelining
    { name: 'a valid request followed by junk', steps: [`GET /health HTTP/1.1\r\n${HOST}\r\n\r\nJUNK\r\n\r\n`], expect: 'answer', statuses: [200, 400] },
    { name: '50 pipelined reads', steps: [Array.from({ length: 50 }, () => `GET /health HTTP/1.1\r\n${HOST}\r\n\r\n`).join('')], expect: 'answer', responses: 50, statuses: [200] },
    { name: 'HEAD with a body', steps: [request('HEAD /v1/products HTTP/1.1', [HOST, 'Content-Length: 5'], 'hello')], expect: 'answer', head: true },
    { name: 'GET with a JSON body', steps: [request('GET /v1/products HTTP/1.1', [HOST, JSON_TYPE, 'Content-Length: 2'], '{}')], expect: 'answer' },
    { name: 'admin write with a split header block', steps: [`POST /v1/products HTTP/1.1\r\n${HOST}\r\n${auth.slice(0, 10)}`, 50, `${auth.slice(10)}\r\n${JSON_TYPE}\r\nContent-Length: 2\r\n\r\n{}`], expect: 'answer', statuses: [400] },
  ];
  // Traversal that no URL parser would leave in place, on the api and on the docs' static files.
  const traversals = ['/../../etc/passwd', '/v1/products/../../etc/passwd', '/docs/static/../../package.json', '/docs/static/..\\..\\package.json', '//etc/passwd', '/docs//..//..//etc/passwd'];
  for (const target of [...traversals, ...ENCODED_TRAVERSALS.map((junk) => `/docs/static/${junk}`), ...ENCODED_TRAVERSALS.map((junk) => `/v1/products/${junk}`)]) {
    cases.push({ name: `traversal ${target}`, steps: [request(`GET ${target} HTTP/1.1`, [HOST])], expect: 'answer', statuses: [400, 403, 404] });
  }
  return cases;
}

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PUT', 'get', 'G\x00T', 'GET GET'];
const TARGETS = ['/health', '/v1/products', '/v1/products/00000000-0000-4000-8000-000000000001', '/v1/orders', '/v1/products/bulk', '/docs/json', '/nope', '*', '', '/v1/products?limit=1&limit=2', '/v1/products/%ff', '/%2e%2e/%2e%2e/etc/passwd'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/1.1 ', 'HTTP/1.x', 'HTTP/2.0', 'http/1.1', ''];
const HEADER_JUNK: readonly string[] = [
  'Content-Type: application/json',
  'Content-Type: text/plain',
  'Content-Type: application/json; charset=utf-16',
  'Accept-Encoding: gzip;q=2, br;q=-1',
  'Content-Encoding: gzip',
  'If-Match: "1", "2"',
  'If-None-Match: *',
  'Idempotency-Key: \x01\x02\x03abcdefgh',
  'Idempotency-Key: äöü-äöü-äöü',
  'Origin: null',
  'X-Forwarded-For: 999.999.999.999',
  'Connection: close',
  'Connection: keep-alive, Upgrade',
  'Transfer-Encoding: chunked',
  'Content-Length: 0',
  'Content-Length: 10',
  ': empty-name',
  'X-Trailing-Space : x',
  'X-Bytes: \xc0\xaf\xed\xa0\x80',
];

interface FramedBody {
  headers: string[];
  body: Buffer;
  /** The framing promises more bytes than follow: the server waits for the rest. */
  incomplete: boolean;
}

/** Bodies, each with the headers that frame it. */
const FRAMED_BODIES: fc.Arbitrary<FramedBody> = fc.oneof(
  fc.constant<FramedBody>({ headers: [], body: Buffer.alloc(0), incomplete: false }),
  fc.constantFrom('{}', '{"items":[]}', '{', 'null', '\u0000').map((text) => ({ headers: [`Content-Length: ${Buffer.byteLength(text)}`], body: Buffer.from(text), incomplete: false })),
  fc.constantFrom(...INVALID_UTF8_BYTES).map((bytes) => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
    return { headers: [`Content-Length: ${body.length}`], body, incomplete: false };
  }),
  fc.constantFrom('2\r\n{}\r\n0\r\n\r\n', 'zz\r\n\r\n', '0\r\n\r\n', '1\r\n{\r\n0\r\nX-Trailer: 1\r\n\r\n').map((text) => ({ headers: ['Transfer-Encoding: chunked'], body: Buffer.from(text), incomplete: false })),
  fc.constant<FramedBody>({ headers: ['Content-Length: 2', 'Transfer-Encoding: chunked'], body: Buffer.from('0\r\n\r\n'), incomplete: false }),
  fc.constant<FramedBody>({ headers: ['Content-Length: 64'], body: Buffer.from('{}'), incomplete: true }),
);

/** Random combinations of request-line, header and framing junk, the same ones for the same seed. */
export function sampleRawCases(count: number, seed: number): RawCase[] {
  const arbitrary = fc
    .record({
      method: fc.constantFrom(...METHODS),
      target: fc.constantFrom(...TARGETS),
      version: fc.constantFrom(...VERSIONS),
      host: fc.boolean(),
      junk: fc.array(fc.constantFrom(...HEADER_JUNK), { maxLength: 4 }),
      framed: FRAMED_BODIES,
    })
    .map(({ method, target, version, host, junk, framed }): RawCase => {
      const line = `${method} ${target} ${version}`.trimEnd();
      const head = method.toUpperCase() === 'HEAD';
      const steps = [request(line, [...(host ? [HOST] : []), ...junk, ...framed.headers], framed.body)];
      // Junk headers can add their own framing (a second length, chunking): only the server knows what it then waits for.
      const framingJunk = junk.some((header) => /^(content-length|transfer-encoding):/i.test(header));
      const expect = framed.incomplete || framingJunk ? 'any' : 'answer';
      return { name: `generated ${JSON.stringify(line)}`, steps, expect, head };
    });
  return fc.sample(arbitrary, { seed, numRuns: count });
}
