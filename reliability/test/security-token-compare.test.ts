import { createHash, type timingSafeEqual as TimingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadApiTokenCheck, readAuthPluginSource, TOKEN_CHECK_BUILD, type TokenCheck } from '../src/security/api-token-check.js';

/**
 * How apps/api compares the bearer token: every candidate, whatever its length or shared prefix, is
 * decided by one crypto.timingSafeEqual over two SHA-256 digests (equal length by construction), so
 * neither the length nor a matching prefix can show in the timing. Observed by wrapping the api's
 * own import of node:crypto, not by timing (far too noisy on a shared machine).
 */

const comparisons = vi.hoisted(() => [] as { left: Buffer; right: Buffer }[]);

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<{ timingSafeEqual: typeof TimingSafeEqual }>();
  const timingSafeEqual: typeof TimingSafeEqual = (left, right) => {
    comparisons.push({ left: Buffer.from(left as Uint8Array), right: Buffer.from(right as Uint8Array) });
    return actual.timingSafeEqual(left, right);
  };
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

const built = existsSync(TOKEN_CHECK_BUILD);
if (!built) console.log(`[security-token-compare] skipped: build the api first (pnpm build); missing ${TOKEN_CHECK_BUILD}`);

const EXPECTED = 'the-admin-token-under-test-0123456789';
const sha256 = (value: string) => createHash('sha256').update(value).digest();

describe.skipIf(!built)('the api compares admin tokens in constant time', () => {
  let check: TokenCheck;

  beforeAll(async () => {
    check = (await loadApiTokenCheck())(EXPECTED);
  });

  it('decides every well-formed candidate with exactly one timingSafeEqual over two 32-byte SHA-256 digests', () => {
    const candidates = [
      EXPECTED,
      EXPECTED.slice(0, -1),
      `${EXPECTED}x`,
      EXPECTED.slice(0, 1),
      `${EXPECTED[0] === 'x' ? 'y' : 'x'}${EXPECTED.slice(1)}`,
      'x'.repeat(10_000),
      EXPECTED.toUpperCase(),
    ];
    for (const candidate of candidates) {
      comparisons.length = 0;
      const verdict = check(`Bearer ${candidate}`);
      expect(verdict, candidate.slice(0, 40)).toBe(candidate === EXPECTED ? 'ok' : 'wrong');
      expect(comparisons, candidate.slice(0, 40)).toHaveLength(1);
      const [{ left, right }] = comparisons as [{ left: Buffer; right: Buffer }];
      expect(left.length).toBe(32);
      expect(right.length).toBe(32);
      expect(left.equals(sha256(candidate))).toBe(true);
      expect(right.equals(sha256(EXPECTED))).toBe(true);
    }
  });

  it('tells a missing or malformed credential (401) from a wrong one (403) without comparing anything', () => {
    for (const header of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${EXPECTED} extra`, EXPECTED]) {
      comparisons.length = 0;
      expect(check(header), String(header)).toBe('missing');
      expect(comparisons).toHaveLength(0);
    }
  });

  it('is what the auth plugin guarding every write uses, on the Authorization header, with nothing compared beside it', async () => {
    const source = await readAuthPluginSource();
    expect(source).toContain("import { createTokenCheck } from '../http/bearer-token.js'");
    expect(source).toMatch(/createTokenCheck\(options\.adminToken\)/);
    expect(source).toMatch(/authenticate\(request\.headers\.authorization, /);
    expect(source).toMatch(/adminTokenCheck\?\.\(authorization\)/);
    // No second, direct comparison of the token anywhere in the plugin.
    expect(source).not.toMatch(/adminToken\s*[!=]==(?!\s*undefined\b)|[!=]==\s*options\.adminToken|\.equals\(|localeCompare/);
  });
});
