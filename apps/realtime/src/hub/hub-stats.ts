/** Counters of the live fan-out; /metrics reads them when scraped. */
export interface HubStats {
  eventsIn: number;
  /** Events written to sockets, counted once per receiving connection. */
  delivered: number;
  eventFrames: number;
  batchFrames: number;
  slowConsumerKicks: number;
  /** Times a connection fell behind and switched to newest-per-topic delivery. */
  laggingEntered: number;
  /** Events a lagging connection skipped because a newer one of the same topic replaced them. */
  coalesced: number;
}

export function emptyHubStats(): HubStats {
  return { eventsIn: 0, delivered: 0, eventFrames: 0, batchFrames: 0, slowConsumerKicks: 0, laggingEntered: 0, coalesced: 0 };
}
