import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPidAlive } from './run-command.js';
import { sleep } from './wait.js';

export interface LockOptions {
  timeoutMs?: number;
  /** Called once when the lock is busy, with the holder's pid. */
  onWait?: (holderPid: number | undefined) => void;
}

// A holder writes its pid right after mkdir; a lock dir without one for this long was left by a crash.
const OWNERLESS_GRACE_MS = 5000;

async function holderOf(lockDir: string): Promise<{ pid: number | undefined; stale: boolean }> {
  const pid = Number((await readFile(join(lockDir, 'pid'), 'utf8').catch(() => '')).trim());
  // No pid (yet): judged by the lock's age, never as a dead holder (an empty read is not pid 0).
  if (Number.isInteger(pid) && pid > 0) return { pid, stale: !isPidAlive(pid) };
  try {
    return { pid: undefined, stale: Date.now() - (await stat(lockDir)).mtimeMs > OWNERLESS_GRACE_MS };
  } catch {
    return { pid: undefined, stale: false };
  }
}

/**
 * Runs `fn` while holding a cross-process lock: `mkdir` is atomic, so exactly one process creates
 * `lockDir`. A lock whose holder died (crash, kill -9) is taken over.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let reportedWait = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await holderOf(lockDir);
    if (holder.stale) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out waiting for the lock ${lockDir} (held by pid ${holder.pid ?? 'unknown'}); remove it if no livecart process is running`,
      );
    }
    if (!reportedWait) {
      options.onWait?.(holder.pid);
      reportedWait = true;
    }
    await sleep(100);
  }
  try {
    // Written aside and renamed in, so that a waiting process reads the whole pid or none.
    await writeFile(join(lockDir, 'pid.tmp'), String(process.pid));
    await rename(join(lockDir, 'pid.tmp'), join(lockDir, 'pid'));
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
