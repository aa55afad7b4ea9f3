const ENTITIES: Record<string, string> = { '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };

function unescapeHtml(text: string): string {
  return text.replace(/&(?:quot|#x27|#39|lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name.replace(/[$]/g, '\\$&')}="([^"]*)"`).exec(tag);
  return match === null ? undefined : unescapeHtml(match[1] as string);
}

/**
 * The fields a browser without JavaScript would submit for the form `formId` of a server-rendered
 * page: its hidden inputs (React's server action reference among them) and the inputs placed outside
 * it with `form="<formId>"`, each with its rendered value.
 */
export function formFields(html: string, formId: string): Record<string, string> {
  const form = new RegExp(`<form id="${formId}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (form === null) throw new Error(`the page has no form with id ${formId}`);
  const inside = [...(form[1] as string).matchAll(/<input[^>]*>/g)].map((m) => m[0]);
  const outside = [...html.matchAll(/<input[^>]*>/g)].map((m) => m[0]).filter((tag) => attribute(tag, 'form') === formId);
  const fields: Record<string, string> = {};
  for (const tag of [...inside, ...outside]) {
    const name = attribute(tag, 'name');
    if (name !== undefined) fields[name] = attribute(tag, 'value') ?? '';
  }
  return fields;
}

/** Same-origin script and stylesheet URLs a page references (what a browser would fetch next). */
export function assetUrls(html: string, base: string): string[] {
  const paths = [...html.matchAll(/(?:src|href)="(\/_next\/[^"]+)"/g)].map((m) => unescapeHtml(m[1] as string));
  return [...new Set(paths)].map((path) => new URL(path, base).toString());
}
