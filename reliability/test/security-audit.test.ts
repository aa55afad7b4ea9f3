import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@livecart/local-services/testing';
import { blockingAdvisories, describeAdvisory, parseAllowList, staleEntries } from '../src/security/audit-report.js';
import { runPnpmAudit } from '../src/security/run-pnpm-audit.js';

/**
 * `pnpm audit --prod` over the whole workspace: no high or critical advisory in a production
 * dependency unless reliability/audit-allowlist.json says why it does not apply. It needs the npm
 * registry's audit service. Where that service cannot be reached (some registry mirrors refuse it with
 * 405) the test is reported as SKIPPED with the reason, never as passed; set LIVECART_REQUIRE_AUDIT=1 to
 * make an unreachable audit service fail the run instead.
 */

const ALLOW_LIST = join(repoRoot, 'reliability/audit-allowlist.json');
const AUDIT_TIMEOUT_MS = 150_000;

describe('production dependency advisories', () => {
  it('has no high or critical advisory that the allow-list does not explain', { timeout: AUDIT_TIMEOUT_MS + 30_000 }, async (context) => {
    const allowList = parseAllowList(JSON.parse(await readFile(ALLOW_LIST, 'utf8')));
    const outcome = await runPnpmAudit(repoRoot, AUDIT_TIMEOUT_MS);
    if (outcome.kind === 'unavailable') {
      const why = `the dependencies were NOT audited: pnpm audit --prod could not get an answer from the registry's audit service (${outcome.why}). Run it where registry.npmjs.org's audit endpoint is reachable.`;
      if (process.env.LIVECART_REQUIRE_AUDIT === '1') throw new Error(why);
      console.warn(`[security-audit] SKIPPED: ${why}`);
      context.skip(why);
      return;
    }
    const bySeverity = new Map<string, number>();
    for (const advisory of outcome.advisories) bySeverity.set(advisory.severity, (bySeverity.get(advisory.severity) ?? 0) + 1);
    console.log(`[security-audit] ${outcome.advisories.length} advisories: ${[...bySeverity].map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`);

    expect(blockingAdvisories(outcome.advisories, allowList).map(describeAdvisory)).toEqual([]);
    // An entry whose advisory is gone (fixed, or the package left the tree) must be removed.
    expect(staleEntries(outcome.advisories, allowList)).toEqual([]);
  });
});
