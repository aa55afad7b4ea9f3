/** The members of one topic, and the one copy of its name every subscriber shares. */
class TopicMembers<Member> extends Set<Member> {
  constructor(readonly topic: string) {
    super();
  }
}

/** topic → members, so fan-out touches only the subscribers of an event's topics, never every socket. */
export class TopicIndex<Member> {
  private readonly byTopic = new Map<string, TopicMembers<Member>>();
  private subscriptions = 0;

  /**
   * Adds `member` to `topic` (a no-op if it is there) and returns the topic's canonical string: each
   * client's subscribe parses a fresh copy of the name, and holding thousands of those adds up.
   */
  add(topic: string, member: Member): string {
    let members = this.byTopic.get(topic);
    if (members === undefined) {
      members = new TopicMembers(topic);
      this.byTopic.set(topic, members);
    }
    if (!members.has(member)) {
      members.add(member);
      this.subscriptions++;
    }
    return members.topic;
  }

  /** False when `member` did not have `topic`. */
  remove(topic: string, member: Member): boolean {
    const members = this.byTopic.get(topic);
    if (members === undefined || !members.delete(member)) return false;
    this.subscriptions--;
    // Empty sets would otherwise pile up as clients wander over thousands of product topics.
    if (members.size === 0) this.byTopic.delete(topic);
    return true;
  }

  get(topic: string): ReadonlySet<Member> | undefined {
    return this.byTopic.get(topic);
  }

  get topicCount(): number {
    return this.byTopic.size;
  }

  get subscriptionCount(): number {
    return this.subscriptions;
  }
}
