import type { Chart } from './schema.js';

/**
 * Small, dependency-free SVG charts for the report: line charts (linear or log x; latency CDFs,
 * throughput over time, memory vs connections) and horizontal bar charts with an optional reference
 * line (a target). Ours is drawn in blue and thicker; baselines in muted colours.
 */

const WIDTH = 760;
/** On a nines axis 100 % cannot be drawn: the maximum sits at the top, at 99.99 %. */
const NINES_TOP = 99.99;
const NINES_TICKS = [0, 50, 90, 99, 99.9, NINES_TOP];
const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
/** Ours first (blue), then baselines; several series of ours take the next colours. */
const PALETTE = ['#1f6feb', '#e8912d', '#6e7781', '#2da44e', '#a475f9', '#cf222e', '#0a8a8a', '#bf8700'];
const GRID = '#e6e8eb';
const INK = '#24292f';
const MUTED = '#57606a';

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
const fixed = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** 1.2k, 35k, 1.5M: compact numbers for ticks and bar labels. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${+(value / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  if (abs >= 10 || Number.isInteger(value)) return String(Math.round(value * 10) / 10);
  return String(+value.toPrecision(2));
}

/** Round tick values from at or below `min` to at or above `max`, about `count` steps of 1, 2 or 5 × 10ⁿ. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min, min + 1];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  return Array.from({ length: last - first + 1 }, (_, i) => +((first + i) * step).toPrecision(12));
}

/** 1-2-5 ticks per decade over [min, max] (both > 0). */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let exp = Math.floor(Math.log10(min)); exp <= Math.ceil(Math.log10(max)); exp++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** exp;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(+v.toPrecision(3));
    }
  }
  return ticks;
}

/** Colours by position once ours are put first, so a lone "ours" is always blue. */
function colorsOf<T extends { role: 'ours' | 'baseline' }>(items: readonly T[]): Map<T, string> {
  const ordered = [...items.filter((i) => i.role === 'ours'), ...items.filter((i) => i.role === 'baseline')];
  return new Map(ordered.map((item, i) => [item, PALETTE[i % PALETTE.length]!]));
}

function frame(height: number, title: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="15" font-weight="600" fill="${INK}">${escapeXml(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

function lineChart(chart: Extract<Chart, { kind: 'line' }>): string {
  const height = 380;
  const left = 64;
  const right = 170;
  const top = 46;
  const bottom = 52;
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const points = chart.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const xMinRaw = xs.length === 0 ? 0 : Math.min(...xs);
  const xMaxRaw = xs.length === 0 ? 1 : Math.max(...xs);
  const log = chart.xLog;
  const xMin = log ? 10 ** Math.floor(Math.log10(Math.max(xMinRaw, 0.1))) : Math.min(0, xMinRaw);
  const xMax = log ? 10 ** Math.ceil(Math.log10(Math.max(xMaxRaw, xMin * 10))) : xMaxRaw > xMin ? xMaxRaw : xMin + 1;
  // Nines: y is a percentage, drawn at -log10(1 - y/100), so p99 and p99.9 get as much room as p50-p90.
  const nines = chart.yNines === true;
  const ny = (y: number) => (nines ? -Math.log10(1 - Math.min(y, NINES_TOP) / 100) : y);
  const yTicks = nines ? NINES_TICKS.filter((t) => t <= NINES_TOP) : niceTicks(Math.min(0, ...ys), Math.max(1, ...ys));
  const yMin = ny(yTicks[0]!);
  const yMax = ny(yTicks.at(-1)!);
  const xTicks = log ? logTicks(xMin, xMax) : niceTicks(xMin, xMax, 6);
  const [xLo, xHi] = log ? [xMin, xMax] : [xTicks[0]!, xTicks.at(-1)!];
  const sx = (x: number) => left + (log ? (Math.log10(Math.max(x, xLo)) - Math.log10(xLo)) / (Math.log10(xHi) - Math.log10(xLo)) : (x - xLo) / (xHi - xLo)) * plotW;
  const sy = (y: number) => top + plotH - ((ny(y) - yMin) / (yMax - yMin || 1)) * plotH;
  const yLabel = (t: number) => (nines ? (t >= NINES_TOP ? 'max' : `${t}%`) : formatNumber(t));

  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${fixed(sy(t))}" y2="${fixed(sy(t))}" stroke="${GRID}"/>`);
    parts.push(`<text x="${left - 8}" y="${fixed(sy(t) + 4)}" font-size="11" text-anchor="end" fill="${MUTED}">${yLabel(t)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${fixed(sx(t))}" x2="${fixed(sx(t))}" y1="${top}" y2="${top + plotH}" stroke="${GRID}"/>`);
    parts.push(`<text x="${fixed(sx(t))}" y="${top + plotH + 18}" font-size="11" text-anchor="middle" fill="${MUTED}">${formatNumber(t)}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="${MUTED}"/>`);
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="${MUTED}"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 12}" font-size="12" text-anchor="middle" fill="${INK}">${escapeXml(chart.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" font-size="12" text-anchor="middle" fill="${INK}">${escapeXml(chart.yLabel)}</text>`);

  const colors = colorsOf(chart.series);
  // Baselines first so ours is drawn on top.
  const ordered = [...chart.series].sort((a, b) => (a.role === b.role ? 0 : a.role === 'ours' ? 1 : -1));
  const widthOf = (role: 'ours' | 'baseline') => (role === 'ours' ? 2.75 : 1.75);
  for (const series of ordered) {
    const color = colors.get(series)!;
    const valid = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (valid.length === 0) continue;
    const d = valid.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${fixed(sx(x))} ${fixed(sy(y))}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${widthOf(series.role)}" stroke-linejoin="round" stroke-linecap="round"/>`);
    if (valid.length <= 40) for (const [x, y] of valid) parts.push(`<circle cx="${fixed(sx(x))}" cy="${fixed(sy(y))}" r="${series.role === 'ours' ? 3 : 2.25}" fill="${color}"/>`);
  }
  [...colors].forEach(([series, color], i) => {
    const y = top + 8 + i * 20;
    parts.push(`<line x1="${left + plotW + 16}" x2="${left + plotW + 40}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="${widthOf(series.role)}"/>`);
    parts.push(`<text x="${left + plotW + 46}" y="${y + 4}" font-size="12" fill="${INK}">${escapeXml(series.name.length > 18 ? `${series.name.slice(0, 17)}…` : series.name)}</text>`);
  });
  return frame(height, chart.title, parts.join('\n'));
}

