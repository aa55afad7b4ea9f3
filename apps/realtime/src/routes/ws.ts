import { PROTOCOL_VERSION, type Limits } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData } from 'ws';
import type { RealtimeOptions } from '../options.js';
import { deliveryOf } from '../protocol/delivery.js';
import { chooseSubprotocol, formatOf } from '../protocol/format.js';
import { Session, type SessionContext } from '../protocol/session.js';
import { closeGoingAway } from '../ws/going-away.js';
import { UpgradeGate } from '../ws/upgrade-gate.js';
import { UpgradeHandler } from '../ws/upgrade-handler.js';
import { WsTransport } from '../ws/ws-transport.js';

/** Stream reads per replay chunk; each chunk's matches go out as one batch frame. */
const REPLAY_CHUNK_SIZE = 500;

/** Socket errors `ws` and the OS give for a peer that broke the protocol or vanished: routine, not failures. */
const ROUTINE_SOCKET_ERROR = /^(WS_ERR_|ECONNRESET$|EPIPE$|ETIMEDOUT$)/;

/** GET /ws: admission before the handshake completes, then one Session per socket; going away on close. */
export async function wsRoutes(app: FastifyInstance, options: RealtimeOptions): Promise<void> {
  const { hub, replayStream, heartbeat, clientStats, sequencer } = app.liveFeed;
  const limits: Limits = {
    maxTopicsPerConnection: options.maxTopics,
    maxMessagesPerSecond: options.maxMessagesPerSecond,
    maxPayloadBytes: options.maxPayloadBytes,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
  };
  const logger = app.log as Logger;
  const sessionContext: SessionContext = {
    hub,
    stream: replayStream,
    limits,
    rateLimit: { maxPerSecond: options.maxMessagesPerSecond },
    sendBufferMaxBytes: options.sendBufferMaxBytes,
    replayMaxEvents: options.replayMaxEvents,
    replayChunkSize: REPLAY_CHUNK_SIZE,
    replayDrainTimeoutMs: options.heartbeatTimeoutMs,
    stats: clientStats,
    tokenKeys: options.tokenKeys,
    now: options.now ?? Date.now,
    logger,
  };
  const onSocketError = (error: Error & { code?: string }) => {
    // `ws` closes the connection itself on protocol errors (1002, 1007, 1009…) and on resets.
    if (ROUTINE_SOCKET_ERROR.test(error.code ?? '')) logger.debug({ err: error, code: error.code }, 'websocket closed on a protocol or network error');
    else logger.error({ err: error }, 'websocket failed');
  };

  const server = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: options.perMessageDeflate,
    handleProtocols: (offered) => chooseSubprotocol(offered),
  });
  const upgrades = new UpgradeHandler(app.server, {
    path: '/ws',
    server,
    gate: new UpgradeGate({
      allowedOrigins: options.allowedOrigins,
      allowNoOrigin: options.allowNoOrigin,
      allowSameHost: options.allowSameHostOrigin,
      maxConnections: options.maxConnections,
      openConnections: () => hub.connections.size,
      feedStarted: () => sequencer.isStarted,
    }),
    onRefused: (reason, request) => {
      clientStats.count(clientStats.refusedUpgrades, reason);
      logger.debug({ origin: request.headers.origin, url: request.url, reason }, 'websocket upgrade refused');
    },
    onConnection: (socket, request) => {
      const transport = new WsTransport(socket, formatOf(socket.protocol), options.heartbeatTimeoutMs);
      // The upgrade handler refused a URL with an unknown mode.
      const connection = hub.add(transport, deliveryOf(request.url) ?? 'all');
      const session = new Session(sessionContext, connection);
      socket.on('error', onSocketError);
      heartbeat.add(transport);
      socket.on('message', (data: RawData, isBinary: boolean) => {
        heartbeat.seen(transport);
        session.handleFrame(data as Buffer, isBinary);
      });
      socket.on('pong', () => heartbeat.seen(transport));
      socket.on('close', () => {
        session.close();
        hub.remove(connection);
        heartbeat.remove(transport);
      });
      transport.sendMessage({
        type: 'welcome',
        protocolVersion: PROTOCOL_VERSION,
        instanceId: options.instanceId,
        seq: hub.seq,
        ...(hub.epoch === undefined ? {} : { epoch: hub.epoch }),
        limits,
      });
    },
    onConnectionError: (error) => logger.error({ err: error }, 'setting up a websocket connection failed'),
  });

  app.addHook('preClose', async () => {
    upgrades.refuseAll();
    await closeGoingAway(server, options.shutdownGraceMs);
  });
}
