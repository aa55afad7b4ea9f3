/** What happened to the requests of one time bucket. */
export interface Bucket {
  /** Start of the bucket, in ms since the run started. */
  atMs: number;
  ok: number;
  /** Answers the workload expects now and then: 404, 409 (sold out), 412 (stale version). */
  expected: number;
  /** Anything else: 5xx, other 4xx, timeouts, refused connections. */
  errors: number;
  /** Latency percentiles of the bucket's answered requests, in ms. */
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Counts outcomes and latencies per fixed-size time bucket, so a spike shows where it happened. */
export class Tally {
  private readonly buckets = new Map<number, { ok: number; expected: number; errors: number; latencies: number[] }>();
  /** The first few unexpected outcomes, verbatim, for the report. */
  readonly examples: string[] = [];

  constructor(
    private readonly startedAt: number,
    private readonly bucketMs: number,
  ) {}

  record(outcome: 'ok' | 'expected' | 'error', latencyMs: number, detail?: string): void {
    this.recordAt(Date.now(), outcome, latencyMs, detail);
  }

  /** The same, for an outcome that happened at `at` (epoch ms). */
  recordAt(at: number, outcome: 'ok' | 'expected' | 'error', latencyMs: number, detail?: string): void {
    const index = Math.floor((at - this.startedAt) / this.bucketMs);
    let bucket = this.buckets.get(index);
    if (bucket === undefined) {
      bucket = { ok: 0, expected: 0, errors: 0, latencies: [] };
      this.buckets.set(index, bucket);
    }
    if (outcome === 'ok') bucket.ok += 1;
    else if (outcome === 'expected') bucket.expected += 1;
    else {
      bucket.errors += 1;
      if (detail !== undefined && this.examples.length < 20) this.examples.push(detail);
    }
    bucket.latencies.push(latencyMs);
  }

  snapshot(): Bucket[] {
    return [...this.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, { ok, expected, errors, latencies }]) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        return { atMs: index * this.bucketMs, ok, expected, errors, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
      });
  }
}
