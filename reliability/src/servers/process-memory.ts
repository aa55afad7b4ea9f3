import { readFile } from 'node:fs/promises';

/** Resident set size of a live process in bytes, from /proc (Linux). */
export async function readRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kilobytes === undefined) throw new Error(`/proc/${pid}/status has no VmRSS line: is the process a zombie?`);
  return Number(kilobytes) * 1024;
}

/** Whether a process with this id still runs (signal 0 only checks that it exists). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface RssWatch {
  /** The largest RSS seen so far, in bytes. */
  readonly peakBytes: number;
  stop(): void;
}

/** Samples a process's RSS every `intervalMs` until stopped, keeping the peak (a spike between two reads is missed). */
export function watchRss(pid: number, intervalMs = 250): RssWatch {
  let peakBytes = 0;
  const sample = () =>
    void readRssBytes(pid).then(
      (bytes) => {
        peakBytes = Math.max(peakBytes, bytes);
      },
      () => {},
    );
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    get peakBytes() {
      return peakBytes;
    },
    stop: () => clearInterval(timer),
  };
}
