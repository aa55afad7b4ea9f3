import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across this machine's processes. */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * One JSON request over the shopper's own keep-alive connection (its agent: one socket, from its own
 * source address), as a browser tab holds one. Transport failures reject with the socket's error code.
 */
export function send(
  agent: http.Agent,
  base: URL,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const request = http.request({ host: base.hostname, port: base.port, method, path, headers, agent, timeout: options.timeoutMs ?? 60_000 });
    request.on('timeout', () => request.destroy(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })));
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try {
          body = text.length === 0 ? null : JSON.parse(text);
        } catch {
          // Not JSON (a balancer's 502): keep the text.
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    request.end(payload);
  });
}

/** The error envelope's `code` of an answer, if it has one. */
export function codeOf(answer: Answer): string | null {
  const body = answer.body as { code?: unknown } | null;
  return typeof body === 'object' && body !== null && typeof body.code === 'string' ? body.code : null;
}
