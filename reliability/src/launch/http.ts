import { ErrorEnvelopeSchema, type ErrorEnvelope } from '@livecart/schemas';

export interface HttpCall {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON (with its content type) unless it is already a string. */
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

/** One request, its whole body read; never throws on an HTTP status, only on a transport failure. */
export async function http(url: string, call: HttpCall = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...call.headers };
  let body: string | undefined;
  if (typeof call.body === 'string') body = call.body;
  else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, {
    method: call.method ?? 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(call.timeoutMs ?? 60_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The API's error envelope in `result`, or an error quoting what came instead. */
export function envelopeOf(result: HttpResult): ErrorEnvelope {
  const parsed = ErrorEnvelopeSchema.safeParse(result.json);
  if (!parsed.success) throw new Error(`expected the error envelope, got ${result.status}: ${result.text.slice(0, 300)}`);
  if (parsed.data.statusCode !== result.status) {
    throw new Error(`the envelope says ${parsed.data.statusCode} but the response status is ${result.status}`);
  }
  return parsed.data;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
