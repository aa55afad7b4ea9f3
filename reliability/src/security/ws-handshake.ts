import WebSocket from 'ws';

export type HandshakeOutcome =
  | { kind: 'open'; firstMessage: Record<string, unknown> }
  | { kind: 'refused'; status: number; body: string };

/**
 * Tries one WebSocket upgrade, presenting `origin` (none when undefined, as a non-browser client):
 * either the socket opens and its first message arrives, or the server answers the upgrade with an
 * HTTP status instead.
 */
export function attemptUpgrade(url: string, origin: string | undefined, timeoutMs = 10_000): Promise<HandshakeOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer to the upgrade at ${url} (Origin ${origin ?? 'none'}) within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('message', (data) => {
      clearTimeout(timer);
      socket.close();
      resolve({ kind: 'open', firstMessage: JSON.parse(String(data)) as Record<string, unknown> });
    });
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ kind: 'refused', status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
