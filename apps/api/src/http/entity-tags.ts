/**
 * The entity-tag lists of If-Match and If-None-Match (RFC 9110 §8.8.3, §13.1.1, §13.1.2), parsed once here
 * for every precondition the API reads.
 *
 *   If-Match = "*" / #entity-tag        entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
 *   etagc    = %x21 / %x23-7E / obs-text
 *
 * A comma is an etagc, so a list is scanned tag by tag, never split on commas. Empty list elements
 * (`"1", , "2"`) are allowed, as the list rule asks of recipients; a list with no tag at all is not.
 */

export interface EntityTag {
  weak: boolean;
  /** The opaque-tag with its quotes, e.g. `"3"`. */
  opaque: string;
}

/** `*` (any current representation) or one or more entity tags. */
export type EntityTagList = '*' | readonly EntityTag[];

const WHITESPACE = new Set([0x20, 0x09]);
const DQUOTE = 0x22;

function isEtagc(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

/** The list a header holds, or undefined when it is not one (the caller answers 400 or ignores it). */
export function parseEntityTagList(header: string): EntityTagList | undefined {
  const text = header.trim();
  if (text === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  const skipWhitespace = () => {
    while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  };
  while (i < text.length) {
    skipWhitespace();
    if (text.charCodeAt(i) === 0x2c) {
      i++;
      continue;
    }
    if (i >= text.length) break;
    const weak = text.startsWith('W/', i);
    if (weak) i += 2;
    if (text.charCodeAt(i) !== DQUOTE) return undefined;
    const start = i;
    i++;
    while (i < text.length && text.charCodeAt(i) !== DQUOTE) {
      if (!isEtagc(text.charCodeAt(i))) return undefined;
      i++;
    }
    if (i >= text.length) return undefined;
    i++;
    tags.push({ weak, opaque: text.slice(start, i) });
    skipWhitespace();
    if (i < text.length && text.charCodeAt(i) !== 0x2c) return undefined;
  }
  return tags.length === 0 ? undefined : tags;
}

/** Strong comparison (§8.8.3.2): both tags strong and their opaque-tags identical. `etag` is the current strong tag. */
export function strongMatch(list: EntityTagList, etag: string): boolean {
  if (list === '*') return true;
  return list.some((tag) => !tag.weak && tag.opaque === etag);
}

/** Weak comparison: the opaque-tags identical, either tag may be weak. */
export function weakMatch(list: EntityTagList, etag: string): boolean {
  if (list === '*') return true;
  return list.some((tag) => tag.opaque === etag);
}
