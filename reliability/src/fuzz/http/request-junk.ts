import fc from 'fast-check';
import { BAD_PERCENT_ENCODINGS, ENCODED_TRAVERSALS, INVALID_UTF8_BYTES } from '../hostile-strings.js';
import { hostileString } from './schema-values.js';
import type { QueryPart } from './url-encoding.js';

/** Declared body types the api must refuse (or parse as JSON only when they really are JSON). */
export const CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----fuzz',
  'application/xml',
  'application/octet-stream',
  'image/png',
  'text/json',
  'application/jsonx',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'application/json;;;',
  'application/json; boundary="x',
  'application/json, text/plain',
  '*/*',
  '',
  ';',
  'application/',
];

/** Bodies that are not JSON, or JSON that only a careless parser would take. */
export const BROKEN_JSON: readonly string[] = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '[',
  '"unterminated',
  '\ufeff{}',
  '{"a": /* comment */ 1}',
  '{"a":1e99999}',
  '{"a":-1e99999}',
  '{"a":123456789012345678901234567890}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"\\x41"}',
  '{"a":"\\',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":1,"a":2}',
  'null',
  'true',
  '0',
  '""',
  '[]',
  '{}',
  ' ',
  '\u0000',
  `${'['.repeat(100_000)}`,
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`,
  `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
];

/** A JSON text with invalid UTF-8 bytes inside one of its strings. */
export const invalidUtf8Json: fc.Arbitrary<Buffer> = fc
  .tuple(fc.constantFrom(...INVALID_UTF8_BYTES), fc.constantFrom('name', 'sku', 'items', 'description', 'x'))
  .map(([bytes, key]) => Buffer.concat([Buffer.from(`{"${key}":"ab`), Buffer.from(bytes), Buffer.from('cd"}')]));

/** Over the api's default 1 MiB body limit. */
export const oversizedJson: fc.Arbitrary<string> = fc.constantFrom(1_100_000, 2_500_000).map((size) => `{"name":"${'x'.repeat(size)}"}`);

/** Raw path segments (already encoded) that try to climb out of the route or break the decoder. */
export const pathSegmentJunk: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ENCODED_TRAVERSALS),
  fc.constantFrom(...BAD_PERCENT_ENCODINGS),
  fc.constantFrom('', '.', '%2e', '%2F', 'a/b', '%00', '%0d%0aSet-Cookie:%20x=1', 'x'.repeat(120), 'x'.repeat(5_000), ';', '?', '#frag', '~', '*'),
);

/** Query pieces beyond the declared parameters: unknown, repeated, bracketed, broken. */
export const queryJunk: fc.Arbitrary<QueryPart> = fc.oneof(
  fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor[prototype][x]', 'a[b][c]', 'limit[]', '', 'sort'), hostileString).map(
    ([key, value]) => ({ key, value }),
  ),
  fc.constantFrom<QueryPart>(
    { raw: '&&&' },
    { raw: '=' },
    { raw: '==x' },
    { raw: 'inStock' },
    { raw: 'limit=1&limit=2' },
    { raw: 'q=%ff' },
    { raw: 'q=%' },
    { raw: 'q=%ed%a0%80' },
    { raw: 'category=%c0%af' },
    { raw: 'q=a+b%2Bc' },
    { raw: 'cursor=..%2f..%2fetc%2fpasswd' },
    { raw: Array.from({ length: 500 }, (_, i) => `p${i}=${i}`).join('&') },
  ),
);

/** Latin-1 only and no CR, LF or NUL: what `fetch` lets through (the raw-socket cases send the rest). */
export function fetchSafeHeader(value: string): string {
  return value.replace(/[^\x20-\x7e\x80-\xff\t]/g, '?').trim();
}

const headerText = hostileString.map(fetchSafeHeader);

/** Headers a client may send that the api must tolerate: junk values for the ones it reads. */
export const headerJunk: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.constantFrom(...CONTENT_TYPES).map((value): [string, string] => ['content-type', value]),
  fc.constantFrom('*/*;q=abc', 'application/xml', 'text/html;q=0, */*;q=0', 'x'.repeat(4_000)).map((value): [string, string] => ['accept', value]),
  fc.constantFrom('gzip;q=2, br;q=-1, *;q=0', 'identity;q=0', 'compress, x-foo, deflate', 'br'.repeat(2_000), ',,,').map((value): [string, string] => ['accept-encoding', value]),
  fc.constantFrom('gzip', 'br', 'deflate', 'x-unknown', 'gzip, gzip').map((value): [string, string] => ['content-encoding', value]),
  fc.constantFrom('*', '"', 'W/', 'W/"1", W/', '"1"'.repeat(3_000), '"99999999999999999999"').map((value): [string, string] => ['if-none-match', value]),
  fc.constantFrom('"', '*, "1"', 'W/"0"', '"-1"', '"9999999999"', '"1.5"').map((value): [string, string] => ['if-match', value]),
  headerText.map((value): [string, string] => ['x-request-id', value]),
  fc.constantFrom('null', 'http://evil.test', 'file://', 'x'.repeat(3_000)).map((value): [string, string] => ['origin', value]),
  fc.constantFrom('::1, 999.999.1.1, <script>', '1.2.3.4'.repeat(1_000), 'unknown').map((value): [string, string] => ['x-forwarded-for', value]),
  fc.constantFrom('bytes=0-0,-1', 'bytes=99999999999-', 'lines=1').map((value): [string, string] => ['range', value]),
  headerText.map((value): [string, string] => ['accept-language', value]),
  headerText.map((value): [string, string] => ['user-agent', value]),
  headerText.map((value): [string, string] => ['cookie', value]),
);

/** Session cookies that must never pass: forged, unsigned, re-signed or mangled copies of a real one. */
export function wrongSessionCookie(realCookie: string): fc.Arbitrary<string> {
  const value = realCookie.slice(realCookie.indexOf('=') + 1);
  const [id = '', signature = ''] = decodeURIComponent(value).split('.');
  const flip = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
  return fc.oneof(
    fc.constantFrom(
      `livecart_session=${id}`,
      `livecart_session=${encodeURIComponent(`${flip(id)}.${signature}`)}`,
      `livecart_session=${encodeURIComponent(`${id}.${flip(signature)}`)}`,
      `livecart_session=${encodeURIComponent(`${id}.`)}`,
      'livecart_session=',
      `livecart_session=${value}; livecart_session=forged`,
      `LIVECART_SESSION=${value}`,
      `livecart_session=${'x'.repeat(8_000)}`,
    ),
    headerText.map((text) => `livecart_session=${text}`),
  );
}

/** Authorization values that must never pass: missing schemes, wrong or mangled tokens. */
export function wrongAuthorization(apiKey: string): fc.Arbitrary<string> {
  const flipped = `${apiKey.slice(0, -1)}${apiKey.endsWith('0') ? '1' : '0'}`;
  return fc.oneof(
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      `Bearer ${flipped}`,
      `Bearer ${apiKey.slice(0, -1)}`,
      `Bearer ${apiKey}x`,
      `Basic ${Buffer.from(`admin:${apiKey}`).toString('base64')}`,
      apiKey,
      `Token ${apiKey}`,
      `Bearer ${apiKey} ${apiKey}`,
      `Bearer ${'x'.repeat(8_000)}`,
      'Bearer null',
      'Bearer undefined',
    ),
    headerText.map((value) => `Bearer ${value}`),
  );
}
