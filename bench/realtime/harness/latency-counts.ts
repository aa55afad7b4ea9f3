import * as hdr from 'hdr-histogram-js';

/** Whole milliseconds up to this are counted in the flat array; longer ones (rare) are kept one by one. */
const FLAT_MS = 60_000;

/** The histogram every fleet report uses: 1 ms to an hour, 3 significant digits. */
export function buildHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
}

/**
 * Latencies in whole ms as a count per ms: one array increment per event where an HDR `recordValue`
 * costs several times that, on a client core that must keep up with ~100k events/s. Turned into an HDR
 * histogram (exact at this resolution) only when reported.
 */
export class LatencyCounts {
  private counts = new Uint32Array(FLAT_MS + 1);
  private long: number[] = [];

  record(ms: number): void {
    if (ms <= FLAT_MS) this.counts[ms < 0 ? 0 : ms]!++;
    else this.long.push(ms);
  }

  toHistogram(): hdr.Histogram {
    const histogram = buildHistogram();
    for (let ms = 0; ms <= FLAT_MS; ms++) {
      const count = this.counts[ms]!;
      if (count > 0) histogram.recordValueWithCount(ms, count);
    }
    for (const ms of this.long) histogram.recordValue(Math.min(ms, 3_600_000));
    return histogram;
  }
}
