import { ServerMessageSchema } from '@livecart/schemas';

/** A server text frame that is not valid JSON or not a message of the protocol (packages/schemas). */
export function serverMessageProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `the server sent a text frame that is not JSON: ${JSON.stringify(text.slice(0, 200))}`;
  }
  const result = ServerMessageSchema.safeParse(parsed);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `the server sent a message outside the protocol (${issue?.path.join('.') ?? ''} ${issue?.message.slice(0, 80) ?? ''}): ${text.slice(0, 300)}`;
}

/** `error:<code>` for errors, the type for everything else: what a reply counts as. */
export function replyKind(message: { type?: unknown; code?: unknown }): string {
  return message.type === 'error' ? `error:${String(message.code)}` : String(message.type);
}

/** Multiset difference, as `kind ×n` lists: what was expected but missing, and what came unexpected. */
export function compareReplies(expected: readonly string[], received: readonly string[]): { missing: string[]; unexpected: string[] } {
  const counts = new Map<string, number>();
  for (const kind of expected) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  for (const kind of received) counts.set(kind, (counts.get(kind) ?? 0) - 1);
  const missing: string[] = [];
  const unexpected: string[] = [];
  for (const [kind, count] of counts) {
    if (count > 0) missing.push(`${kind} ×${count}`);
    if (count < 0) unexpected.push(`${kind} ×${-count}`);
  }
  return { missing, unexpected };
}

const SERVER_TYPES = ['welcome', 'subscribed', 'unsubscribed', 'event', 'batch', 'reset', 'error', 'pong'];

function fixstr(value: string): Buffer {
  return Buffer.concat([Buffer.from([0xa0 | value.length]), Buffer.from(value)]);
}

/**
 * The kind of a MessagePack server message (`pong`, `error:<code>`…), read from its `type` and `code`
 * entries: every server message is a map whose short keys and values are fixstrs.
 */
export function msgpackReplyKind(payload: Buffer): string {
  const type = SERVER_TYPES.find((candidate) => payload.includes(Buffer.concat([fixstr('type'), fixstr(candidate)])));
  if (type !== 'error') return type ?? 'unknown';
  const code = /\xa4code[\xa0-\xbf]([a-z_]+)/.exec(payload.toString('latin1'))?.[1];
  return `error:${code ?? 'unknown'}`;
}
