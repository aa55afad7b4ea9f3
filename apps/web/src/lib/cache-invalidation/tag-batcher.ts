import { backoffDelay } from '@livecart/client/realtime';

export type ExpirePayload = { all: true } | { tags: string[] };

export interface TagBatcherOptions {
  /** Past this many distinct tags in one batch, expire everything instead (one cheap call). */
  maxTags?: number;
  attempts?: number;
  random?: () => number;
  warn?: (message: string, detail?: unknown) => void;
}

/**
 * Collects cache tags to expire and sends them in batches: events arrive in bursts (a bulk price change
 * is hundreds), and one call per batch keeps the invalidation cost flat. A failed send is retried with
 * backoff; sends never overlap, and tags added meanwhile go in the next batch.
 */
export class TagBatcher {
  private readonly tags = new Set<string>();
  private all = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending = false;

  constructor(
    private readonly send: (payload: ExpirePayload) => Promise<void>,
    private readonly options: TagBatcherOptions = {},
  ) {}

  add(tag: string): void {
    this.tags.add(tag);
    this.schedule();
  }

  addAll(): void {
    this.all = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.sending) return;
    this.timer = setTimeout(() => void this.flush(), 0);
  }

  private async flush(): Promise<void> {
    this.timer = null;
    if (!this.all && this.tags.size === 0) return;
    const payload: ExpirePayload = this.all || this.tags.size > (this.options.maxTags ?? 500) ? { all: true } : { tags: [...this.tags] };
    this.all = false;
    this.tags.clear();
    this.sending = true;
    try {
      await this.sendWithRetry(payload);
    } finally {
      this.sending = false;
      if (this.all || this.tags.size > 0) this.schedule();
    }
  }

  private async sendWithRetry(payload: ExpirePayload): Promise<void> {
    const attempts = this.options.attempts ?? 5;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      try {
        await this.send(payload);
        return;
      } catch (error) {
        if (attempt + 1 === attempts) {
          this.options.warn?.('could not expire cached pages; they may show old data until their lifetime ends', error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { random: this.options.random })));
      }
    }
  }
}
