const EVENT_PREFIXES = ['{"type":"event"', '{"type":"batch"', '{"seq":'].map((prefix) => Buffer.from(prefix));

/** Whether `frame` holds the bytes of `key` at `at` (a JS loop: a Buffer.compare call costs more for a few bytes). */
function bytesAt(frame: Buffer, at: number, key: Buffer): boolean {
  if (at < 0 || at + key.length > frame.length) return false;
  for (let i = 0; i < key.length; i++) if (frame[at + i] !== key[i]) return false;
  return true;
}

/** Whether a frame carries events (ours: event/batch; the baselines: the raw event or an event message). */
export function isEventFrame(frame: Buffer): boolean {
  for (const prefix of EVENT_PREFIXES) if (bytesAt(frame, 0, prefix)) return true;
  return false;
}

const SEQ_KEY = Buffer.from('"seq":');
const OCCURRED_KEY = Buffer.from('"occurredAt":"');
/** A byte each key has once and JSON punctuation never has, found with memchr instead of stopping at every `"`. */
const SEQ_ANCHOR = 'q'.charCodeAt(0);
const SEQ_ANCHOR_AT = SEQ_KEY.indexOf(SEQ_ANCHOR);
const OCCURRED_ANCHOR = 'A'.charCodeAt(0);
const OCCURRED_ANCHOR_AT = OCCURRED_KEY.indexOf(OCCURRED_ANCHOR);

/** Where `key` starts at or after `from`, found through the position of its `anchor` byte; -1 if nowhere. */
function findKey(frame: Buffer, key: Buffer, anchor: number, anchorAt: number, from: number): number {
  for (let at = frame.indexOf(anchor, from + anchorAt); at !== -1; at = frame.indexOf(anchor, at + 1)) {
    if (bytesAt(frame, at - anchorAt, key)) return at - anchorAt;
  }
  return -1;
}

const digits = (frame: Buffer, at: number, count: number): number => {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = frame[i]! - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
};

/** Epoch ms of a `YYYY-MM-DDTHH:MM:SS.sssZ` timestamp (what `toISOString` writes) at `at`; NaN for anything else. */
export function isoMillisAt(frame: Buffer, at: number): number {
  if (frame[at + 10] !== 84 /* T */ || frame[at + 23] !== 90 /* Z */) return Number.NaN;
  return Date.UTC(
    digits(frame, at, 4),
    digits(frame, at + 5, 2) - 1,
    digits(frame, at + 8, 2),
    digits(frame, at + 11, 2),
    digits(frame, at + 14, 2),
    digits(frame, at + 17, 2),
    digits(frame, at + 20, 3),
  );
}

/**
 * Pulls each event's seq and occurredAt (epoch ms) out of an `event` or `batch` text frame without
 * JSON.parse: the client fleet shares one core with Redis and the publisher, and must not be the bottleneck.
 * Relies on the event JSON holding `"seq":` once per event and `occurredAt` after it (schema key order).
 */
export function scanEvents(frame: Buffer, withTime: boolean, onEvent: (seq: number, occurredAtMs: number) => void): void {
  let at = findKey(frame, SEQ_KEY, SEQ_ANCHOR, SEQ_ANCHOR_AT, 0);
  while (at !== -1) {
    let i = at + SEQ_KEY.length;
    let seq = 0;
    for (let c = frame[i]; c !== undefined && c >= 48 && c <= 57; c = frame[++i]) seq = seq * 10 + (c - 48);
    const occurred = withTime ? findKey(frame, OCCURRED_KEY, OCCURRED_ANCHOR, OCCURRED_ANCHOR_AT, i) : -1;
    onEvent(seq, occurred === -1 ? Number.NaN : isoMillisAt(frame, occurred + OCCURRED_KEY.length));
    at = findKey(frame, SEQ_KEY, SEQ_ANCHOR, SEQ_ANCHOR_AT, i);
  }
}
