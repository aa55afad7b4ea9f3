import { readdirSync, readFileSync } from 'node:fs';
import { processUsageOf } from './processes.js';

/** Busy and total ticks of each core so far, from /proc/stat (busy: all but idle and iowait). */
export function coreTicks(): { busy: number; total: number }[] {
  const cores: { busy: number; total: number }[] = [];
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (match === null) continue;
    const ticks = match[2]!.trim().split(/\s+/).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is counted in user already.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const guest = (ticks[8] ?? 0) + (ticks[9] ?? 0);
    cores[Number(match[1])] = { busy: total - idle - guest, total: total - guest };
  }
  return cores;
}

/** Each core's busy share between two readings of {@link coreTicks}, in percent. */
export function coreBusyPercent(before: ReturnType<typeof coreTicks>, after: ReturnType<typeof coreTicks>): number[] {
  return after.map((core, index) => {
    const start = before[index] ?? { busy: 0, total: 0 };
    const total = core.total - start.total;
    return total <= 0 ? 0 : Math.round(((core.busy - start.busy) / total) * 1_000) / 10;
  });
}

/**
 * CPU seconds so far of every process whose command name is `comm` (e.g. `postgres`: the server and all
 * its backends), by pid, so that a later reading counts only processes seen in both.
 */
export function cpuSecondsByName(comm: string): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trimEnd() !== comm) continue;
    } catch {
      continue; // exited while we looked
    }
    seconds.set(Number(entry), processUsageOf(Number(entry)).cpuSeconds);
  }
  return seconds;
}

/** CPU seconds the processes of `after` used since `before`; a process started in between counts from its start. */
export function cpuSecondsSince(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}
