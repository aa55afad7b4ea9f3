import type { Size, SuiteName, SuiteOutput } from '../report/schema.js';
import type { RemoteTargets, Stack } from '../runtime/stack.js';

export interface SuiteContext {
  size: Size;
  /** Every suite of this run, in order (suites sharing one harness invocation look ahead). */
  plan: SuiteName[];
  stack: Stack;
  remote: RemoteTargets;
  /** Where result files go (bench/results for full runs, bench/results/tmp otherwise). */
  outDir: string;
  /** Scratch space for this run: payloads, raw tool output, logs. */
  scratchDir: string;
  /** This suite's log file: the output of every process it runs. */
  logFile: string;
  /** When the suite started (epoch ms): harness output older than this is not this run's. */
  startedAt: number;
  /** One line of activity for the progress display. */
  log: (line: string) => void;
}

export interface Suite {
  name: SuiteName;
  /** One line for `--list` and the report. */
  summary: string;
  /** Rough wall-clock seconds per size, for the ETA. */
  estimateS: Record<Size, number>;
  /** Suites of the same batch are measured by one harness invocation, made by the first of them to run. */
  batch?: string;
  /** Turbo filters of the production builds it runs. */
  builds: string[];
  /**
   * What it needs against a deployment (API_URL, REALTIME_URL); null when it only runs on this machine
   * (its servers and baselines are started here).
   */
  remoteTargets: ('api' | 'realtime')[] | null;
  run(ctx: SuiteContext): Promise<SuiteOutput>;
}

/** Pick a figure by run size. */
export const bySize = <T>(size: Size, values: Record<Size, T>): T => values[size];
