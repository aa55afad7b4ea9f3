import type { EventStream } from '../events/event-stream.js';
import type { LiveEvent } from '../events/live-event.js';

export interface ReplayRequest {
  stream: EventStream;
  /** The last seq the client applied. */
  since: number;
  /** The newest seq already published live; newer ones reach the client through the live feed. */
  upTo: number;
  topics: ReadonlySet<string>;
  /** Topics the connection already followed, with the seq after which it got them: never sent twice. */
  alreadyFollowed: ReadonlyMap<string, number>;
  /** A resume further back than this gets `reset`: a replay that long costs more than a snapshot. */
  maxEvents: number;
  chunkSize: number;
  /**
   * Which of a chunk's matching events to send, in seq order: every one by default; for a `latest`
   * connection each subject's newest state (newestStates), as its live writes are.
   */
  select?: (events: readonly LiveEvent[]) => readonly LiveEvent[];
  /** Writes one chunk's selected events; resolves when the client can take more. */
  send: (events: readonly LiveEvent[]) => Promise<void>;
}

/** `count`: events sent; `skipped`: matching events `select` left out (a newer state of theirs was sent). */
export type ReplayOutcome = { kind: 'replayed'; count: number; skipped: number } | { kind: 'reset' };

function wanted(event: LiveEvent, request: ReplayRequest): boolean {
  let matches = false;
  for (const topic of event.topics) {
    const followedFrom = request.alreadyFollowed.get(topic);
    if (followedFrom !== undefined && event.seq > followedFrom) return false;
    if (request.topics.has(topic)) matches = true;
  }
  return matches;
}

/**
 * Sends, in seq order and in chunks, the events after `since` up to `upTo` that carry one of `topics`
 * (of each chunk, those `select` keeps).
 * Gives `reset` when the stream no longer holds the start of that range (trimmed by MAXLEN) or when the
 * range is longer than `maxEvents`.
 */
export async function replayEvents(request: ReplayRequest): Promise<ReplayOutcome> {
  const { stream, since, upTo } = request;
  if (upTo <= since) return { kind: 'replayed', count: 0, skipped: 0 };
  if (upTo - since > request.maxEvents) return { kind: 'reset' };
  let cursor: number | null = since + 1;
  let count = 0;
  let skipped = 0;
  while (cursor !== null) {
    const page = await stream.range(cursor, upTo, request.chunkSize);
    const first = page.events[0];
    if (first === undefined || first.seq > cursor) {
      // Seqs are gapless, so a missing start means trimmed history, unless it predates the stream.
      const oldest = await stream.firstSeq();
      if (oldest === null || oldest > cursor) return { kind: 'reset' };
    }
    const matching = page.events.filter((event) => wanted(event, request));
    const selected = request.select === undefined || matching.length < 2 ? matching : request.select(matching);
    if (selected.length > 0) {
      await request.send(selected);
      count += selected.length;
    }
    skipped += matching.length - selected.length;
    cursor = page.next;
  }
  return { kind: 'replayed', count, skipped };
}
