import type { SerializedProduct } from '../../../cache/product-cache.js';
import { ifNoneMatchHits } from '../../../domain/etag.js';
import type { HeaderList } from '../../../http/header-list.js';
import { JSON_CONTENT_TYPE } from '../../../http/media-types.js';
import { EVENT_EPOCH_HEADER, EVENT_SEQ_HEADER } from '../../schemas.js';

export interface ProductReadAnswer {
  statusCode: 200 | 304;
  /** After the headers every answer carries (security, CORS). */
  headers: HeaderList;
  /** Absent for 304. */
  body?: string;
}

// The seq changes with each event, the reads in between are many: its text is made once per seq.
let seqText = { seq: -1, text: '' };
function textOfSeq(seq: number): string {
  if (seqText.seq !== seq) seqText = { seq, text: String(seq) };
  return seqText.text;
}

/**
 * The answer to a read of a product (its ETag and its JSON), for the route and the read
 * lane alike, so both send the same status, headers (in the same order) and bytes. Conditional GET:
 * If-None-Match naming the current version → 304 (RFC 9110 §13.1.2). `seq` is the event seq applied when
 * the read began (X-Event-Seq), of `epoch` (X-Event-Epoch, when known): read before the data, it never
 * claims changes the data does not include.
 */
export function answerProductRead(
  etag: string,
  serialized: SerializedProduct,
  ifNoneMatch: string | undefined,
  seq: number,
  epoch: string | undefined,
): ProductReadAnswer {
  const position = epoch === undefined ? [EVENT_SEQ_HEADER, textOfSeq(seq)] : [EVENT_SEQ_HEADER, textOfSeq(seq), EVENT_EPOCH_HEADER, epoch];
  if (ifNoneMatchHits(ifNoneMatch, etag)) return { statusCode: 304, headers: ['etag', etag, ...position] };
  const { json, byteLength } = serialized;
  return {
    statusCode: 200,
    headers: ['etag', etag, ...position, 'content-type', JSON_CONTENT_TYPE, 'content-length', String(byteLength)],
    body: json,
  };
}
