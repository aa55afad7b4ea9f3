import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exists } from './fs-utils.js';
import { withLock } from './lock.js';
import { sleep } from './wait.js';

let dir: string;
let lockDir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecart-lock-'));
  lockDir = join(dir, 'lock');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not spawn a process');
  return pid;
}

describe('withLock', () => {
  it('runs concurrent holders one after the other', async () => {
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lockDir, async () => {
        events.push(`${name} in`);
        await sleep(150);
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(['a in,a out,b in,b out', 'b in,b out,a in,a out']).toContain(events.join(','));
  });

  it('does not take a lock whose pid file is still being written (empty) from its holder', async () => {
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'pid'), '');
    await expect(withLock(lockDir, async () => 'ran', { timeoutMs: 300 })).rejects.toThrow(/timed out .*held by pid unknown/);
  });

  it('takes over a lock whose holder died', async () => {
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'pid'), String(deadPid()));
    await expect(withLock(lockDir, async () => 'ran', { timeoutMs: 1000 })).resolves.toBe('ran');
  });

  it('waits for a live holder, reports it once, and gives up at the timeout', async () => {
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    const onWait = vi.fn();
    await expect(withLock(lockDir, async () => 'ran', { timeoutMs: 300, onWait })).rejects.toThrow(/timed out .*held by pid/);
    expect(onWait).toHaveBeenCalledTimes(1);
    expect(onWait).toHaveBeenCalledWith(process.pid);
  });

  it('releases the lock when the holder throws', async () => {
    await expect(withLock(lockDir, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await exists(lockDir)).toBe(false);
  });
});
