import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { parseForwardedFor } from './forwarded-chain';

/**
 * Next.js 16's server sets `x-forwarded-for` to the TCP peer only when the request carries none
 * (base-server: `req.headers['x-forwarded-for'] ??= socket.remoteAddress`): a header the browser sent
 * passes through as it is and the peer is not appended, so a page or an action cannot tell a claim
 * from the truth. This records, for every request, the claimed chain with the real peer appended, in
 * a header of its own marked with a secret of this process; a request that did not pass here (one
 * that arrived before start-up finished, or a browser's imitation) has no valid mark and no address.
 */
export const PEER_CHAIN_HEADER = 'x-livecart-peer-chain';

const MARK = Symbol.for('livecart.client-address.mark');
type Holder = { [MARK]?: string };

/** This process's mark, shared by the start-up code and the server bundle through globalThis. */
export function peerChainMark(): string | undefined {
  return (globalThis as Holder)[MARK];
}

/**
 * Subscribes to Node's `http.server.request.start` channel, which fires for each request before any
 * listener of the server sees it; idempotent.
 */
export function trackPeerChains(): void {
  const holder = globalThis as Holder;
  if (holder[MARK] !== undefined) return;
  const mark = randomBytes(18).toString('base64url');
  holder[MARK] = mark;
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    const claimed = request.headers['x-forwarded-for'];
    const chain = [...parseForwardedFor(Array.isArray(claimed) ? claimed.join(',') : claimed), socket.remoteAddress ?? ''];
    request.headers[PEER_CHAIN_HEADER] = `${mark} ${chain.join(', ')}`;
  });
}

/** The chain a request's marked header carries, or undefined if the mark is missing or wrong. */
export function readPeerChain(value: string | null, mark: string | undefined): string[] | undefined {
  if (value === null || mark === undefined) return undefined;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space) !== mark) return undefined;
  return parseForwardedFor(value.slice(space + 1));
}
