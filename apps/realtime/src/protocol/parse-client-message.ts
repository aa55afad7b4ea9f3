import { ClientMessageSchema, type ClientMessage, type RealtimeErrorCode } from '@livecart/schemas';

export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: RealtimeErrorCode; message: string; id?: string };

const CLIENT_TYPES = new Set(['subscribe', 'unsubscribe', 'ping']);

/** The request id to echo in an error, when the client sent a usable one. */
function idOf(value: Record<string, unknown>): string | undefined {
  return typeof value.id === 'string' && value.id.length <= 64 ? value.id : undefined;
}

/** Validates a decoded client message with `ClientMessageSchema`, naming the first problem. */
export function parseClientMessage(value: unknown): ParsedClientMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'bad_message', message: 'a message must be an object with a "type"' };
  }
  const record = value as Record<string, unknown>;
  const id = idOf(record);
  const withId = id === undefined ? {} : { id };
  if (typeof record.type !== 'string' || !CLIENT_TYPES.has(record.type)) {
    return { ok: false, code: 'bad_message', message: 'unknown message type; expected subscribe, unsubscribe or ping', ...withId };
  }
  const result = ClientMessageSchema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  const where = path === '' ? '' : `${path}: `;
  const code: RealtimeErrorCode = issue?.path[0] === 'topics' && issue.path.length > 1 ? 'bad_topic' : 'bad_message';
  return { ok: false, code, message: `${where}${issue?.message ?? 'invalid message'}`.slice(0, 1_000), ...withId };
}
