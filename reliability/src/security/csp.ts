/** A Content-Security-Policy header as directive → sources (names lower-cased). */
export function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '' && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** The sources that govern `directive`, falling back to default-src as browsers do. */
export function sourcesFor(csp: Map<string, string[]>, directive: string): string[] {
  return csp.get(directive) ?? csp.get('default-src') ?? [];
}

export interface PageNeeds {
  /** The page's own origin, e.g. http://127.0.0.1:3000. */
  origin: string;
  html: string;
  /** Where the page's live-update socket connects. */
  socketUrl: string;
}

function allows(sources: readonly string[], url: URL, origin: string): boolean {
  if (sources.includes("'none'")) return false;
  if (sources.includes('*')) return true;
  if (url.origin === origin && sources.includes("'self'")) return true;
  if (sources.includes(url.protocol)) return true;
  return sources.some((source) => source === url.origin || source === `${url.protocol}//${url.host}`);
}

/**
 * What a browser would block on this page under `csp`: scripts (external and inline), stylesheets and
 * the realtime socket. An empty list means the policy is compatible with what the page needs.
 */
export function cspBlocks(csp: Map<string, string[]>, page: PageNeeds): string[] {
  const blocked: string[] = [];
  const scripts = sourcesFor(csp, 'script-src');
  const tags = [...page.html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? '');
  for (const attributes of tags) {
    const src = /\ssrc="([^"]+)"/.exec(attributes)?.[1];
    if (src === undefined) {
      if (!scripts.includes("'unsafe-inline'") && !scripts.some((s) => s.startsWith("'nonce-"))) blocked.push('an inline script');
    } else if (!allows(scripts, new URL(src, page.origin), page.origin)) blocked.push(`script ${src}`);
  }
  const styles = sourcesFor(csp, 'style-src');
  for (const match of page.html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)) {
    if (!allows(styles, new URL(match[1] as string, page.origin), page.origin)) blocked.push(`stylesheet ${match[1]}`);
  }
  if (!allows(sourcesFor(csp, 'connect-src'), new URL(page.socketUrl), page.origin)) blocked.push(`socket ${page.socketUrl}`);
  return [...new Set(blocked)];
}
