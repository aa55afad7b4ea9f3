/** One advisory as `pnpm audit --json` reports it (npm's audit format). */
export interface Advisory {
  /** npm's numeric id, as a string. */
  id: string;
  /** GHSA-xxxx-xxxx-xxxx, when the advisory has one. */
  ghsa: string | undefined;
  package: string;
  severity: string;
  title: string;
  url: string;
  /** Dependency paths through which the vulnerable versions are installed. */
  paths: string[];
}

/** A high or critical advisory that does not apply here, with the reason. */
export interface AllowListEntry {
  /** The GHSA id or npm's numeric id. */
  id: string;
  package: string;
  reason: string;
}

export const BLOCKING_SEVERITIES = new Set(['high', 'critical']);

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * The advisories of a `pnpm audit --json` report; throws with pnpm's own message when the report is
 * an error (the advisory service could not be asked) or not an audit report at all.
 */
export function parseAuditReport(report: unknown): Advisory[] {
  const root = record(report);
  const error = record(root?.error);
  if (error !== undefined) throw new Error(`pnpm audit failed: ${String(error.code ?? '')} ${String(error.message ?? '')}`.trim());
  const advisories = record(root?.advisories);
  if (advisories === undefined) throw new Error(`not a pnpm audit report: ${JSON.stringify(report).slice(0, 300)}`);
  return Object.entries(advisories).map(([key, value]) => {
    const advisory = record(value) ?? {};
    const findings = Array.isArray(advisory.findings) ? advisory.findings : [];
    const paths = findings.flatMap((finding) => {
      const found = record(finding)?.paths;
      return Array.isArray(found) ? found.map(String) : [];
    });
    return {
      id: String(advisory.id ?? key),
      ghsa: typeof advisory.github_advisory_id === 'string' ? advisory.github_advisory_id : undefined,
      package: String(advisory.module_name ?? ''),
      severity: String(advisory.severity ?? 'unknown'),
      title: String(advisory.title ?? ''),
      url: String(advisory.url ?? ''),
      paths,
    };
  });
}

const MIN_REASON = 20;

/** reliability/audit-allowlist.json, checked: every entry names an advisory, its package and why it does not apply. */
export function parseAllowList(json: unknown): AllowListEntry[] {
  const entries = record(json)?.advisories;
  if (!Array.isArray(entries)) throw new Error('the audit allow-list must be an object with an "advisories" array');
  return entries.map((value, i) => {
    const entry = record(value);
    const field = (name: string) => (typeof entry?.[name] === 'string' ? (entry[name] as string).trim() : '');
    const parsed = { id: field('id'), package: field('package'), reason: field('reason') };
    if (parsed.id === '' || parsed.package === '') throw new Error(`audit allow-list entry ${i} needs "id" (GHSA or npm id) and "package"`);
    if (parsed.reason.length < MIN_REASON) throw new Error(`audit allow-list entry ${parsed.id} needs a "reason" (${MIN_REASON}+ characters) saying why it does not apply`);
    return parsed;
  });
}

const matches = (entry: AllowListEntry, advisory: Advisory) => entry.package === advisory.package && (entry.id === advisory.id || entry.id === advisory.ghsa);

/** High and critical advisories that no allow-list entry explains. */
export function blockingAdvisories(advisories: readonly Advisory[], allowList: readonly AllowListEntry[]): Advisory[] {
  return advisories.filter((advisory) => BLOCKING_SEVERITIES.has(advisory.severity) && !allowList.some((entry) => matches(entry, advisory)));
}

/** Allow-list entries that match no reported advisory any more: fixed or withdrawn, to be removed. */
export function staleEntries(advisories: readonly Advisory[], allowList: readonly AllowListEntry[]): AllowListEntry[] {
  return allowList.filter((entry) => !advisories.some((advisory) => matches(entry, advisory)));
}

export function describeAdvisory(advisory: Advisory): string {
  const via = advisory.paths[0] === undefined ? '' : ` via ${advisory.paths[0]}`;
  return `${advisory.severity} ${advisory.ghsa ?? advisory.id} in ${advisory.package}${via}: ${advisory.title} (${advisory.url})`;
}
