import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers a request before Fastify sees it and returns true, or returns false to hand it to Fastify. */
export type FastLaneHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The slot between Node's HTTP server and Fastify's router (see createHttpServerFactory). The server is
 * made before any plugin exists, so the handler is installed later, by the route it speeds up, and
 * removed when the app starts closing: from then on every request meets Fastify's 503-on-close.
 */
export class FastLane {
  private handler: FastLaneHandler | undefined;

  install(handler: FastLaneHandler): void {
    if (this.handler !== undefined) throw new Error('a fast lane handler is installed already');
    this.handler = handler;
  }

  clear(): void {
    this.handler = undefined;
  }

  serve(request: IncomingMessage, response: ServerResponse): boolean {
    return this.handler !== undefined && this.handler(request, response);
  }
}
