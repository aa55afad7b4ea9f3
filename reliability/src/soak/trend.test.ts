import { describe, expect, it } from 'vitest';
import { growthTrend, robustLine } from './trend.js';

describe('robustLine', () => {
  it('recovers the slope and intercept of an exact line', () => {
    const fit = robustLine([[0, 3], [1, 5], [2, 7], [3, 9]]);
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(3);
  });

  it('gives a flat line for a single x', () => {
    expect(robustLine([[4, 10], [4, 20]])).toEqual({ slope: 0, intercept: 15 });
  });

  it('is barely moved by an outlier that drags least squares', () => {
    const points: [number, number][] = Array.from({ length: 20 }, (_, x) => [x, 50]);
    points[19] = [19, 500];
    expect(robustLine(points).slope).toBe(0);
  });
});

describe('growthTrend', () => {
  const minute = 60_000;

  it('ignores the warm-up and reads growth off the fitted line', () => {
    // Climbs fast while warming up, then grows 10 % over the measured window.
    const series: [number, number][] = [[0, 10], [minute, 80]];
    for (let m = 2; m <= 12; m += 1) series.push([m * minute, 100 + (m - 2)]);
    const trend = growthTrend(series, 2 * minute);
    expect(trend.points).toBe(11);
    expect(trend.growth).toBeCloseTo(0.1);
    expect(trend.min).toBe(100);
    expect(trend.max).toBe(110);
  });

  it('is not fooled by one spike at the end of a flat series', () => {
    const series: [number, number][] = Array.from({ length: 30 }, (_, i) => [i * minute, 100]);
    series.push([30 * minute, 160]);
    expect(growthTrend(series, 0).growth).toBeLessThan(0.1);
    // …while last-minus-first would have called it 60 % growth.
  });

  it('refuses a window with too few points', () => {
    expect(() => growthTrend([[0, 1], [1, 1]], 5)).toThrow(/at least 2 points/);
  });
});
