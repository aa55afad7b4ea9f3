import type { Product } from '@livecart/schemas';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Writes a value only if the stored one is older (lower version), so a slow loader holding an old row
 * can never overwrite what the relay wrote after a change. Values are `<version>|<product JSON>`;
 * `<version>|` is a deletion tombstone.
 */
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local sep = string.find(current, '|', 1, true)
  if sep and tonumber(string.sub(current, 1, sep - 1)) >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
return 1`;

export type L2Entry = { version: number; product: Product | null };

export class L2Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  /** The same entries through another connection (the relay's, whose commands may take longer). */
  through(redis: Redis): L2Store {
    return new L2Store(redis, this.prefix, this.ttlMs);
  }

  key(id: string): string {
    return `${this.prefix}:product:${id}`;
  }

  async get(id: string): Promise<L2Entry | undefined> {
    const raw = await this.redis.get(this.key(id));
    if (raw === null) return undefined;
    const sep = raw.indexOf('|');
    const version = Number(raw.slice(0, sep));
    const body = raw.slice(sep + 1);
    return { version, product: body === '' ? null : (JSON.parse(body) as Product) };
  }

  async setIfNewer(id: string, version: number, product: Product | null): Promise<void> {
    await this.redis.eval(SET_IF_NEWER, 1, this.key(id), version, product === null ? '' : JSON.stringify(product), this.ttlMs);
  }

  /**
   * Drops every product entry. Versions only order the states of one history: after the event history
   * went back (a new epoch), an entry may hold a higher version than the database's current row.
   */
  async clear(): Promise<void> {
    for await (const keys of this.redis.scanStream({ match: this.key('*'), count: 1_000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await this.redis.unlink(...keys);
    }
  }

  /** The same write, queued on a pipeline (the relay writes the new state before publishing the event). */
  queueSetIfNewer(pipeline: ChainableCommander, id: string, version: number, product: Product | null): void {
    pipeline.eval(SET_IF_NEWER, 1, this.key(id), version, product === null ? '' : JSON.stringify(product), this.ttlMs);
  }
}
