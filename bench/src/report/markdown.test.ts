import { describe, expect, it } from 'vitest';
import { README_END, README_START, replaceSection, targetText, verdict } from './markdown.js';
import type { Headline } from './schema.js';

const headline = (value: number | null, op: '>=' | '<=', target: number): Headline => ({ name: 'h', label: 'h', value, unit: '×', perRun: [], target: { op, value: target } });

describe('verdict', () => {
  it('holds the value to its target in the stated direction', () => {
    expect(verdict(headline(0.9, '>=', 0.85))).toBe('✅ met');
    expect(verdict(headline(0.8, '>=', 0.85))).toBe('❌ missed');
    expect(verdict(headline(1.2, '<=', 1.1))).toBe('❌ missed');
  });

  it('says nothing when there is no figure', () => {
    expect(verdict(headline(null, '>=', 1))).toBe('');
    expect(targetText(headline(1, '>=', 3))).toBe('≥ 3×');
  });
});

describe('replaceSection', () => {
  it('replaces only what lies between the markers', () => {
    const readme = `# bench\n\nintro\n\n${README_START}\nold\n${README_END}\n\nafter\n`;
    const next = replaceSection(readme, `${README_START}\nnew\n${README_END}`);
    expect(next).toBe(`# bench\n\nintro\n\n${README_START}\nnew\n${README_END}\n\nafter\n`);
  });

  it('appends the section when the markers are missing', () => {
    expect(replaceSection('# bench\n', `${README_START}\nx\n${README_END}`)).toBe(`# bench\n\n${README_START}\nx\n${README_END}\n`);
  });
});
