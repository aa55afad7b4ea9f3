import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './url-guard.js';

export interface PostMessageOptions {
  url: URL;
  /** The checked address to connect to: the request never resolves the host again. */
  target: ResolvedTarget;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  agents: { http: http.Agent; https: https.Agent };
}

export type PostOutcome = { statusCode: number; error: null } | { statusCode: number | null; error: string };

/** How much of an error is kept in the delivery log. */
const MAX_ERROR_LENGTH = 500;

function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all === true) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as LookupFunction;
}

/**
 * POSTs one message and reads the answer to its end, within `timeoutMs` for the whole exchange. A 2xx is
 * a delivery; any other status (a redirect too: it is not followed), a refused or reset connection, or the
 * timeout is a failure, described in `error`.
 */
export function postMessage(options: PostMessageOptions): Promise<PostOutcome> {
  const { url } = options;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<PostOutcome>((resolve) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(options.body.length) },
        agent: url.protocol === 'https:' ? options.agents.https : options.agents.http,
        lookup: pinnedLookup(options.target),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        // The body is not needed, only the end of it (so the connection can be reused).
        response.resume();
        response.on('error', (error) => resolve({ statusCode, error: describe(error, options.timeoutMs) }));
        response.on('end', () => {
          if (statusCode >= 200 && statusCode < 300) resolve({ statusCode, error: null });
          else resolve({ statusCode, error: `answered ${statusCode}` });
        });
      },
    );
    request.on('error', (error) => resolve({ statusCode: null, error: describe(error, options.timeoutMs) }));
    request.end(options.body);
  });
}

function describe(error: Error, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return (code === undefined ? error.message : `${code}: ${error.message}`).slice(0, MAX_ERROR_LENGTH);
}
