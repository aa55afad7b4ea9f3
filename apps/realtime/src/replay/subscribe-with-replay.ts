import type { EventStream } from '../events/event-stream.js';
import type { LiveEvent } from '../events/live-event.js';
import { buildFrame } from '../hub/build-frame.js';
import { newestStates } from '../hub/client-writer.js';
import type { Connection } from '../hub/connection.js';
import type { Hub } from '../hub/hub.js';
import { replayEvents } from './replay-events.js';
import { NotWritableError, waitWritable } from './wait-writable.js';

export interface SubscribeWithReplayOptions {
  hub: Hub;
  connection: Connection;
  stream: EventStream;
  replayMaxEvents: number;
  replayChunkSize: number;
  /** A replay waits for the socket to drain below this before writing the next chunk. */
  sendBufferMaxBytes: number;
  /** How long a replay waits for a client that does not read before giving up on it. */
  drainTimeoutMs: number;
  onReplayError: (error: unknown) => void;
}

export interface SubscribeResult {
  topics: string[];
  /** Events with a greater seq reach these topics live. */
  seq: number;
  replayed: number;
  /** Set when the missed events could not be replayed: the client must refetch a snapshot. */
  reset?: 'history_trimmed' | 'replay_failed' | 'epoch_changed';
}

/**
 * Subscribes `topics` and, with `since`, first replays what the client missed: live events for the
 * connection are held (the hub pauses it) from the instant the topics join the index, the stream is read
 * up to the last seq published before that instant, and the held events follow — no gap, no duplicate.
 * `announce` is called between the replay and the live events (to send `subscribed`, and `reset`).
 * Rejects with NotWritableError when the client stops reading its replay.
 */
export async function subscribeWithReplay(
  options: SubscribeWithReplayOptions,
  topics: string[],
  since: number | undefined,
  announce: (result: SubscribeResult) => void,
): Promise<SubscribeResult> {
  const { hub, connection } = options;
  const upTo = hub.seq;
  if (since === undefined || since >= upTo) {
    const from = since ?? upTo;
    hub.subscribe(connection, topics, from);
    const result = { topics, seq: from, replayed: 0 };
    announce(result);
    return result;
  }

  const alreadyFollowed = new Map(connection.topics);
  hub.pause(connection);
  hub.subscribe(connection, topics, since);
  const { transport } = connection;
  let result: SubscribeResult;
  try {
    const outcome = await replayEvents({
      stream: options.stream,
      since,
      upTo,
      topics: new Set(topics),
      alreadyFollowed,
      maxEvents: options.replayMaxEvents,
      chunkSize: options.replayChunkSize,
      // State, not history, for a `latest` connection, as live: a resume after a busy minute gets each
      // subject's last state of each chunk, not every step of it.
      ...(connection.delivery === 'latest' ? { select: (events: readonly LiveEvent[]) => newestStates(events, connection.topics) } : {}),
      send: async (events) => {
        if (connection.closed) throw new NotWritableError('connection closed');
        transport.send(buildFrame(transport.format, events));
        await waitWritable({
          bufferedAmount: () => transport.bufferedAmount,
          closed: () => connection.closed,
          maxBytes: options.sendBufferMaxBytes,
          timeoutMs: options.drainTimeoutMs,
        });
      },
    });
    if (outcome.kind === 'replayed') hub.stats.coalesced += outcome.skipped;
    result =
      outcome.kind === 'replayed'
        ? { topics, seq: upTo, replayed: outcome.count }
        : { topics, seq: upTo, replayed: 0, reset: 'history_trimmed' };
  } catch (error) {
    if (error instanceof NotWritableError) throw error;
    options.onReplayError(error);
    result = { topics, seq: upTo, replayed: 0, reset: 'replay_failed' };
  }
  if (result.reset !== undefined) {
    // Nothing up to `upTo` was delivered for the new topics: later replays must not assume it was.
    for (const topic of topics) if (!alreadyFollowed.has(topic)) connection.follow(topic, upTo);
  }
  announce(result);
  hub.resume(connection);
  return result;
}
