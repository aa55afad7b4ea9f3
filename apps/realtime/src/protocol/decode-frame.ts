import { decode } from '@msgpack/msgpack';
import type { RealtimeErrorCode } from '@livecart/schemas';
import type { Format } from './format.js';

export type DecodedFrame =
  | { ok: true; value: unknown }
  /** `fatal`: the client speaks another protocol than it negotiated; the connection is closed. */
  | { ok: false; code: RealtimeErrorCode; message: string; fatal: boolean };

/** Turns one client frame into a value, per the connection's negotiated format. */
export function decodeFrame(format: Format, data: Buffer, isBinary: boolean): DecodedFrame {
  if (format === 'json') {
    if (isBinary) {
      return { ok: false, code: 'unsupported_frame', message: 'binary frames are not accepted in a JSON session', fatal: true };
    }
    try {
      return { ok: true, value: JSON.parse(data.toString('utf8')) };
    } catch {
      return { ok: false, code: 'bad_json', message: 'frame is not valid JSON', fatal: false };
    }
  }
  if (!isBinary) {
    return { ok: false, code: 'unsupported_frame', message: 'text frames are not accepted in a MessagePack session', fatal: true };
  }
  try {
    return { ok: true, value: decode(data) };
  } catch {
    return { ok: false, code: 'bad_message', message: 'frame is not valid MessagePack', fatal: false };
  }
}
