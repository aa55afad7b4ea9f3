import { ERROR_CODES } from '@livecart/schemas';

/** A status code, or why there is none: no answer within the timeout, or the connection failed. */
export type HttpStatus = number | 'timeout' | 'network';

export interface HttpAnswer {
  status: HttpStatus;
  /** From sending to the end of the body (or to the failure). */
  ms: number;
  headers: Headers | undefined;
  /** The parsed JSON body; undefined when there is none or it is not JSON. */
  body: unknown;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

/** Sends one request and never throws: every outcome, including a hang cut by the timeout, is an answer. */
export async function send(url: string, request: HttpRequest): Promise<HttpAnswer> {
  const started = performance.now();
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, ms: performance.now() - started, headers: response.headers, body };
  } catch (error) {
    const name = (error as Error).name;
    const status = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
    return { status, ms: performance.now() - started, headers: undefined, body: undefined };
  }
}

const KNOWN_CODES = new Set<string>(ERROR_CODES);

/** The API's error envelope `{ statusCode, error, code, message, details? }`, matching the HTTP status. */
export function isErrorEnvelope(answer: HttpAnswer): boolean {
  const body = answer.body as Record<string, unknown> | undefined;
  return (
    typeof answer.status === 'number' &&
    typeof body === 'object' &&
    body !== null &&
    body.statusCode === answer.status &&
    typeof body.error === 'string' &&
    typeof body.code === 'string' &&
    KNOWN_CODES.has(body.code) &&
    typeof body.message === 'string'
  );
}

export function isSuccess(status: HttpStatus): boolean {
  return typeof status === 'number' && status >= 200 && status < 300;
}
