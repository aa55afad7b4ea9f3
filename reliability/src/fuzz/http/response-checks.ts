import { ErrorEnvelopeSchema } from '@livecart/schemas';

/** A V8 stack frame (`    at fn (/path/file.js:1:2)`, raw or JSON-escaped) or a Node internal module path. */
const STACK_TRACE = /(\n|\\n)\s+at .+:\d+:\d+|node:internal/;
/** What /etc/passwd looks like: a traversal that got through. */
const PASSWD = /root:[^:\n]*:0:0:/;

/** The problems with a 4xx body: it must be the error envelope (packages/schemas) naming the same status. */
export function envelopeProblems(status: number, body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`a ${status} whose body is not JSON: ${JSON.stringify(body.slice(0, 200))}`];
  }
  const result = ErrorEnvelopeSchema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message.slice(0, 60)}`).join('; ');
    return [`a ${status} whose body is not the error envelope (${issues}): ${body.slice(0, 300)}`];
  }
  if (result.data.statusCode !== status) return [`a ${status} whose envelope says statusCode ${result.data.statusCode}`];
  return [];
}

/**
 * Everything wrong with one answer to a hostile request: any 5xx (no dependency is down in these runs),
 * a 4xx without the error envelope, an error that shows a stack trace, file contents in any body.
 */
export function responseProblems(method: string, status: number, body: string): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`status ${status}: hostile input must be refused with a 4xx, not fail the server`);
  else if (status >= 400 && method.toUpperCase() !== 'HEAD') problems.push(...envelopeProblems(status, body));
  // Successful bodies echo stored data, which the fuzzer itself may have written; errors must not echo internals.
  if (status >= 400 && STACK_TRACE.test(body)) problems.push(`the body leaks a stack trace or a source path: ${body.slice(0, 300)}`);
  if (PASSWD.test(body)) problems.push('the body holds /etc/passwd: a path traversal got through');
  return problems;
}

/**
 * `/ready` answering that Postgres or Redis did not reply within its 1 s probe: a statement about the
 * machine's load (other runs can saturate the shared VM), not about the request, which `/ready` ignores.
 * Only that envelope qualifies; any other 503 from it still fails.
 */
export function isBusyReadiness(operation: string, status: number, body: string): boolean {
  if (operation !== 'GET /ready' || status !== 503 || envelopeProblems(status, body).length > 0) return false;
  const result = ErrorEnvelopeSchema.safeParse(JSON.parse(body));
  if (!result.success || result.data.code !== 'SERVICE_UNAVAILABLE') return false;
  const fields = result.data.details?.map((detail) => detail.field) ?? [];
  return fields.length > 0 && fields.every((field) => field === 'postgres' || field === 'redis');
}
