/** The coordinator ↔ receiver-process messages (IPC), and what one endpoint's receiver tallies. */

export type ReceiverCommand =
  | { cmd: 'listen'; count: number }
  /** Secrets of the endpoints registered for receivers 0…n-1; counters start from zero. */
  | { cmd: 'arm'; secrets: string[]; verifyEvery: number }
  | { cmd: 'report' }
  | { cmd: 'close' };

export interface EndpointTally {
  /** Requests that reached the receiver, answered or not. */
  requests: number;
  /** Distinct events received (by seq). */
  distinct: number;
  /** An event received again: at-least-once allows it (a delivery whose answer the API did not record). */
  duplicates: number;
  /** A new event with a seq below one received before: the per-endpoint order broken. */
  outOfOrder: number;
  /** Sum of the distinct seqs, to tell whether every endpoint received the same events. */
  seqSum: number;
  lastSeq: number;
  /** Signatures checked with verifyWebhook, and those it refused (answered 400). */
  verified: number;
  refused: number;
  /** Bodies with no seq the receiver could read (answered 400). */
  unreadable: number;
  firstAtMs: number;
  lastAtMs: number;
}

export type ReceiverMessage =
  | { type: 'hello' }
  | { type: 'listening'; urls: string[] }
  | { type: 'armed' }
  /** `latency`: commit → receipt of each event's first delivery, an HDR histogram (compressed base64). */
  | { type: 'report'; endpoints: EndpointTally[]; latency: string; refusals: Record<string, number> };
