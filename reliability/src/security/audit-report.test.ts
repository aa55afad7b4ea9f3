import { describe, expect, it } from 'vitest';
import { blockingAdvisories, describeAdvisory, parseAllowList, parseAuditReport, staleEntries } from './audit-report.js';

const report = {
  advisories: {
    '1101': {
      id: 1101,
      github_advisory_id: 'GHSA-aaaa-bbbb-cccc',
      module_name: 'left-pad',
      severity: 'critical',
      title: 'Prototype pollution',
      url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
      findings: [{ version: '1.0.0', paths: ['apps__api>left-pad'] }],
    },
    '1102': { id: 1102, module_name: 'tiny-lib', severity: 'high', title: 'ReDoS', url: 'https://example.test/1102', findings: [] },
    '1103': { id: 1103, module_name: 'other', severity: 'moderate', title: 'Minor', url: 'https://example.test/1103', findings: [] },
  },
  metadata: { vulnerabilities: { critical: 1, high: 1, moderate: 1 } },
};

describe('parseAuditReport', () => {
  it('reads id, GHSA, package, severity and paths', () => {
    const [first] = parseAuditReport(report);
    expect(first).toEqual({
      id: '1101',
      ghsa: 'GHSA-aaaa-bbbb-cccc',
      package: 'left-pad',
      severity: 'critical',
      title: 'Prototype pollution',
      url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
      paths: ['apps__api>left-pad'],
    });
    expect(describeAdvisory(first!)).toBe('critical GHSA-aaaa-bbbb-cccc in left-pad via apps__api>left-pad: Prototype pollution (https://github.com/advisories/GHSA-aaaa-bbbb-cccc)');
  });

  it('turns pnpm’s error report into an error quoting it, and refuses anything else', () => {
    expect(() => parseAuditReport({ error: { code: 'ERR_PNPM_AUDIT_BAD_RESPONSE', message: 'responded with 405' } })).toThrow(
      'pnpm audit failed: ERR_PNPM_AUDIT_BAD_RESPONSE responded with 405',
    );
    expect(() => parseAuditReport([])).toThrow(/not a pnpm audit report/);
  });
});

describe('allow-list', () => {
  const advisories = parseAuditReport(report);

  it('blocks high and critical advisories only, unless an entry names the advisory and its package', () => {
    expect(blockingAdvisories(advisories, []).map((a) => a.id)).toEqual(['1101', '1102']);
    const allowList = parseAllowList({
      advisories: [
        { id: 'GHSA-aaaa-bbbb-cccc', package: 'left-pad', reason: 'only reached from the build tooling, never at run time' },
        { id: '1102', package: 'not-tiny-lib', reason: 'names the wrong package, so it must not count' },
      ],
    });
    expect(blockingAdvisories(advisories, allowList).map((a) => a.id)).toEqual(['1102']);
    expect(staleEntries(advisories, allowList).map((e) => e.package)).toEqual(['not-tiny-lib']);
  });

  it('insists on an id, a package and a real reason for each entry', () => {
    expect(() => parseAllowList({})).toThrow(/"advisories" array/);
    expect(() => parseAllowList({ advisories: [{ id: 'GHSA-x', reason: 'a long enough reason for this' }] })).toThrow(/needs "id".*"package"/);
    expect(() => parseAllowList({ advisories: [{ id: 'GHSA-x', package: 'p', reason: 'n/a' }] })).toThrow(/GHSA-x needs a "reason"/);
  });
});
