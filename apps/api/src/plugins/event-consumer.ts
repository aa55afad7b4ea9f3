import { eventKeys } from '@livecart/schemas/transport';
import fp from 'fastify-plugin';
import { EventConsumer } from '../events/event-consumer.js';

declare module 'fastify' {
  interface FastifyInstance {
    events: EventConsumer;
  }
}

export interface EventConsumerPluginOptions {
  prefix: string;
  /** How long startup waits for the event stream before serving with L1 off. */
  startupWaitMs: number;
}

export default fp<EventConsumerPluginOptions>(
  async (fastify, options) => {
    // Its commands may wait for a reconnect (unlike the request path's); EventConsumer re-subscribes on every 'ready'.
    const subscriber = fastify.createRedis({
      enableOfflineQueue: true,
      autoResubscribe: false,
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
      connectionName: eventKeys({ prefix: options.prefix }).channel,
    });
    const { productCache, soldOut } = fastify;
    const consumer = new EventConsumer({
      subscriber,
      reader: fastify.redis,
      prefix: options.prefix,
      // What the events keep coherent: L1 (each event's product dropped) and the sold-out board (each
      // product event's stock noted), both emptied and switched off together.
      cache: {
        apply(head) {
          productCache.invalidate(head.subjectId);
          soldOut.noteEvent(head.type, head.body.data);
        },
        clear() {
          productCache.clear();
          soldOut.clear();
        },
        setL1Enabled(enabled) {
          productCache.setL1Enabled(enabled);
          soldOut.setEnabled(enabled);
        },
      },
      log: fastify.log.child({ component: 'event-consumer' }),
    });
    fastify.decorate('events', consumer);
    // The first sync (a connection and two round trips to Redis) runs while the rest of the app registers;
    // the app is ready once it is done (or has waited startupWaitMs), as before.
    const synced = consumer.start(options.startupWaitMs);
    fastify.addHook('onReady', async () => synced);
  },
  { name: 'event-consumer', dependencies: ['redis', 'cache'] },
);
