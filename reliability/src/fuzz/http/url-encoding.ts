function byteEscapes(bytes: readonly number[]): string {
  return bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * Percent-encodes text for a path segment or query value. A lone surrogate, which `encodeURIComponent`
 * refuses, becomes its three WTF-8 bytes (`%ED%A0%80`): exactly what a careless client would send.
 */
export function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    let encoded = '';
    for (const char of text) {
      const code = char.codePointAt(0)!;
      encoded +=
        code >= 0xd800 && code <= 0xdfff
          ? byteEscapes([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)])
          : encodeURIComponent(char);
    }
    return encoded;
  }
}

/** How a decoded value travels in a URL: strings as they are, everything else as JSON text. */
export function urlText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'undefined';
}

/** One `key=value` pair, or a raw piece that is sent exactly as given (already encoded, possibly broken). */
export type QueryPart = { key: string; value: string } | { raw: string };

export function queryString(parts: readonly QueryPart[]): string {
  if (parts.length === 0) return '';
  const encoded = parts.map((part) => ('raw' in part ? part.raw : `${percentEncode(part.key)}=${percentEncode(part.value)}`));
  return `?${encoded.join('&')}`;
}
