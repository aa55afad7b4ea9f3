import { SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK } from '@livecart/schemas';

/** How a connection's frames are encoded: JSON text frames, or MessagePack binary frames (opt-in). */
export type Format = 'json' | 'msgpack';

/**
 * Picks the subprotocol among those the client offered, in the client's order of preference.
 * `false` when it offered only ones we do not speak: the handshake then carries none and the client fails it.
 */
export function chooseSubprotocol(offered: Iterable<string>): string | false {
  // The constants, not the offered strings: `ws` keeps the returned one on every socket.
  for (const protocol of offered) {
    if (protocol === SUBPROTOCOL_JSON) return SUBPROTOCOL_JSON;
    if (protocol === SUBPROTOCOL_MSGPACK) return SUBPROTOCOL_MSGPACK;
  }
  return false;
}

export function formatOf(subprotocol: string): Format {
  return subprotocol === SUBPROTOCOL_MSGPACK ? 'msgpack' : 'json';
}
