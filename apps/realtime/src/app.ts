import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { RealtimeOptions } from './options.js';
import { liveFeedPlugin } from './plugins/live-feed.js';
import { metricsPlugin } from './plugins/metrics.js';
import { redisPlugin } from './plugins/redis.js';
import { chooseSubprotocol } from './protocol/format.js';
import { debugPageRoutes } from './routes/debug-page.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { wsRoutes } from './routes/ws.js';
import { closeGoingAway, refuseUpgrades } from './ws/going-away.js';
import { UpgradeGate } from './ws/upgrade-gate.js';
import { preFramedWritesSupported } from './ws/ws-internals.js';

export type { RealtimeOptions } from './options.js';

/** Error codes `ws` and the OS give for a peer that broke the protocol or vanished: routine, not failures. */
const ROUTINE_SOCKET_ERROR = /^(WS_ERR_|ECONNRESET$|EPIPE$|ETIMEDOUT$)/;

/** The realtime service, ready to `listen`; tests build it directly. `close()` shuts it down gracefully. */
export async function buildApp(options: RealtimeOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // A line per request would mostly be probes and scrapes; refused upgrades are logged at debug.
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (!preFramedWritesSupported) {
    app.log.warn('the installed ws no longer writes pre-built frames as ws-internals.ts expects; every frame goes through ws.send');
  }

  await app.register(redisPlugin, { url: options.redisUrl, instanceId: options.instanceId, commandTimeoutMs: options.redisCommandTimeoutMs });
  await app.register(liveFeedPlugin, options);
  await app.register(metricsPlugin, { instanceId: options.instanceId });

  const gate = new UpgradeGate({
    allowedOrigins: options.allowedOrigins,
    allowNoOrigin: options.allowNoOrigin,
    maxConnections: options.maxConnections,
    openConnections: () => app.liveFeed.hub.connections.size,
    feedStarted: () => app.liveFeed.sequencer.isStarted,
  });
  await app.register(websocket, {
    options: {
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: options.perMessageDeflate,
      handleProtocols: (offered) => chooseSubprotocol(offered),
    },
    preClose: async () => {
      const { clientStats } = app.liveFeed;
      refuseUpgrades(app.server, () => clientStats.count(clientStats.refusedUpgrades, 'shutting_down'));
      await closeGoingAway(app.websocketServer, options.shutdownGraceMs);
    },
    errorHandler: (error, socket, request) => {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (ROUTINE_SOCKET_ERROR.test(code)) {
        request.log.debug({ err: error }, 'websocket closed on a protocol or network error');
        return;
      }
      request.log.error({ err: error }, 'websocket handler failed');
      socket.terminate();
    },
  });

  await app.register(wsRoutes, { ...options, gate });
  await app.register(healthRoutes, { instanceId: options.instanceId });
  await app.register(metricsRoutes);
  await app.register(debugPageRoutes);
  return app;
}
