/**
 * Text that has broken parsers, databases and pages before. Every list is a family the fuzzers mix into
 * otherwise plausible input, so each one reaches past the first check that would reject plain garbage.
 */

/** Lone and reversed surrogates, NUL, bidi overrides, BOMs, emoji sequences, combining marks, noncharacters. */
export const UNICODE_EDGE_CASES: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\udc00\ud800',
  '\u202egnp.exe',
  '\u200f\u200e\u2066\u2069',
  '\ufeffbom',
  '😀',
  '👨‍👩‍👧‍👦🏳️‍🌈',
  `Z${'\u0301\u0336'.repeat(60)}`,
  '\uffff\ufffe',
  '\u{10ffff}',
  'ＡＢＣ１２３',
  '\u2028\u2029\u0085',
  '\r\n\t\v\f',
  'İıſK', // case mappings that change length or letter under toLowerCase/toUpperCase
  '\u00c0\u00af\u00c0\u00ae', // what overlong UTF-8 bytes look like once read as Latin-1
];

export const SQL_INJECTION: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE products; --",
  "1; SELECT pg_sleep(10)--",
  "' UNION SELECT NULL, version(), current_user--",
  '" OR ""="',
  "%' AND 1=1 --",
  "\\'; COPY products TO '/tmp/x'; --",
  "$$; DROP TABLE orders; $$",
  "E'\\x00'",
  "admin'--",
  "1' AND (SELECT 1 FROM pg_sleep(5))='1",
  "' || (SELECT string_agg(sku, ',') FROM products) || '",
];

export const SCRIPT_INJECTION: readonly string[] = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}${7*7}<%= 7*7 %>',
  '<!--<![CDATA[]]>-->',
  '%s%s%s%n%x',
  '{"$gt": ""}',
  '__proto__',
  'constructor.prototype',
  '<svg/onload=alert(1)>',
];

/** Already percent-encoded: these go into URLs verbatim. */
export const ENCODED_TRAVERSALS: readonly string[] = [
  '..%2f..%2fetc%2fpasswd',
  '..%252f..%252fetc%252fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%5c..%5cwindows%5cwin.ini',
  '....%2f%2f....%2f%2fetc%2fpasswd',
  '%c0%ae%c0%ae%c0%afetc%c0%afpasswd',
  '%e0%80%ae%e0%80%ae%e0%80%afetc',
  '..%00%2fetc%2fpasswd',
  '..%3b%2f..%3b%2fetc%2fpasswd',
  '%252e%252e%252fetc',
];

/** Percent-escapes that do not decode to valid UTF-8 (or do not decode at all). */
export const BAD_PERCENT_ENCODINGS: readonly string[] = ['%', '%zz', '%ff', '%c0%af', '%ed%a0%80', '%f8%88%80%80%80', '%e2%82', '%0', '%%30'];

/** Numbers written in ways a lenient parser might accept. */
export const NUMBER_LOOKALIKES: readonly string[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '1e-400',
  '0x1F',
  '0b101',
  '1_000',
  ' 1',
  '1 ',
  '+1',
  '01',
  '1.0',
  '1,5',
  '9007199254740993',
  '-9223372036854775809',
  '99999999999999999999999999999',
  '١٢٣',
];

/** Raw UTF-8 byte sequences that are not valid UTF-8: overlong forms, surrogates, truncations. */
export const INVALID_UTF8_BYTES: readonly (readonly number[])[] = [
  [0xc0, 0xaf], // overlong '/'
  [0xc0, 0x80], // overlong NUL
  [0xe0, 0x80, 0xaf], // overlong '/', three bytes
  [0xed, 0xa0, 0x80], // UTF-16 surrogate encoded as UTF-8
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xff, 0xfe],
  [0xe2, 0x82], // truncated sequence
  [0x80, 0x80, 0x80], // continuation bytes alone
];

/** Lengths that cross common buffer and column limits. */
export const HUGE_LENGTHS: readonly number[] = [256, 1_025, 4_097, 65_537, 100_000];

export const EVERY_HOSTILE_STRING: readonly string[] = [...UNICODE_EDGE_CASES, ...SQL_INJECTION, ...SCRIPT_INJECTION, ...NUMBER_LOOKALIKES];
