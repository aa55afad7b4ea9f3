import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { groupPids, runGroup, startGroup } from './processes.js';

/** Running, as opposed to gone or a zombie waiting for whoever adopted it to reap it. */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

describe('startGroup', () => {
  it('stops the whole group, grandchildren included, even when the leader ignores SIGTERM', async () => {
    // The leader starts a child of its own (as `next start` does) and shrugs off SIGTERM.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(child.pid);
      process.on('SIGTERM', () => {});
      setInterval(() => {}, 1000);`;
    let grandchild = 0;
    const group = startGroup('test group', process.execPath, ['-e', script], { onLine: (line) => (grandchild = Number(line)), graceMs: 300 });
    while (grandchild === 0) await delay(20);
    expect(groupPids(group.pid).sort()).toEqual([group.pid, grandchild].sort());
    await group.stop();
    expect(alive(grandchild)).toBe(false);
    expect(groupPids(group.pid)).toEqual([]);
  });
});

describe('runGroup', () => {
  it('rejects with the last lines of output when the command fails', async () => {
    await expect(runGroup('failing', process.execPath, ['-e', 'console.error("it broke"); process.exit(3)'])).rejects.toThrow(/exited with 3\nit broke/);
  });
});
