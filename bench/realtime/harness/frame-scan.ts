const SEQ_KEY = Buffer.from('"seq":');
const EVENT_PREFIXES = ['{"type":"event"', '{"type":"batch"', '{"seq":'].map((prefix) => Buffer.from(prefix));

/** Whether a frame carries events (ours: event/batch; the baselines: the raw event or an event message). */
export function isEventFrame(frame: Buffer): boolean {
  return EVENT_PREFIXES.some((prefix) => frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0);
}
const OCCURRED_KEY = Buffer.from('"occurredAt":"');

/**
 * Pulls each event's seq and occurredAt (epoch ms) out of an `event` or `batch` text frame without
 * JSON.parse: the client fleet shares one core with Redis and the publisher, and must not be the bottleneck.
 * Relies on the event JSON holding `"seq":` once per event and `occurredAt` after it (schema key order).
 */
export function scanEvents(frame: Buffer, withTime: boolean, onEvent: (seq: number, occurredAtMs: number) => void): void {
  let at = frame.indexOf(SEQ_KEY);
  while (at !== -1) {
    let i = at + SEQ_KEY.length;
    let seq = 0;
    for (let c = frame[i]; c !== undefined && c >= 48 && c <= 57; c = frame[++i]) seq = seq * 10 + (c - 48);
    const occurred = withTime ? frame.indexOf(OCCURRED_KEY, i) : -1;
    const occurredAtMs = occurred === -1 ? Number.NaN : Date.parse(frame.toString('latin1', occurred + OCCURRED_KEY.length, occurred + OCCURRED_KEY.length + 24));
    onEvent(seq, occurredAtMs);
    at = frame.indexOf(SEQ_KEY, i);
  }
}
