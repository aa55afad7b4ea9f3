import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { recordFaultRows, renderFaultTable, type FaultRow } from '../../src/checker/fault-report.js';
import { startStack, type Stack, type StackOptions } from '../../src/stack/stack.js';

const resultsDir = fileURLToPath(new URL('../../results/', import.meta.url));

export interface FaultSuite {
  /** The running test's stack: a fresh one per test, since a fault may leave it broken. */
  readonly stack: Stack;
  /** Rows for results/faults-latest.md, recorded once the file's tests are done. */
  readonly rows: FaultRow[];
}

const RECENT_LINES = 25;

/** Registers the hooks of a fault suite (call inside its describe); `options` for every test's stack. */
export function useFaultStack(options: StackOptions = {}): FaultSuite {
  let current: Stack | undefined;
  const rows: FaultRow[] = [];
  beforeEach(async () => {
    current = await startStack(options);
  });
  afterEach(async (context) => {
    // A failed fault is easier to read with what the apps said last (LIVECART_FAULT_LOGS=1: after every fault).
    if ((context.task.result?.state === 'fail' || process.env.LIVECART_FAULT_LOGS === '1') && current !== undefined) {
      const { apps } = current;
      for (const name of apps.names()) console.log(`--- ${name}, last lines ---\n${apps.recentOutput(name).slice(-RECENT_LINES).join('\n')}`);
    }
    await current?.stop();
    current = undefined;
  });
  afterAll(async () => {
    if (rows.length === 0) return;
    const all = await recordFaultRows(resultsDir, rows);
    console.log(`\nFaults under load (results/faults-latest.md):\n${renderFaultTable(all)}\n`);
  });
  return {
    get stack() {
      if (current === undefined) throw new Error('the fault stack exists only while a test runs');
      return current;
    },
    rows,
  };
}
