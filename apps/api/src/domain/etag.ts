import { BadRequestError } from './errors.js';

/**
 * Strong ETags from the product version: one version has exactly one representation, because single
 * products are never compressed (see the product route) and serialization is deterministic.
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** If-None-Match uses weak comparison (RFC 9110 13.1.2): W/"3" matches "3". */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag || header === '*') return true;
  for (const candidate of header.split(',')) {
    const tag = candidate.trim();
    if (tag === etag || tag === `W/${etag}` || tag === '*') return true;
  }
  return false;
}

const SINGLE_ETAG = /^(?:W\/)?"(\d{1,10})"$/;

/** The version an If-Match header asks for: a number, `*` (any existing version) or nothing. */
export function parseIfMatch(header: string | undefined): number | '*' | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const match = SINGLE_ETAG.exec(value);
  const version = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new BadRequestError('If-Match must be one ETag as returned by this API, e.g. "3"', [
      { field: 'headers.if-match', message: 'must be a single ETag such as "3" or *' },
    ]);
  }
  return version;
}

/** The version a write may apply to: the body's `version` and the If-Match header must agree when both are given. */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  const fromHeader = parseIfMatch(ifMatch);
  const headerVersion = fromHeader === '*' ? undefined : fromHeader;
  if (headerVersion !== undefined && bodyVersion !== undefined && headerVersion !== bodyVersion) {
    throw new BadRequestError('If-Match and body.version name different versions', [
      { field: 'body.version', message: `disagrees with If-Match (${headerVersion})` },
    ]);
  }
  return bodyVersion ?? headerVersion;
}
