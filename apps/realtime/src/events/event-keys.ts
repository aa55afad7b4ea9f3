/**
 * Where the API's outbox relay writes events under namespace `prefix` (env REDIS_PREFIX): each event is
 * `XADD <prefix>:events MAXLEN ~ N <seq>-0 e <json>` then `PUBLISH <prefix>:events <json>`.
 */
export function eventKeys(prefix: string): { stream: string; channel: string } {
  const name = `${prefix}:events`;
  return { stream: name, channel: name };
}

/** The field of a stream entry that holds the event JSON. */
export const EVENT_FIELD = 'e';

export function streamId(seq: number): string {
  return `${seq}-0`;
}

export function seqOfStreamId(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash === -1 ? id : id.slice(0, dash));
}
