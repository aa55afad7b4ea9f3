import { parsePrivateTopic, type Topic } from '@livecart/schemas/topics';

/** What the web server is asked for a token: the topic, and the order's link token when the page has one. */
export interface TokenRequest {
  topic: Topic;
  /** An order's signed link (`?token=` of its page), for a visitor who follows the order through its link. */
  orderLink?: string;
}

export interface RealtimeTokenProviderOptions {
  /** Asks the web server (which forwards the shopper's cookie to the API) for a token; rejects on refusal. */
  mint: (request: TokenRequest) => Promise<string>;
}

/**
 * The live store's `tokenFor`: a fresh token for each subscribe of a private topic (so a reconnect, or a
 * subscription the server ended at its token's expiry, always gets one that is new). An order page opened
 * through its link registers the link for its topic; every other topic is asked for with the shopper's
 * session alone. Concurrent asks for one topic share one request.
 */
export class RealtimeTokenProvider {
  private readonly links = new Map<string, { link: string; holders: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly options: RealtimeTokenProviderOptions) {}

  /** While the returned release is not called, `order:<orderId>` is asked for with `link`. */
  grantOrderLink(orderId: string, link: string): () => void {
    const held = this.links.get(orderId);
    if (held === undefined || held.link !== link) this.links.set(orderId, { link, holders: 1 });
    else held.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const entry = this.links.get(orderId);
      if (entry === undefined || entry.link !== link) return;
      entry.holders -= 1;
      if (entry.holders <= 0) this.links.delete(orderId);
    };
  }

  tokenFor = (topics: readonly Topic[]): Promise<string> => {
    const [topic, ...rest] = topics;
    if (topic === undefined || rest.length > 0) return Promise.reject(new Error('a token is asked for one private topic at a time'));
    const pending = this.inFlight.get(topic);
    if (pending !== undefined) return pending;
    const parsed = parsePrivateTopic(topic);
    const link = parsed?.kind === 'order' ? this.links.get(parsed.id)?.link : undefined;
    const request = this.options.mint(link === undefined ? { topic } : { topic, orderLink: link }).finally(() => this.inFlight.delete(topic));
    this.inFlight.set(topic, request);
    return request;
  };
}
