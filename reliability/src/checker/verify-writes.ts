import type { WriteOutcome } from './api-load.js';

export interface AcknowledgedReport {
  acked: number;
  /** Acknowledged writes whose change is not in Postgres (product version without its event, or no such order). Must be 0. */
  missing: number;
  /** Acknowledged, answered while a restore was rolling the database back, and gone with it: expected, reported. */
  rolledBack: number;
  examples: string[];
}

/**
 * A 2xx is a promise that the write is committed: each product version an acknowledgement reported must
 * have its outbox row, and each acknowledged order must exist.
 */
export function verifyAcknowledged(
  writes: readonly WriteOutcome[],
  outbox: readonly { product: number; version: number }[],
  existingOrders: ReadonlySet<string>,
  /** Epoch ms: writes answered within it were committed after the backup a restore went back to. */
  rolledBackWindow?: { from: number; to: number },
  /** Each product's version in the database the history went back to: versions up to it are in its rows, event or not. */
  epochStart?: ReadonlyMap<number, number>,
): AcknowledgedReport {
  const events = new Set(outbox.map((row) => `${row.product}:${row.version}`));
  const recorded = (product: number, version: number) => events.has(`${product}:${version}`) || version <= (epochStart?.get(product) ?? 0);
  const report: AcknowledgedReport = { acked: 0, missing: 0, rolledBack: 0, examples: [] };
  for (const write of writes) {
    if (!write.acked) continue;
    report.acked++;
    const absent = write.versions.filter(([product, version]) => !recorded(product, version));
    const orderAbsent = write.orderId !== undefined && !existingOrders.has(write.orderId);
    if (absent.length === 0 && !orderAbsent) continue;
    if (rolledBackWindow !== undefined && write.answeredAt >= rolledBackWindow.from && write.answeredAt <= rolledBackWindow.to) {
      report.rolledBack++;
      continue;
    }
    report.missing++;
    if (report.examples.length < 10) {
      report.examples.push(orderAbsent ? `order ${write.orderId} was acknowledged but does not exist` : `${write.op} acknowledged versions ${JSON.stringify(absent)} that have no event`);
    }
  }
  return report;
}
