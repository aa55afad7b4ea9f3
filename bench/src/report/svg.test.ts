import { describe, expect, it } from 'vitest';
import { xmlProblems } from '../../test/xml.js';
import { formatNumber, logTicks, niceTicks, renderChart } from './svg.js';

describe('niceTicks', () => {
  it('covers the whole range with round steps', () => {
    expect(niceTicks(0, 13.9)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('still gives an axis for a flat range', () => {
    expect(niceTicks(3, 3)).toEqual([3, 4]);
  });
});

describe('logTicks', () => {
  it('puts 1-2-5 ticks in each decade', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });
});

describe('formatNumber', () => {
  it('shortens thousands and millions', () => {
    expect(formatNumber(21_072)).toBe('21k');
    expect(formatNumber(1_500)).toBe('1.5k');
    expect(formatNumber(2_500_000)).toBe('2.5M');
    expect(formatNumber(0.25)).toBe('0.25');
  });
});

describe('renderChart', () => {
  it('draws a line chart as well-formed SVG, escaping labels', () => {
    const svg = renderChart({
      kind: 'line',
      id: 'x',
      title: 'p99 < 15 ms & "ours"',
      xLabel: 'latency (ms, log)',
      yLabel: '%',
      xLog: true,
      series: [
        { name: 'api', role: 'ours', points: [[2, 50], [9, 99], [20, 100]] },
        { name: 'naive <route>', role: 'baseline', points: [[5, 50], [40, 99], [Number.NaN, 100]] },
      ],
    });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('p99 &lt; 15 ms &amp; &quot;ours&quot;');
    expect(svg).toContain('naive &lt;route&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
  });

  it('spaces a nines axis by tail percentiles, the maximum on top', () => {
    const svg = renderChart({
      kind: 'line',
      id: 'z',
      title: 'tail',
      xLabel: 'ms',
      yLabel: '%',
      xLog: true,
      yNines: true,
      series: [{ name: 'ours', role: 'ours', points: [[2, 50], [14, 99], [20, 99.9], [36, 100]] }],
    });
    expect(xmlProblems(svg)).toEqual([]);
    for (const label of ['>50%<', '>99%<', '>99.9%<', '>max<']) expect(svg).toContain(label);
  });

  it('draws one bar per value and the reference line', () => {
    const svg = renderChart({
      kind: 'bar',
      id: 'y',
      title: 'req/s',
      unit: 'req/s',
      bars: [
        { label: 'api', value: 21_000, role: 'ours' },
        { label: 'naive', value: 7_700, role: 'baseline' },
      ],
      reference: { label: 'target', value: 15_000 },
    });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
  });
});

describe('xmlProblems', () => {
  it('catches what a browser would refuse', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg><text>a & b</text></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg/><svg/>')).not.toEqual([]);
  });
});
