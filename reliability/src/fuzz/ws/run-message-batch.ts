import { SUBPROTOCOL_JSON } from '@livecart/schemas';
import WebSocket from 'ws';
import type { MessageCase } from './message-cases.js';
import { compareReplies, replyKind, serverMessageProblem } from './protocol-checks.js';

export interface MessageBatchResult {
  /** Reply kinds received (events excluded), in arrival order. */
  replies: string[];
  problems: string[];
}

/** Messages that answer no client frame: pushed by the server on its own. */
const UNPROMPTED = new Set(['welcome', 'event', 'batch']);

/**
 * Sends a batch of text frames on one `ws` connection right after its welcome and waits for one reply
 * per frame. Frames that are merely invalid must never cost the connection: it has to stay open.
 */
export function runMessageBatch(url: string, origin: string, cases: readonly MessageCase[], timeoutMs: number): Promise<MessageBatchResult> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, SUBPROTOCOL_JSON, { origin });
    const replies: string[] = [];
    const problems: string[] = [];
    let settled = false;
    const finish = (why?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (why !== undefined) problems.push(why);
      const { missing, unexpected } = compareReplies(
        cases.map((c) => c.expect),
        replies,
      );
      if (missing.length > 0 || unexpected.length > 0) problems.push(`replies differ: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`);
      socket.terminate();
      resolve({ replies, problems });
    };
    const timer = setTimeout(() => finish(`${replies.length} of ${cases.length} replies within ${timeoutMs} ms`), timeoutMs);
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return finish('a binary frame in a JSON session');
      const text = (data as Buffer).toString('utf8');
      const problem = serverMessageProblem(text);
      if (problem !== undefined) problems.push(problem);
      let message: { type?: unknown; code?: unknown };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        return finish('a reply that is not JSON');
      }
      if (message.type === 'welcome') {
        for (const messageCase of cases) socket.send(messageCase.data);
        return;
      }
      if (UNPROMPTED.has(String(message.type))) return;
      replies.push(replyKind(message));
      if (replies.length >= cases.length) finish();
    });
    socket.on('close', (code) => finish(`the server closed the connection with ${code} after ${replies.length} of ${cases.length} replies`));
    socket.on('error', (error) => finish(`connection error: ${error.message}`));
  });
}
