/**
 * Whether an If-None-Match header matches `etag` (a strong tag, quoted). GET uses weak comparison
 * (RFC 9110 13.1.2): `W/"x"` matches `"x"`; a list matches when any member does; `*` matches anything.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  for (const candidate of header.split(',')) {
    const tag = candidate.trim();
    if (tag === '*' || tag === etag || tag === `W/${etag}`) return true;
  }
  return false;
}
