const KEY_ID = /^[a-z0-9-]{1,16}$/;

/**
 * A key ring from the environment: `<key id>:<secret>` entries, comma-separated, the signing (or sealing)
 * key first. `read` checks and converts one entry's secret, throwing a message that starts from `where`
 * (`entry 2 (key k2)`); no message ever holds a secret. Key ids are distinct, 1-16 lowercase letters, digits
 * or dashes, so a token or a sealed value can name the key that made it.
 */
export function parseKeyRing<T>(value: string, read: (secret: string, where: string) => T): { id: string; key: T }[] {
  const ring = value.split(',').map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (!KEY_ID.test(id)) throw new Error(`entry ${i + 1} must start with a key id of 1-16 lowercase letters, digits or dashes, then a colon`);
    return { id, key: read(entry.slice(colon + 1).trim(), `entry ${i + 1} (key ${id})`) };
  });
  if (new Set(ring.map((entry) => entry.id)).size !== ring.length) throw new Error('key ids must be distinct');
  return ring;
}
