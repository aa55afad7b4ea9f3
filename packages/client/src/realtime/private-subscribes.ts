import type { Topic } from '@livecart/schemas/topics';

/**
 * The private subscribes sent on the current connection that the server has not answered yet, by the `id`
 * each carries (the server echoes it on `subscribed` and on `error`), so that a refused one is known by its
 * topics; and how many times in a row each topic's token was refused, so that retries stop.
 */
export class PrivateSubscribes {
  private sent = 0;
  private readonly pending = new Map<string, Topic[]>();
  private readonly refusals = new Map<Topic, number>();

  /** The id for a subscribe of `topics` about to be sent. */
  open(topics: Topic[]): string {
    const id = `private-${++this.sent}`;
    this.pending.set(id, topics);
    return id;
  }

  /** The server confirmed it: its topics' refusals start over. */
  confirmed(id: string | undefined): void {
    const topics = this.take(id);
    for (const topic of topics ?? []) this.refusals.delete(topic);
  }

  /** The server refused it: its topics (undefined if the id is not one of ours) and the refusals in a row. */
  refused(id: string | undefined): { topics: Topic[]; refusals: number } | undefined {
    const topics = this.take(id);
    if (topics === undefined) return undefined;
    let refusals = 0;
    for (const topic of topics) {
      const count = (this.refusals.get(topic) ?? 0) + 1;
      this.refusals.set(topic, count);
      refusals = Math.max(refusals, count);
    }
    return { topics, refusals };
  }

  /** The connection is gone: its answers never come. A new connection starts every count over. */
  connectionLost(): void {
    this.pending.clear();
    this.refusals.clear();
  }

  private take(id: string | undefined): Topic[] | undefined {
    if (id === undefined) return undefined;
    const topics = this.pending.get(id);
    this.pending.delete(id);
    return topics;
  }
}
