import { parseEntityTagList, weakMatch, type EntityTagList } from '../http/entity-tags.js';
import { BadRequestError } from './errors.js';

/**
 * Strong ETags from the product version: one version has exactly one representation, because single
 * products are never compressed (see the product route) and serialization is deterministic.
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/"3" matches "3"; a list matches when any of its
 * tags does; `*` matches any current version. A header that is no entity-tag list is ignored (the full
 * answer is sent), as a cache's revalidation should never turn into an error.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  const list = parseEntityTagList(header);
  return list !== undefined && weakMatch(list, etag);
}

/** Versions fit Postgres's integer; a tag naming a larger one names no version that can exist. */
const MAX_VERSION = 2_147_483_647;
const VERSION_TAG = /^"([1-9]\d{0,9})"$/;

/**
 * What a write's preconditions ask of the product's current version: any version (`*`, or no
 * precondition), or one of `versions` (possibly none, when only weak or foreign tags were given: the
 * write then fails with 412 on any existing product).
 */
export type VersionCondition = { kind: 'any' } | { kind: 'one-of'; versions: readonly number[] };

export const ANY_VERSION: VersionCondition = { kind: 'any' };

/**
 * If-Match uses strong comparison (RFC 9110 §13.1.1): a weak tag never matches, a list matches when any
 * of its strong tags is the current ETag, `*` matches any existing product. Malformed → 400 naming the header.
 */
export function parseIfMatch(header: string): VersionCondition {
  const list: EntityTagList | undefined = parseEntityTagList(header);
  if (list === undefined) {
    throw new BadRequestError('If-Match must be * or a list of entity tags as this API returns them, e.g. "3" or "3", "4"', [
      { field: 'headers.if-match', message: 'must be * or one or more entity tags such as "3"' },
    ]);
  }
  if (list === '*') return ANY_VERSION;
  const versions: number[] = [];
  for (const tag of list) {
    const match = tag.weak ? null : VERSION_TAG.exec(tag.opaque);
    const version = match ? Number(match[1]) : Number.NaN;
    if (version <= MAX_VERSION && !versions.includes(version)) versions.push(version);
  }
  return { kind: 'one-of', versions };
}

/**
 * The version condition of a write from its If-Match header and its body's `version`: both hold when both
 * are given. A body version that If-Match's strong tags do not name is a contradiction the client made (400).
 */
export function versionCondition(ifMatch: string | undefined, bodyVersion: number | undefined): VersionCondition {
  const fromHeader = ifMatch === undefined ? ANY_VERSION : parseIfMatch(ifMatch);
  if (bodyVersion === undefined) return fromHeader;
  if (fromHeader.kind === 'one-of' && fromHeader.versions.length > 0 && !fromHeader.versions.includes(bodyVersion)) {
    throw new BadRequestError('If-Match and body.version name different versions', [
      { field: 'body.version', message: `disagrees with If-Match (${fromHeader.versions.join(', ')})` },
    ]);
  }
  return fromHeader.kind === 'one-of' && fromHeader.versions.length === 0 ? fromHeader : { kind: 'one-of', versions: [bodyVersion] };
}

/** The versions a service checks under its row lock; undefined when any version will do. */
export function expectedVersionsOf(condition: VersionCondition): readonly number[] | undefined {
  return condition.kind === 'any' ? undefined : condition.versions;
}
