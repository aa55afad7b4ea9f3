export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');

function parseHead(head: string): { status: number; headers: Record<string, string> } | undefined {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (match === null) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), headers };
}

/** A chunked body's data and where it ends, or undefined while incomplete. */
function readChunked(bytes: Buffer, from: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (Number.isNaN(size)) throw new Error(`bad chunk size line ${JSON.stringify(bytes.subarray(at, lineEnd).toString('latin1'))}`);
    at = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = bytes.indexOf('\r\n', at);
      if (trailerEnd === -1) return undefined;
      return { body: Buffer.concat(parts), end: trailerEnd + 2 };
    }
    if (bytes.length < at + size + 2) return undefined;
    parts.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}

/**
 * Splits what a server wrote on one connection into responses (interim 1xx ones dropped; after a 101 the
 * rest is its body). `closed`: the
 * server ended the connection, so a body without a length runs to the end. Throws on bytes that are not
 * HTTP/1.1: a server must never answer with those.
 */
export function parseResponses(bytes: Buffer, closed: boolean, headRequest = false): { responses: RawResponse[]; incomplete: boolean } {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headEnd = bytes.indexOf(HEAD_END, at);
    if (headEnd === -1) return { responses, incomplete: true };
    const head = parseHead(bytes.subarray(at, headEnd).toString('latin1'));
    if (head === undefined) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify(bytes.subarray(at, at + 200).toString('latin1'))}`);
    const bodyStart = headEnd + 4;
    // 101 Switching Protocols is final: what follows is the new protocol, not HTTP.
    if (head.status === 101) {
      responses.push({ status: 101, headers: head.headers, body: bytes.subarray(bodyStart) });
      return { responses, incomplete: false };
    }
    if (head.status < 200) {
      at = bodyStart;
      continue;
    }
    const noBody = headRequest || head.status === 204 || head.status === 304;
    const length = head.headers['content-length'];
    let body: Buffer;
    if (noBody) {
      body = Buffer.alloc(0);
      at = bodyStart;
    } else if (/chunked/i.test(head.headers['transfer-encoding'] ?? '')) {
      const chunked = readChunked(bytes, bodyStart);
      if (chunked === undefined) return { responses, incomplete: true };
      body = chunked.body;
      at = chunked.end;
    } else if (length !== undefined) {
      const end = bodyStart + Number(length);
      if (bytes.length < end) return { responses, incomplete: true };
      body = bytes.subarray(bodyStart, end);
      at = end;
    } else {
      if (!closed) return { responses, incomplete: true };
      body = bytes.subarray(bodyStart);
      at = bytes.length;
    }
    responses.push({ status: head.status, headers: head.headers, body });
  }
  return { responses, incomplete: false };
}
