import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { DELIVERY_MODES, DELIVERY_PARAM } from '@livecart/schemas';
import type { RefusedUpgradeReason } from '../protocol/client-stats.js';
import { deliveryOf } from '../protocol/delivery.js';
import type { UpgradeGate } from './upgrade-gate.js';

const REFUSALS: Record<RefusedUpgradeReason, { statusCode: number; message: string }> = {
  origin: { statusCode: 403, message: 'this Origin may not open a socket here' },
  capacity: { statusCode: 503, message: 'this instance is full; try another' },
  not_ready: { statusCode: 503, message: 'this instance has not joined the event feed yet' },
  shutting_down: { statusCode: 503, message: 'this instance is shutting down; try another' },
  not_found: { statusCode: 404, message: 'no WebSocket endpoint here; use /ws' },
  bad_delivery: { statusCode: 400, message: `the ${DELIVERY_PARAM} query parameter must be one of: ${DELIVERY_MODES.join(', ')}` },
};

/** The HTTP answer to a refused upgrade: the error envelope every other 4xx/5xx carries, then hang up. */
export function refusalResponse(refusal: RefusedUpgradeReason): string {
  const { statusCode, message } = REFUSALS[refusal];
  const error = STATUS_CODES[statusCode] ?? 'Error';
  const body = JSON.stringify({ statusCode, error, message });
  return (
    `HTTP/1.1 ${statusCode} ${error}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export interface UpgradeHandlerOptions {
  /** The one path that speaks WebSocket. */
  path: string;
  /** A `noServer` server: it completes the handshakes this handler lets through. */
  server: WebSocketServer;
  gate: UpgradeGate;
  onRefused: (refusal: RefusedUpgradeReason, request: IncomingMessage) => void;
  onConnection: (socket: WebSocket, request: IncomingMessage) => void;
  /** `onConnection` threw: the socket has been cut off. */
  onConnectionError: (error: unknown) => void;
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * Takes every HTTP upgrade request of an HTTP server: admits it through the gate before the handshake,
 * then hands it to `ws`, or answers it with an error and hangs up. Nothing of the HTTP request outlives
 * the handshake: no response object, router context or logger is tied to the socket.
 */
export class UpgradeHandler {
  private refusingAll = false;

  constructor(
    httpServer: Server,
    private readonly options: UpgradeHandlerOptions,
  ) {
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  /** From now on every upgrade is answered 503 (shutdown): an open socket would hold the server's close up. */
  refuseAll(): void {
    this.refusingAll = true;
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.check(request);
    if (refusal === undefined) {
      this.options.server.handleUpgrade(request, socket, head, (webSocket) => {
        this.options.gate.settle(request);
        try {
          this.options.onConnection(webSocket, request);
        } catch (error) {
          // Thrown from inside the HTTP server's upgrade event, it would take the process down.
          webSocket.terminate();
          this.options.onConnectionError(error);
        }
      });
      return;
    }
    this.options.onRefused(refusal, request);
    // Node takes its own error listener off a socket before handing it over as an upgrade.
    socket.on('error', destroyOnError);
    socket.end(refusalResponse(refusal));
  }

  private check(request: IncomingMessage): RefusedUpgradeReason | undefined {
    if (this.refusingAll) return 'shutting_down';
    const url = request.url ?? '';
    const query = url.indexOf('?');
    if ((query === -1 ? url : url.slice(0, query)) !== this.options.path) return 'not_found';
    if (deliveryOf(url) === undefined) return 'bad_delivery';
    const verdict = this.options.gate.admit(request);
    return verdict === 'ok' ? undefined : verdict;
  }
}
