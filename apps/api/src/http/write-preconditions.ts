import type { FastifyReply, FastifyRequest } from 'fastify';
import { ANY_VERSION, versionCondition, type VersionCondition } from '../domain/etag.js';
import { PreconditionRequiredError } from '../domain/errors.js';

/** How a route that updates or deletes an existing resource treats a request without a precondition. */
export interface PreconditionPolicy {
  /** Refuse a write without If-Match (or a body `version`) with 428. */
  required: boolean;
  /** Let `Prefer: last-writer-wins` lift that requirement (answered with `Preference-Applied`). */
  lastWriterWins: boolean;
}

/** The preference (RFC 7240) by which a client says it accepts overwriting changes it has not seen. */
export const LAST_WRITER_WINS = 'last-writer-wins';

/** Whether a Prefer header (RFC 7240 §2: `token [= value] *( ";" parameter )`, comma-separated) names `preference`. */
export function prefers(header: string | undefined, preference: string): boolean {
  if (header === undefined) return false;
  for (const item of header.split(',')) {
    const name = item.split(/[;=]/, 1)[0]?.trim().toLowerCase();
    if (name === preference) return true;
  }
  return false;
}

/**
 * The version condition of a write, or 428 when the route requires one and the request has none (and has
 * not opted out where the route allows it). Checked before anything is read or written.
 */
export function conditionOfWrite(request: FastifyRequest, reply: FastifyReply, policy: PreconditionPolicy, bodyVersion?: number): VersionCondition {
  const { 'if-match': ifMatch, prefer } = request.headers;
  if (ifMatch !== undefined || bodyVersion !== undefined) return versionCondition(ifMatch, bodyVersion);
  if (!policy.required) return ANY_VERSION;
  if (policy.lastWriterWins && prefers(typeof prefer === 'string' ? prefer : undefined, LAST_WRITER_WINS)) {
    reply.header('preference-applied', LAST_WRITER_WINS);
    return ANY_VERSION;
  }
  throw new PreconditionRequiredError(
    `this write needs a precondition: send If-Match with the ETag of the version you last read (e.g. If-Match: "3"), or If-Match: * to overwrite whatever version is current${
      policy.lastWriterWins ? `, or Prefer: ${LAST_WRITER_WINS}` : ''
    }`,
    [{ field: 'headers.if-match', message: 'is required' }],
  );
}
