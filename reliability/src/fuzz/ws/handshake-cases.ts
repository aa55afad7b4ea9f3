/** An upgrade request the realtime must refuse (or, for harmless oddities, accept), with the statuses allowed. */
export interface HandshakeCase {
  name: string;
  request: string;
  statuses: readonly number[];
}

/** Upgrade requests with a wrong Origin, key, version, method or header block: refused before any socket exists. */
export function handshakeCases(host: string, origin: string): HandshakeCase[] {
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const upgrade = (lines: readonly string[], requestLine = 'GET /ws HTTP/1.1') => `${[requestLine, `Host: ${host}`, ...lines].join('\r\n')}\r\n\r\n`;
  const standard = ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13'];
  return [
    { name: 'foreign Origin', request: upgrade([...standard, `Sec-WebSocket-Key: ${key}`, 'Origin: http://evil.test']), statuses: [403] },
    { name: 'no Origin', request: upgrade([...standard, `Sec-WebSocket-Key: ${key}`]), statuses: [403] },
    { name: 'Origin "null"', request: upgrade([...standard, `Sec-WebSocket-Key: ${key}`, 'Origin: null']), statuses: [403] },
    { name: 'no Sec-WebSocket-Key', request: upgrade([...standard, `Origin: ${origin}`]), statuses: [400] },
    { name: 'malformed Sec-WebSocket-Key', request: upgrade([...standard, 'Sec-WebSocket-Key: not-base64-!!', `Origin: ${origin}`]), statuses: [400] },
    { name: 'unknown WebSocket version', request: upgrade(['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 99', `Sec-WebSocket-Key: ${key}`, `Origin: ${origin}`]), statuses: [400, 426] },
    { name: 'upgrade by POST', request: upgrade([...standard, `Sec-WebSocket-Key: ${key}`, `Origin: ${origin}`], 'POST /ws HTTP/1.1'), statuses: [400, 404, 405] },
    { name: 'upgrade to another path', request: upgrade([...standard, `Sec-WebSocket-Key: ${key}`, `Origin: ${origin}`], 'GET /ws/../../etc/passwd HTTP/1.1'), statuses: [400, 404] },
    { name: 'Upgrade: h2c on /ws', request: upgrade(['Upgrade: h2c', 'Connection: Upgrade', `Origin: ${origin}`]), statuses: [400, 404, 426] },
    { name: 'headers of 80 KB', request: upgrade([...standard, `Sec-WebSocket-Key: ${key}`, `Origin: ${origin}`, `X-Big: ${'b'.repeat(80_000)}`]), statuses: [431] },
    { name: 'junk subprotocols and extensions', request: upgrade([...standard, `Sec-WebSocket-Key: ${key}`, `Origin: ${origin}`, 'Sec-WebSocket-Protocol: livecart.v9, ,,', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99']), statuses: [101, 400] },
  ];
}
