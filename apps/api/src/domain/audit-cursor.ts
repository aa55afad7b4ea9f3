import { BadCursorError } from './errors.js';

interface AuditCursorPayload {
  /** Fingerprint of the filters the cursor was made for (listingFingerprint). */
  f: string;
  /** The id of the last entry of the previous page; the next page starts below it. */
  a: number;
}

const malformed = () => new BadCursorError('cursor is not one this API issued', [{ field: 'query.cursor', message: 'is malformed' }]);

export function encodeAuditCursor(fingerprint: string, lastId: number): string {
  const payload: AuditCursorPayload = { f: fingerprint, a: lastId };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The entry id a cursor made by `encodeAuditCursor` for the same filters points at; anything else is a BadCursorError. */
export function decodeAuditCursor(cursor: string, fingerprint: string): number {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  if (typeof payload !== 'object' || payload === null) throw malformed();
  const { f, a } = payload as Partial<AuditCursorPayload>;
  if (f !== fingerprint) {
    throw new BadCursorError('cursor belongs to a listing with other filters', [
      { field: 'query.cursor', message: 'was issued for different filters; start again without a cursor' },
    ]);
  }
  if (!Number.isSafeInteger(a) || (a as number) < 1) throw malformed();
  return a as number;
}
