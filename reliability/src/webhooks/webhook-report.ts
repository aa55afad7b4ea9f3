import type { EndpointResult } from './webhook-rig.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * What every endpoint's deliveries must show whatever the fault, as readable violations (empty when all
 * hold): every matching event received and verified, first receipts in seq order, nothing it should not
 * have got. Repeats are allowed (at least once) and only counted.
 */
export function webhookViolations(results: readonly EndpointResult[]): string[] {
  const violations: string[] = [];
  for (const { name, deliveries } of results) {
    const { expected, received, lost, outOfOrder, unexpected, unverified, examples } = deliveries;
    const before = violations.length;
    if (expected === 0) violations.push(`${name}: no event matched the endpoint, so nothing was proved`);
    if (lost > 0 || received !== expected) violations.push(`${name}: ${lost} of ${expected} events lost`);
    if (outOfOrder > 0) violations.push(`${name}: ${outOfOrder} events first received out of seq order`);
    if (unexpected > 0) violations.push(`${name}: ${unexpected} deliveries of events it was not to receive`);
    if (unverified > 0) violations.push(`${name}: ${unverified} requests failed verifyWebhook`);
    if (violations.length > before && examples.length > 0) violations.push(`${name}, e.g.: ${examples.join('; ')}`);
  }
  return violations;
}

/** One endpoint's part of the fault table's notes; `fault` says what its receiver went through. */
export function describeEndpoint({ name, lives, deliveries, failed }: EndpointResult, fault: string): string {
  const answered = Object.entries(failed.answered).map(([status, count]) => `${count} × ${status}`);
  const failures = [...answered, ...(failed.timedOut > 0 ? [`${failed.timedOut} timed out`] : []), ...(failed.connection > 0 ? [`${failed.connection} without a connection`] : [])];
  const latency = deliveries.latencyMs === undefined ? '' : `; commit → receipt p50 ${seconds(deliveries.latencyMs.p50)}, p99 ${seconds(deliveries.latencyMs.p99)}`;
  return (
    `${name} (${fault}${lives > 1 ? `, ${lives} processes` : ''}): ${deliveries.received} of ${deliveries.expected} events received and verified, ${deliveries.lost} lost, ` +
    `${deliveries.outOfOrder} out of order, ${deliveries.duplicates} duplicated; failed attempts: ${failures.length === 0 ? 'none' : failures.join(', ')}${latency}`
  );
}
