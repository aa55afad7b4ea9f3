import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/*
 * Every use the API makes of Node's private API, in one place, each with its reason. Node has no public
 * way to do either; node-internals.test.ts checks each assumption on the Node the workspace pins
 * (pnpm-workspace.yaml), so a Node upgrade that breaks one fails there first.
 */

/**
 * Whether an answer has begun on this socket, so that bytes written to it now would land inside that
 * answer's body. A `clientError` listener gets only the socket; Node's own refusal checks the same
 * thing (lib/_http_server.js, socketOnError) through `socket._httpMessage`, the response being written.
 */
export function answerUnderway(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
}

/**
 * Makes `close` run instead of Node's own closing when Node's HTTP server ends this connection after an
 * answer with `Connection: close` (resOnFinish calls `socket.destroySoon()`, which destroys the socket as
 * soon as its answer is flushed, unread request bytes and all). There is no public hook between the
 * answer's end and that destroy, and the alternative, letting Node read a refused body whole, reads
 * whatever a client declares.
 */
export function replaceFinalClose(socket: Socket, close: () => void): void {
  (socket as Socket & { destroySoon: () => void }).destroySoon = close;
}
