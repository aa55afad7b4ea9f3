import 'server-only';
import { headers } from 'next/headers';
import { env } from '@/env';
import { clientAddressOf } from './forwarded-chain';
import { PEER_CHAIN_HEADER, peerChainMark, readPeerChain } from './peer-chain';

/**
 * `X-Forwarded-For: <shopper>` for a call to the API made while serving a shopper's request, so the
 * API's per-client limits count the shopper, not this server. Empty when the address is not known:
 * the API then counts this server, which is safe, never a bucket the shopper chose.
 */
export async function forwardedFor(): Promise<Record<string, string>> {
  const chain = readPeerChain((await headers()).get(PEER_CHAIN_HEADER), peerChainMark());
  const address = chain === undefined ? undefined : clientAddressOf(chain, env.TRUST_PROXY_HOPS);
  return address === undefined ? {} : { 'x-forwarded-for': address };
}
