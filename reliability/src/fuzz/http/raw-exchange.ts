import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { parseResponses, type RawResponse } from './raw-response-parser.js';

/** Bytes to write, or a pause in milliseconds between writes. */
export type RawStep = Buffer | string | number;

export interface RawExchangeOptions {
  host: string;
  port: number;
  steps: readonly RawStep[];
  /** Resolve once this many complete responses arrived (default 1); 0 waits for the close or the timeout. */
  responses?: number;
  /** How long to wait for them after the last write; the connection is then dropped. */
  timeoutMs: number;
  /** The request was HEAD: responses carry no body. */
  head?: boolean;
}

export interface RawExchange {
  responses: RawResponse[];
  /** The server closed (or reset) the connection. */
  closedByServer: boolean;
  /** Nothing more arrived in time: the server was still waiting, or still answering. */
  timedOut: boolean;
  /** Bytes that are not an HTTP response, or a connection error other than a reset. */
  error?: string;
}

/**
 * Writes raw bytes to the server, exactly as given, and collects the responses: for framing no HTTP
 * client would produce (broken request lines, conflicting lengths, partial requests).
 */
export function rawExchange(options: RawExchangeOptions): Promise<RawExchange> {
  const wanted = options.responses ?? 1;
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    const received: Buffer[] = [];
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let error: string | undefined;

    const finish = (closedByServer: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      let responses: RawResponse[] = [];
      try {
        responses = parseResponses(Buffer.concat(received), closedByServer, options.head).responses;
      } catch (parseError) {
        error = (parseError as Error).message;
      }
      resolve({ responses, closedByServer, timedOut, ...(error === undefined ? {} : { error }) });
    };
    const enough = () => {
      if (wanted === 0) return false;
      try {
        return parseResponses(Buffer.concat(received), false, options.head).responses.length >= wanted;
      } catch {
        return true;
      }
    };

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (enough()) finish(false, false);
    });
    socket.on('error', (socketError: NodeJS.ErrnoException) => {
      // A reset or a broken pipe is how a server hangs up on a client it refuses: a close, not a failure.
      if (socketError.code !== 'ECONNRESET' && socketError.code !== 'EPIPE') error = `${socketError.code ?? ''} ${socketError.message}`;
      finish(true, false);
    });
    socket.on('close', () => finish(true, false));
    socket.on('connect', () => {
      void (async () => {
        for (const step of options.steps) {
          if (settled) return;
          if (typeof step === 'number') await delay(step);
          else socket.write(step);
        }
        if (!settled) timer = setTimeout(() => finish(false, true), options.timeoutMs);
      })();
    });
  });
}
