import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { loggableUrl } from './loggable-url.js';

/** Answers a request before Fastify sees it and returns true, or returns false to hand it to Fastify. */
export type LaneHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The slot between Node's HTTP server and Fastify's router (see server-factory.ts). The server is made
 * before any plugin exists, so a handler is installed later, by the plugin it belongs to, which clears
 * it when the app starts closing: from then on every request meets Fastify's 503-on-close.
 *
 * A handler that throws never takes the process down: if it had sent nothing yet, the error is logged and
 * Fastify answers the request as if the handler had declined it; if its answer had begun, the error is
 * logged and the connection closed, since nothing can be said on it any more.
 */
export class ServerLane {
  private handler: LaneHandler | undefined;
  private log: FastifyBaseLogger | undefined;

  install(handler: LaneHandler, log: FastifyBaseLogger): void {
    if (this.handler !== undefined) throw new Error('a lane handler is installed already');
    this.handler = handler;
    this.log = log;
  }

  clear(): void {
    this.handler = undefined;
  }

  serve(request: IncomingMessage, response: ServerResponse): boolean {
    const handler = this.handler;
    if (handler === undefined) return false;
    try {
      return handler(request, response);
    } catch (error) {
      const started = response.headersSent;
      this.log?.error({ err: error, method: request.method, url: loggableUrl(request.url ?? '') }, started ? 'the lane failed mid-answer; connection closed' : 'the lane failed; Fastify answers instead');
      if (!started) return false;
      request.socket.destroy();
      return true;
    }
  }
}
