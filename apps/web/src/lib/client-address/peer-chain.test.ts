import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { clientAddressOf } from './forwarded-chain';
import { PEER_CHAIN_HEADER, peerChainMark, readPeerChain, trackPeerChains } from './peer-chain';

trackPeerChains();
const server = createServer((req, res) => res.end(String(req.headers[PEER_CHAIN_HEADER] ?? '')));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function seen(extra: Record<string, string>): Promise<string> {
  const req = request({ host: '127.0.0.1', port, headers: extra });
  req.end();
  const [res] = (await once(req, 'response')) as [NodeJS.ReadableStream];
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return body;
}

describe('peer chain', () => {
  it('appends the real peer to what the client claims, under this process’s mark', async () => {
    const chain = readPeerChain(await seen({ 'x-forwarded-for': '203.0.113.9' }), peerChainMark());
    expect(chain).toEqual(['203.0.113.9', '127.0.0.1']);
    expect(clientAddressOf(chain!, 0)).toBe('127.0.0.1');
  });

  it('replaces a chain header the client sent itself', async () => {
    const forged = `${peerChainMark()} 198.51.100.1`;
    const chain = readPeerChain(await seen({ [PEER_CHAIN_HEADER]: forged }), peerChainMark());
    expect(chain).toEqual(['127.0.0.1']);
  });

  it('gives no chain for a value without the mark', () => {
    expect(readPeerChain('guess 198.51.100.1', peerChainMark())).toBeUndefined();
    expect(readPeerChain(null, peerChainMark())).toBeUndefined();
  });
});