function barChart(chart: Extract<Chart, { kind: 'bar' }>): string {
  const barH = 26;
  const gap = 10;
  const left = 150;
  const right = 90;
  const top = chart.reference === null ? 46 : 60;
  const plotW = WIDTH - left - right;
  const plotH = chart.bars.length * (barH + gap) - gap;
  const height = top + plotH + 44;
  const max = Math.max(...chart.bars.map((b) => b.value), chart.reference?.value ?? 0, 1e-9);
  const ticks = niceTicks(0, max, 5);
  const scaleMax = Math.max(ticks.at(-1)!, max);
  const sx = (v: number) => left + (v / scaleMax) * plotW;
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line x1="${fixed(sx(t))}" x2="${fixed(sx(t))}" y1="${top - 4}" y2="${top + plotH + 4}" stroke="${GRID}"/>`);
    parts.push(`<text x="${fixed(sx(t))}" y="${top + plotH + 20}" font-size="11" text-anchor="middle" fill="${MUTED}">${formatNumber(t)}</text>`);
  }
  const colors = colorsOf(chart.bars);
  chart.bars.forEach((bar, i) => {
    const y = top + i * (barH + gap);
    const color = colors.get(bar)!;
    const w = Math.max(1, sx(bar.value) - left);
    parts.push(`<text x="${left - 10}" y="${y + barH / 2 + 4}" font-size="12" text-anchor="end" fill="${INK}"${bar.role === 'ours' ? ' font-weight="600"' : ''}>${escapeXml(bar.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${fixed(w)}" height="${barH}" rx="3" fill="${color}"/>`);
    parts.push(`<text x="${fixed(left + w + 6)}" y="${y + barH / 2 + 4}" font-size="12" fill="${INK}">${formatNumber(bar.value)}</text>`);
  });
  if (chart.reference !== null) {
    const x = fixed(sx(chart.reference.value));
    parts.push(`<line x1="${x}" x2="${x}" y1="${top - 8}" y2="${top + plotH + 4}" stroke="${INK}" stroke-width="1.5" stroke-dasharray="5 4"/>`);
    parts.push(`<text x="${x}" y="${top - 13}" font-size="11" text-anchor="middle" fill="${INK}">${escapeXml(chart.reference.label)}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${height - 6}" font-size="12" text-anchor="middle" fill="${INK}">${escapeXml(chart.unit)}</text>`);
  return frame(height, chart.title, parts.join('\n'));
}

export function renderChart(chart: Chart): string {
  return chart.kind === 'line' ? lineChart(chart) : barChart(chart);
}
