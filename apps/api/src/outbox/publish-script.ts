import { EPOCH_FIELDS, EVENT_FIELD, serializeEpochNotice } from '@livecart/schemas/transport';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Every script below first checks the relay's lease generation against the one the epoch record keeps
 * (the highest that wrote to this stream) and refuses a lower one: a relay frozen past its lease, which
 * another instance took over, cannot write when it wakes, even before it learns that it lost the lease.
 * Generations count takeovers of one database's history, so they are compared only while the record
 * names the epoch the relay writes in (`epochArg`): another database's record is for the epoch rules.
 */
function fence(epochArg: string): string {
  return `
local recorded = redis.call('HGET', KEYS[2], '${EPOCH_FIELDS.id}')
local generation = 0
if recorded == ${epochArg} then generation = tonumber(redis.call('HGET', KEYS[2], '${EPOCH_FIELDS.generation}') or '0') end
if generation > tonumber(ARGV[2]) then return {'fenced', tostring(generation)} end`;
}

/**
 * Appends a batch of events to the stream and publishes them, in one atomic step, only if the relay's
 * generation is current, the stream still holds the relay's epoch and nothing at or above the batch's
 * first seq. Anything else is left for the relay to judge (a lost lease, a re-publish after a crash, or a
 * history that went back), never silently skipped.
 *
 * KEYS: stream, epoch record. ARGV: epoch, generation, MAXLEN, channel, then seq and event JSON for each
 * event, in ascending seq order. Returns ['ok', ''], ['fenced', <the record's generation>],
 * ['epoch', <the record's id or ''>] or ['conflict', <top seq>].
 */
const PUBLISH_EVENTS = `${fence('ARGV[1]')}
if recorded ~= ARGV[1] then return {'epoch', recorded or ''} end
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if top then
  local topSeq = tonumber(string.match(top[1], '^(%d+)-'))
  if topSeq >= tonumber(ARGV[5]) then return {'conflict', tostring(topSeq)} end
end
if generation < tonumber(ARGV[2]) then redis.call('HSET', KEYS[2], '${EPOCH_FIELDS.generation}', ARGV[2]) end
for i = 5, #ARGV, 2 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], ARGV[i] .. '-0', '${EVENT_FIELD}', ARGV[i + 1])
  redis.call('PUBLISH', ARGV[4], ARGV[i + 1])
end
return {'ok', ''}`;

/**
 * Replaces the stream by an empty one of a new epoch, whose events follow `base`, unless fenced in the
 * epoch it replaces, and announces it on the channel. KEYS: stream, epoch record. ARGV: new epoch,
 * generation, base, previous epoch, channel, the epoch notice.
 */
const BEGIN_EPOCH = `${fence('ARGV[4]')}
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], '${EPOCH_FIELDS.id}', ARGV[1], '${EPOCH_FIELDS.base}', ARGV[3], '${EPOCH_FIELDS.generation}', ARGV[2])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {'ok', ''}`;

/**
 * Raises the record's generation to the relay's when it takes the lease over, so the previous holder is
 * refused from now on, not only once the new one publishes. A record of another epoch (or none) is left
 * alone: the first publish judges it. KEYS: stream, epoch record. ARGV: epoch, generation.
 */
const CLAIM = `${fence('ARGV[1]')}
if recorded == ARGV[1] then redis.call('HSET', KEYS[2], '${EPOCH_FIELDS.generation}', ARGV[2]) end
return {'ok', ''}`;

export type PublishOutcome =
  | { kind: 'ok' }
  | { kind: 'fenced'; generation: number }
  | { kind: 'epoch'; streamEpoch: string | undefined }
  | { kind: 'conflict'; topSeq: number };

export interface StreamKeys {
  stream: string;
  epochKey: string;
}

export interface PublishBatch extends StreamKeys {
  channel: string;
  epoch: string;
  /** The relay's lease generation (its fencing token). */
  generation: number;
  maxLen: number;
  /** Ascending by seq, non-empty. */
  events: readonly { seq: number; json: string }[];
}

/** Queues the script on `pipeline`; read its reply with `publishOutcome`. */
export function queuePublishEvents(pipeline: ChainableCommander, batch: PublishBatch): void {
  const args: (string | number)[] = [batch.epoch, batch.generation, batch.maxLen, batch.channel];
  for (const { seq, json } of batch.events) args.push(seq, json);
  pipeline.eval(PUBLISH_EVENTS, 2, batch.stream, batch.epochKey, ...args);
}

export function publishOutcome(reply: unknown): PublishOutcome {
  const [kind, value] = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (kind === 'ok') return { kind };
  if (kind === 'fenced') return { kind, generation: Number(value) };
  if (kind === 'epoch') return { kind, streamEpoch: value === '' || typeof value !== 'string' ? undefined : value };
  if (kind === 'conflict') return { kind, topSeq: Number(value) };
  throw new Error(`unexpected reply from the publish script: ${JSON.stringify(reply).slice(0, 200)}`);
}

/**
 * Replaces the stream by an empty one of epoch `next.epoch`, whose events follow `next.base`, and
 * announces it on `channel`, in one step; false when a newer generation wrote to the stream in
 * `previousEpoch`.
 */
export async function beginStreamEpoch(
  redis: Redis,
  keys: StreamKeys & { channel: string },
  next: { epoch: string; base: number; previousEpoch: string },
  generation: number,
): Promise<boolean> {
  const notice = serializeEpochNotice({ id: next.epoch, base: next.base });
  const reply = await redis.eval(BEGIN_EPOCH, 2, keys.stream, keys.epochKey, next.epoch, generation, next.base, next.previousEpoch, keys.channel, notice);
  return publishOutcome(reply).kind === 'ok';
}

/** Fences off the previous lease holders on this stream; false when a newer generation already wrote to it. */
export async function claimStream(redis: Redis, keys: StreamKeys, epoch: string, generation: number): Promise<boolean> {
  const reply = await redis.eval(CLAIM, 2, keys.stream, keys.epochKey, epoch, generation);
  return publishOutcome(reply).kind === 'ok';
}

/** Records `epoch` as the stream's when it has no record yet (a stream written before epochs existed). */
export async function adoptStreamEpoch(redis: Redis, epochKey: string, epoch: string): Promise<void> {
  const results = await redis.multi().hsetnx(epochKey, EPOCH_FIELDS.id, epoch).hsetnx(epochKey, EPOCH_FIELDS.base, 0).exec();
  for (const [error] of results ?? []) if (error !== null) throw error;
}
