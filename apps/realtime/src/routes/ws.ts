import { PROTOCOL_VERSION, type Limits } from '@livecart/schemas';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import type { RealtimeOptions } from '../options.js';
import { formatOf } from '../protocol/format.js';
import { Session, type SessionContext } from '../protocol/session.js';
import type { UpgradeGate } from '../ws/upgrade-gate.js';
import { WsTransport } from '../ws/ws-transport.js';

/** Stream reads per replay chunk; each chunk's matches go out as one batch frame. */
const REPLAY_CHUNK_SIZE = 500;

const REFUSALS = {
  origin: { statusCode: 403, error: 'Forbidden', message: 'this Origin may not open a socket here' },
  capacity: { statusCode: 503, error: 'Service Unavailable', message: 'this instance is full; try another' },
  not_ready: { statusCode: 503, error: 'Service Unavailable', message: 'this instance has not joined the event feed yet' },
} as const;

/** GET /ws: admission before the handshake completes, then one Session per socket. */
export async function wsRoutes(app: FastifyInstance, options: RealtimeOptions & { gate: UpgradeGate }): Promise<void> {
  const { hub, stream, heartbeat, clientStats } = app.liveFeed;
  const { gate } = options;
  const limits: Limits = {
    maxTopicsPerConnection: options.maxTopics,
    maxMessagesPerSecond: options.maxMessagesPerSecond,
    maxPayloadBytes: options.maxPayloadBytes,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
  };
  const logger = app.log as Logger;
  const sessionContext: SessionContext = {
    hub,
    stream,
    limits,
    rateLimit: { maxPerSecond: options.maxMessagesPerSecond },
    sendBufferMaxBytes: options.sendBufferMaxBytes,
    replayMaxEvents: options.replayMaxEvents,
    replayChunkSize: REPLAY_CHUNK_SIZE,
    replayDrainTimeoutMs: options.heartbeatTimeoutMs,
    stats: clientStats,
    logger,
  };
  /** The HTTP response object of each admitted upgrade, until its socket becomes a WebSocket. */
  const upgradeResponses = new WeakMap<IncomingMessage, ServerResponse>();
  const onSocketError = (error: Error & { code?: string }) => {
    // `ws` closes the connection itself on protocol errors (1002, 1007, 1009…) and on resets.
    logger.debug({ err: error, code: error.code }, 'websocket error');
  };

  app.get(
    '/ws',
    {
      websocket: true,
      onRequest: async (request, reply) => {
        if (!request.ws) return;
        const verdict = gate.admit(request.raw);
        if (verdict === 'ok') {
          upgradeResponses.set(request.raw, reply.raw);
          return;
        }
        clientStats.count(clientStats.refusedUpgrades, verdict);
        request.log.debug({ origin: request.headers.origin, verdict }, 'websocket upgrade refused');
        const refusal = REFUSALS[verdict];
        return reply.code(refusal.statusCode).header('connection', 'close').send(refusal);
      },
    },
    (socket, request) => {
      gate.settle(request.raw);
      // The socket still points at the hijacked HTTP response, and through it at the request, reply and
      // their logger: kilobytes per connection for nothing once it speaks WebSocket.
      upgradeResponses.get(request.raw)?.detachSocket(request.raw.socket);
      const transport = new WsTransport(socket, formatOf(socket.protocol), options.heartbeatTimeoutMs);
      const connection = hub.add(transport);
      const session = new Session(sessionContext, connection);
      // Likewise @fastify/websocket's own error listener, which holds the request and reply.
      socket.removeAllListeners('error');
      socket.on('error', onSocketError);
      heartbeat.add(transport);
      socket.on('message', (data: RawData, isBinary: boolean) => {
        heartbeat.seen(transport);
        session.handleFrame(data as Buffer, isBinary);
      });
      socket.on('pong', () => heartbeat.seen(transport));
      socket.on('close', () => {
        hub.remove(connection);
        heartbeat.remove(transport);
      });
      transport.sendMessage({
        type: 'welcome',
        protocolVersion: PROTOCOL_VERSION,
        instanceId: options.instanceId,
        seq: hub.seq,
        limits,
      });
    },
  );
}
