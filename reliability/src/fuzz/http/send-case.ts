import type { HttpCase } from './request-cases.js';

export type HttpOutcome = { status: number; body: string } | { error: string };

/** Shown whole up to this size; beyond it the head plus its length (the seed regenerates the exact bytes). */
const SHOWN_BODY_CHARS = 64 * 1024;

function describeBody(body: string | Buffer): string {
  if (typeof body === 'string') {
    const shown = JSON.stringify(body.slice(0, SHOWN_BODY_CHARS));
    return body.length > SHOWN_BODY_CHARS ? `${shown}… (${body.length} characters in all)` : shown;
  }
  const shown = body.subarray(0, SHOWN_BODY_CHARS).toString('hex');
  return `bytes (hex) ${shown}${body.length > SHOWN_BODY_CHARS ? `… (${body.length} bytes in all)` : ''}`;
}

/** The request as an HTTP/1.1 message (body JSON-quoted), with where it came from. */
export function describeHttpCase(httpCase: HttpCase, where: string): string {
  const headers = Object.entries(httpCase.headers).map(([name, value]) => `${name}: ${value}`);
  const body = httpCase.body === undefined ? [] : ['', describeBody(httpCase.body)];
  return [`${where}: ${httpCase.operation}, hostile ${httpCase.kind}`, `${httpCase.method} ${httpCase.target} HTTP/1.1`, ...headers, ...body].join('\n');
}

/** Sends one case with fetch (undici): percent-escapes travel as written, the body as given. */
export async function sendHttpCase(baseUrl: string, httpCase: HttpCase, timeoutMs: number): Promise<HttpOutcome> {
  try {
    const response = await fetch(`${baseUrl}${httpCase.target}`, {
      method: httpCase.method,
      headers: httpCase.headers,
      ...(httpCase.body === undefined ? {} : { body: httpCase.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: `${(error as Error).name}: ${(error as Error).message}${cause === undefined ? '' : ` (${cause.code ?? ''} ${cause.message ?? ''})`}` };
  }
}
