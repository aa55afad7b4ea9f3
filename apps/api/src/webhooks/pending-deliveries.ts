/** A message an endpoint accepted, waiting for its row in the delivery log. */
export interface DeliveredMessage {
  messageId: string;
  /** The first event's seq; null for a reset notice. */
  seq: number | null;
  /** The last event's seq (a batch's); null for a reset notice. */
  lastSeq: number | null;
  /** Events carried: 1, a batch's count, 0 for a reset notice. */
  events: number;
  type: string;
  attempt: number;
  statusCode: number;
  latencyMs: number;
  /** When it was sent (the log row's attempted_at), not when the row is written. */
  attemptedAt: string;
}

export interface CursorPosition {
  epoch: string;
  seq: number;
}

/** Rows written per statement at most. */
const MAX_ROWS = 50;
/** How long an accepted message may wait for its log row and cursor move. */
const MAX_AGE_MS = 250;

/**
 * What one endpoint's lane has delivered (or stepped over) since it last wrote: the log rows and the
 * cursor position they bring it to, written together in one statement every MAX_ROWS messages, after
 * MAX_AGE_MS, and whenever the lane stops or fails. A statement per message would cost a commit each and
 * bound every endpoint by it. Until it is written, a crash or a lost lease means the messages are sent
 * again from the stored cursor: delivery is at least once, and receivers de-duplicate by webhook-id.
 */
export class PendingDeliveries {
  private rows: DeliveredMessage[] = [];
  private position: CursorPosition | undefined;
  private since = 0;

  /** An accepted message, and the cursor position after it. */
  delivered(message: DeliveredMessage, to: CursorPosition): void {
    this.start();
    this.rows.push(message);
    this.position = to;
  }

  /** Events the endpoint does not take: the cursor moves past them with the next write. */
  steppedTo(to: CursorPosition): void {
    this.start();
    this.position = to;
  }

  get due(): boolean {
    return this.position !== undefined && (this.rows.length >= MAX_ROWS || performance.now() - this.since >= MAX_AGE_MS);
  }

  /** What to write, emptied; undefined when there is nothing. */
  take(): { rows: DeliveredMessage[]; to: CursorPosition } | undefined {
    if (this.position === undefined) return undefined;
    const taken = { rows: this.rows, to: this.position };
    this.rows = [];
    this.position = undefined;
    return taken;
  }

  private start(): void {
    if (this.position === undefined) this.since = performance.now();
  }
}
