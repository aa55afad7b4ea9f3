/**
 * The private topics one connection follows and when (epoch ms) the token that opened each stops holding.
 * A later token for the same topic extends it. Kept apart from the hub: a topic index knows nothing of
 * tokens.
 */
export class PrivateGrants {
  private readonly until = new Map<string, number>();

  get size(): number {
    return this.until.size;
  }

  grant(grants: ReadonlyMap<string, number>): void {
    for (const [topic, until] of grants) this.until.set(topic, Math.max(until, this.until.get(topic) ?? 0));
  }

  forget(topics: readonly string[]): void {
    for (const topic of topics) this.until.delete(topic);
  }

  /** The soonest end of a grant, if any. */
  nextExpiry(): number | undefined {
    let soonest: number | undefined;
    for (const until of this.until.values()) if (soonest === undefined || until < soonest) soonest = until;
    return soonest;
  }

  /** Removes and returns the topics whose grant has ended at `nowMs`. */
  takeExpired(nowMs: number): string[] {
    const expired: string[] = [];
    for (const [topic, until] of this.until) if (until <= nowMs) expired.push(topic);
    this.forget(expired);
    return expired;
  }
}
