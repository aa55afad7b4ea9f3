function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A robust straight line through (x, y) points (Theil–Sen: the median of the slopes between every pair
 * of points, then the median intercept). Unlike least squares, a few outliers, such as one sample taken
 * at a garbage-collection peak, barely move it.
 */
export function robustLine(points: readonly (readonly [number, number])[]): { slope: number; intercept: number } {
  if (points.length === 0) throw new Error('robustLine needs at least one point');
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i += 1) {
    for (let j = i + 1; j < points.length; j += 1) {
      const dx = points[j]![0] - points[i]![0];
      if (dx !== 0) slopes.push((points[j]![1] - points[i]![1]) / dx);
    }
  }
  const slope = slopes.length === 0 ? 0 : median(slopes);
  return { slope, intercept: median(points.map(([x, y]) => y - slope * x)) };
}

export interface Trend {
  /** Fitted value at the first and last point of the measured window. */
  start: number;
  end: number;
  /** (end − start) / start: the growth the trend line shows over the window, e.g. 0.04 for 4 %. */
  growth: number;
  min: number;
  max: number;
  points: number;
}

/**
 * The growth trend of a series after a warm-up: a robust straight line through every point from
 * `warmupMs` on, read at both ends of that window. A fitted line rather than last-minus-first, so a
 * garbage-collection peak or trough at either end does not decide the verdict.
 */
export function growthTrend(series: readonly (readonly [number, number])[], warmupMs: number): Trend {
  const window = series.filter(([atMs]) => atMs >= warmupMs);
  if (window.length < 2) throw new Error(`a trend needs at least 2 points after the ${warmupMs} ms warm-up; got ${window.length}`);
  const { slope, intercept } = robustLine(window);
  const first = window[0]![0];
  const last = window.at(-1)![0];
  const start = intercept + slope * first;
  const end = intercept + slope * last;
  const values = window.map(([, y]) => y);
  return { start, end, growth: (end - start) / start, min: Math.min(...values), max: Math.max(...values), points: window.length };
}
