import type { FastifyReply } from 'fastify';

/**
 * Response headers as a flat `[name, value, name, value, …]` list with lower-case names, in the order
 * they go on the wire: what `response.writeHead` takes as is, and what `setHeaderList` puts on a Fastify
 * reply in the same order, so that both paths write the same bytes.
 */
export type HeaderList = readonly string[];

export function setHeaderList(reply: FastifyReply, headers: HeaderList): void {
  for (let i = 0; i < headers.length; i += 2) reply.header(headers[i] as string, headers[i + 1]);
}
