import { parse } from 'node:querystring';

/**
 * The query string parser of every route: a parameter given empty (`?q=`, `?category=`) is left out, so
 * an optional parameter sent empty — a search box submitted blank, a cleared filter — means what leaving it
 * out means, rather than failing validation. A required one is then missing (400 naming it), as it is.
 */
export function parseQueryString(text: string): Record<string, string | string[]> {
  const query = parse(text);
  for (const key of Object.keys(query)) if (query[key] === '') delete query[key];
  return query as Record<string, string | string[]>;
}
