import { setTimeout as delay } from 'node:timers/promises';
import { SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK } from '@livecart/schemas';
import { encodeClientFrame, OPCODES } from './frame-codec.js';
import type { FrameCase } from './frame-cases.js';
import { compareReplies, msgpackReplyKind, replyKind, serverMessageProblem } from './protocol-checks.js';
import { RawWsConnection } from './raw-ws-connection.js';

export interface WsTarget {
  host: string;
  port: number;
  origin: string;
}

export interface FrameCaseResult {
  /** `close <code>`, `terminated` or `open`: for the distribution. */
  outcome: string;
  problems: string[];
}

function describeStep(step: FrameCase['steps'][number]): string {
  if (typeof step === 'number') return `(pause ${step} ms)`;
  if ('bytes' in step) return `${step.bytes.length} raw bytes (${step.frames} frames) ${step.bytes.subarray(0, 48).toString('hex')}${step.bytes.length > 48 ? '…' : ''}`;
  const payload = typeof step.payload === 'string' ? Buffer.from(step.payload) : (step.payload ?? Buffer.alloc(0));
  const flags = [`opcode 0x${step.opcode.toString(16)}`, step.fin === false ? 'FIN=0' : '', step.rsv ? `RSV=${step.rsv}` : '', step.masked === false ? 'unmasked' : '', step.declaredLength === undefined ? '' : `declares ${step.declaredLength} bytes`];
  const shown = payload.length > 200 ? `${payload.subarray(0, 200).toString('hex')}… (${payload.length} bytes)` : payload.toString('hex');
  return `frame ${flags.filter(Boolean).join(', ')}; payload hex ${shown}`;
}

/** The frames of a case, one per line, for a failure report. */
export function describeFrameCase(frameCase: FrameCase, where: string): string {
  return [`${where}: "${frameCase.name}" (${frameCase.protocol ?? 'json'} session)`, ...frameCase.steps.map(describeStep)].join('\n');
}

/** Opens a raw connection, writes the case's frames after the welcome, and checks what the server did. */
export async function runFrameCase(target: WsTarget, frameCase: FrameCase, timeoutMs: number): Promise<FrameCaseResult> {
  const msgpack = frameCase.protocol === 'msgpack';
  const connection = await RawWsConnection.open({ ...target, protocol: msgpack ? SUBPROTOCOL_MSGPACK : SUBPROTOCOL_JSON, timeoutMs });
  const problems: string[] = [];
  try {
    const dataFrames = () => connection.frames.filter((frame) => frame.opcode === OPCODES.text || frame.opcode === OPCODES.binary);
    if (!(await connection.until(() => dataFrames().length > 0, timeoutMs))) return { outcome: 'no welcome', problems: ['no welcome message after the upgrade'] };

    for (const step of frameCase.steps) {
      if (typeof step === 'number') await delay(step);
      else connection.write('bytes' in step ? step.bytes : encodeClientFrame(step));
    }

    const texts = () => connection.frames.filter((frame) => frame.opcode === OPCODES.text).map((frame) => frame.payload.toString('utf8'));
    // After the welcome: JSON sessions reply in text frames, MessagePack sessions in binary ones.
    const replies = () =>
      msgpack
        ? dataFrames().slice(1).map((frame) => msgpackReplyKind(frame.payload))
        : texts().slice(1).map((text) => replyKind(JSON.parse(text) as { type?: unknown; code?: unknown }));
    const expect = frameCase.expect;
    let outcome: string;
    if ('open' in expect) {
      const pongs = () => connection.frames.filter((frame) => frame.opcode === OPCODES.pong).length;
      const wanted = expect.replies ?? [];
      const satisfied = () => pongs() >= (expect.pongs ?? 0) && compareReplies(wanted, replies()).missing.length === 0;
      const met = await connection.until(satisfied, timeoutMs);
      outcome = connection.closed ? `closed (${connection.closeCode ?? 'no close frame'})` : 'open';
      if (connection.closed) problems.push(`the server closed the connection (code ${connection.closeCode ?? 'none'}), expected it to stay open`);
      else if (!met) problems.push(`expected ${expect.pongs ?? 0} pongs and [${wanted.join(', ')}]; got ${pongs()} pongs and [${replies().join(', ')}]`);
    } else {
      await connection.until(() => connection.closed, timeoutMs);
      outcome = connection.closeCode !== undefined ? `close ${connection.closeCode}` : connection.closed ? 'terminated' : 'still open';
      if ('terminated' in expect) {
        if (!connection.closed || connection.closeCode !== undefined) problems.push(`expected the connection to be cut, got ${outcome}`);
      } else {
        if (connection.closeCode === undefined || !expect.close.includes(connection.closeCode)) problems.push(`expected a close frame with ${expect.close.join(' or ')}, got ${outcome}`);
        if (expect.error !== undefined && !replies().includes(`error:${expect.error}`)) problems.push(`expected an error ${expect.error} before the close, got [${replies().join(', ')}]`);
      }
    }
    // Whatever it sent, the server must speak the protocol (MessagePack replies are checked by kind only).
    if (!msgpack) for (const text of texts()) problems.push(...[serverMessageProblem(text)].filter((problem): problem is string => problem !== undefined));
    if (connection.protocolError !== undefined) problems.push(connection.protocolError);
    return { outcome, problems };
  } finally {
    connection.destroy();
  }
}
