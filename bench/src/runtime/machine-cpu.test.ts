import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coreBusyPercent, coreTicks, cpuSecondsByName, cpuSecondsSince } from './machine-cpu.js';

describe('machine CPU readings', () => {
  it('gives each core its busy share of the ticks between two readings', () => {
    const before = [{ busy: 100, total: 1_000 }, { busy: 0, total: 1_000 }];
    const after = [{ busy: 175, total: 1_100 }, { busy: 0, total: 1_100 }];
    expect(coreBusyPercent(before, after)).toEqual([75, 0]);
  });

  it('reads one entry per core from /proc/stat, busy never above total', () => {
    const cores = coreTicks();
    expect(cores.length).toBeGreaterThan(0);
    for (const core of cores) expect(core.busy).toBeLessThanOrEqual(core.total);
  });

  it('counts a process seen only in the later reading from its start, and drops one that ended', () => {
    const before = new Map([[1, 2.5], [2, 1]]);
    const after = new Map([[1, 3], [3, 0.25]]);
    expect(cpuSecondsSince(before, after)).toBeCloseTo(0.75);
  });

  it('finds this very process by its command name', () => {
    const mine = cpuSecondsByName(readFileSync('/proc/self/comm', 'utf8').trim());
    expect(mine.has(process.pid)).toBe(true);
  });
});
