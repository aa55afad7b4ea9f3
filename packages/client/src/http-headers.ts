/*
 * Headers a client reads or sends often. Requests take them through the typed `params.header`
 * (`'if-none-match'`, `'if-match'`, `'idempotency-key'`); these helpers read answers and make keys.
 */

/** The entity tag of an answer (a product's version, `"7"`), to send back as If-None-Match or If-Match. */
export function etagOf(response: Response): string | undefined {
  return response.headers.get('etag') ?? undefined;
}

/** Whether a conditional GET found the cached copy current (304: no body, keep what you have). */
export function isNotModified(response: Response): boolean {
  return response.status === 304;
}

/** Whether the API answered with the result of an earlier request carrying the same Idempotency-Key. */
export function isIdempotentReplay(response: Response): boolean {
  return response.headers.get('idempotent-replayed') === 'true';
}

/** A fresh Idempotency-Key: send the same one again when retrying the same write. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * The event stream position a read was taken at (`X-Event-Seq`, `X-Event-Epoch`): subscribe to the
 * WebSocket with `since: seq` (and `epoch`) to miss no change after the snapshot. Undefined when absent.
 */
export interface EventPosition {
  seq: number;
  epoch: string | undefined;
}

export function eventPositionOf(response: Response): EventPosition | undefined {
  const seq = response.headers.get('x-event-seq');
  if (seq === null || !/^\d+$/.test(seq)) return undefined;
  return { seq: Number(seq), epoch: response.headers.get('x-event-epoch') ?? undefined };
}
