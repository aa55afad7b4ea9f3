import { IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';

/*
 * A response head written as one string made ahead, instead of by `writeHead`. For every header it is
 * given, `writeHead` tests the name and the value with a regular expression, lower-cases the name to
 * look for the headers it treats specially, and appends both to the head piece by piece: for the
 * eight headers of the hot read that is a fifth of all the work Node does for a request (callgrind:
 * 13k of 71k instructions in a server that does nothing else). Here each line is checked once, when
 * it is made, and a request only joins a handful of strings.
 *
 * Node has no public way to do this. `response._header` is where `writeHead` leaves the head it made,
 * and `end()` sends whatever is there ahead of the body, through the same queue that keeps pipelined
 * responses in order. `PRESET_HEAD_WORKS` checks that at startup on the running Node, by the bytes a
 * response sends; where it does not hold, callers use `writeHead` as before.
 */

interface PresettableResponse {
  _header: string | null;
}

/** `name: value` lines for a flat [name, value, …] list, each checked as `writeHead` would check it. */
export function headerLines(pairs: readonly string[]): string {
  if (pairs.length % 2 !== 0) throw new TypeError('header pairs must come as [name, value, …]');
  let lines = '';
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i] as string;
    const value = pairs[i + 1] as string;
    validateHeaderName(name);
    validateHeaderValue(name, value);
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

let dateText = '';
let dateExpires = 0;

/** The Date header's value (RFC 9110 §6.6.1: IMF-fixdate), remade once a second as Node's own is. */
export function httpDate(now = Date.now()): string {
  if (now >= dateExpires) {
    dateText = new Date(now).toUTCString();
    dateExpires = now - (now % 1000) + 1000;
  }
  return dateText;
}

/**
 * Sends `head` (status line, header lines and the blank line) and then `body`, and ends the response.
 * Only for a response that persists its connection (`response.shouldKeepAlive`): Node's `Connection:
 * close` bookkeeping runs in `writeHead`, which this skips.
 */
export function endWithHead(response: ServerResponse, statusCode: number, head: string, body?: string): void {
  response.statusCode = statusCode;
  (response as unknown as PresettableResponse)._header = head;
  if (body === undefined) response.end();
  else response.end(body);
}

function presetHeadWorks(): boolean {
  try {
    let sent = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        sent += chunk.toString('latin1');
        callback();
      },
    });
    const socket = Object.assign(sink, { _httpMessage: null });
    const response = new ServerResponse(new IncomingMessage(new Socket()));
    response.assignSocket(socket as unknown as Socket);
    const head = 'HTTP/1.1 200 OK\r\nx-probe: 1\r\n\r\n';
    endWithHead(response, 200, head, 'body');
    return response.headersSent && sent === `${head}body`;
  } catch {
    return false;
  }
}

/** Whether `endWithHead` sends exactly its head and body on this Node. */
export const PRESET_HEAD_WORKS = presetHeadWorks();
