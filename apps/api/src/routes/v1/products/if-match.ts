import { LAST_WRITER_WINS, type PreconditionPolicy } from '../../../http/write-preconditions.js';

/**
 * PATCH and DELETE of one product must say which version they apply to (lost updates otherwise go
 * unnoticed); integrations that accept last-writer-wins opt out per request.
 */
export const PRODUCT_WRITE_PRECONDITION: PreconditionPolicy = { required: true, lastWriterWins: true };

/** Documents If-Match and Prefer for OpenAPI; If-Match's syntax is checked by parseIfMatch, which names the header in errors. */
export const IF_MATCH_HEADERS = {
  type: 'object',
  properties: {
    'if-match': {
      type: 'string',
      maxLength: 200,
      description:
        'ETag(s) of the version this write applies to, compared strongly (RFC 9110 §13.1.1): "3", a list such as "3", "4", or * for whatever version is current. Weak tags never match (412). Required (428 without it) unless body.version or Prefer says otherwise.',
    },
    prefer: {
      type: 'string',
      maxLength: 200,
      description: `\`${LAST_WRITER_WINS}\` (RFC 7240): write without If-Match, overwriting whatever version is current; answered with Preference-Applied.`,
    },
  },
};

/** On the answer to a write that Prefer: last-writer-wins let through without a precondition. */
export const PREFERENCE_APPLIED_HEADERS = {
  'preference-applied': { type: 'string', description: `\`${LAST_WRITER_WINS}\` when the write went through without a precondition at the client's request` },
};
