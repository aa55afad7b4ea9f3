import { EVENT_FIELD, eventKeys, streamEntryId, type EventKeys } from '@livecart/schemas/transport';
import { Redis } from 'ioredis';

/** Writes events as the API's outbox relay does: XADD to the capped stream, then PUBLISH. */
export class BenchPublisher {
  private readonly redis: Redis;
  private readonly keys: EventKeys;
  seq = 0;

  constructor(redisUrl: string, prefix: string) {
    this.redis = new Redis(redisUrl);
    this.keys = eventKeys({ prefix });
  }

  /** Pipelines one XADD + PUBLISH per event JSON (built by `make` for each new seq). */
  async publish(count: number, make: (seq: number) => string): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    const seqs: number[] = [];
    for (let i = 0; i < count; i++) {
      const seq = ++this.seq;
      const json = make(seq);
      pipeline.xadd(this.keys.stream, 'MAXLEN', '~', 100_000, streamEntryId({ seq }), EVENT_FIELD, json).publish(this.keys.channel, json);
      seqs.push(seq);
    }
    await pipeline.exec();
    return seqs;
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
