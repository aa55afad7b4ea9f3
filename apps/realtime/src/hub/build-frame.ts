import type { LiveEvent } from '../events/live-event.js';
import { encodeBatch, type OutgoingFrame } from '../protocol/frames.js';
import type { Format } from '../protocol/format.js';

/** One `event` frame for a single event, one `batch` frame for several, from each event's encoded bytes. */
export function buildFrame(format: Format, events: readonly LiveEvent[]): OutgoingFrame {
  if (events.length === 1) return events[0]!.encoded(format);
  return encodeBatch(
    format,
    events.map((event) => event.encoded(format).payload),
  );
}

function sameEvents(a: readonly LiveEvent[], b: readonly LiveEvent[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Remembers the last batch built per format within one flush: when a burst hits a popular topic, its
 * subscribers queue the very same events, and they then share one batch frame instead of one each.
 */
export class BatchFrameCache {
  private readonly last = new Map<Format, { events: readonly LiveEvent[]; frame: OutgoingFrame }>();

  frame(format: Format, events: readonly LiveEvent[]): OutgoingFrame {
    if (events.length === 1) return events[0]!.encoded(format);
    const previous = this.last.get(format);
    if (previous !== undefined && sameEvents(previous.events, events)) return previous.frame;
    const frame = buildFrame(format, events);
    this.last.set(format, { events, frame });
    return frame;
  }
}
