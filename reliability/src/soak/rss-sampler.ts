import { readFile } from 'node:fs/promises';

export interface RssSample {
  /** Milliseconds since the sampler started. */
  atMs: number;
  /** Resident set size in bytes, by process name; absent while a process is gone. */
  rss: Record<string, number>;
}

/** Resident set size of a live process, from /proc (Linux); undefined once the process has exited. */
export async function readRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Reads the RSS of every named process every `intervalMs` until stopped. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pids: ReadonlyMap<string, number>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const tick = async () => {
      const atMs = Date.now() - this.startedAt;
      const rss: Record<string, number> = {};
      for (const [name, pid] of this.pids) {
        const bytes = await readRss(pid);
        if (bytes !== undefined) rss[name] = bytes;
      }
      this.samples.push({ atMs, rss });
    };
    void tick();
    this.timer = setInterval(() => void tick(), this.intervalMs);
  }

  stop(): RssSample[] {
    clearInterval(this.timer);
    return this.samples;
  }
}
