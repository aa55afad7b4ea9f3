import { EPOCH_FIELDS, EVENT_FIELD } from '@livecart/schemas/transport';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Appends a batch of events to the stream and publishes them, in one atomic step, only if the stream still
 * holds the relay's epoch and nothing at or above the batch's first seq. Anything else is left for the
 * relay to judge (a re-publish after a crash, or a history that went back), never silently skipped.
 *
 * KEYS: stream, epoch record. ARGV: epoch, MAXLEN, channel, then seq and event JSON for each event, in
 * ascending seq order. Returns ['ok', ''], ['epoch', <the record's id or ''>] or ['conflict', <top seq>].
 */
const PUBLISH_EVENTS = `
local current = redis.call('HGET', KEYS[2], '${EPOCH_FIELDS.id}')
if current ~= ARGV[1] then return {'epoch', current or ''} end
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if top then
  local topSeq = tonumber(string.match(top[1], '^(%d+)-'))
  if topSeq >= tonumber(ARGV[4]) then return {'conflict', tostring(topSeq)} end
end
for i = 4, #ARGV, 2 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[i] .. '-0', '${EVENT_FIELD}', ARGV[i + 1])
  redis.call('PUBLISH', ARGV[3], ARGV[i + 1])
end
return {'ok', ''}`;

export type PublishOutcome = { kind: 'ok' } | { kind: 'epoch'; streamEpoch: string | undefined } | { kind: 'conflict'; topSeq: number };

export interface PublishBatch {
  stream: string;
  epochKey: string;
  channel: string;
  epoch: string;
  maxLen: number;
  /** Ascending by seq, non-empty. */
  events: readonly { seq: number; json: string }[];
}

/** Queues the script on `pipeline`; read its reply with `publishOutcome`. */
export function queuePublishEvents(pipeline: ChainableCommander, batch: PublishBatch): void {
  const args: (string | number)[] = [batch.epoch, batch.maxLen, batch.channel];
  for (const { seq, json } of batch.events) args.push(seq, json);
  pipeline.eval(PUBLISH_EVENTS, 2, batch.stream, batch.epochKey, ...args);
}

export function publishOutcome(reply: unknown): PublishOutcome {
  const [kind, value] = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (kind === 'ok') return { kind };
  if (kind === 'epoch') return { kind, streamEpoch: value === '' || typeof value !== 'string' ? undefined : value };
  if (kind === 'conflict') return { kind, topSeq: Number(value) };
  throw new Error(`unexpected reply from the publish script: ${JSON.stringify(reply).slice(0, 200)}`);
}

/** Replaces the stream by an empty one of a new epoch, whose events follow `base`, in one step. */
export async function beginStreamEpoch(redis: Redis, keys: { stream: string; epochKey: string }, epoch: string, base: number): Promise<void> {
  const results = await redis
    .multi()
    .del(keys.stream)
    .del(keys.epochKey)
    .hset(keys.epochKey, EPOCH_FIELDS.id, epoch, EPOCH_FIELDS.base, base)
    .exec();
  for (const [error] of results ?? []) if (error !== null) throw error;
}

/** Records `epoch` as the stream's when it has no record yet (a stream written before epochs existed). */
export async function adoptStreamEpoch(redis: Redis, epochKey: string, epoch: string): Promise<void> {
  const results = await redis.multi().hsetnx(epochKey, EPOCH_FIELDS.id, epoch).hsetnx(epochKey, EPOCH_FIELDS.base, 0).exec();
  for (const [error] of results ?? []) if (error !== null) throw error;
}
