import { createHash } from 'node:crypto';
import { BadCursorError } from './errors.js';

/** Where the previous page ended: the last row's sort key and id, or (when the key is too long) its id only. */
export type CursorPosition = { key: string | number; id: string } | { ref: string };

interface CursorPayload {
  /** Fingerprint of the sort and filters the cursor was made for. */
  f: string;
  k?: string | number;
  i?: string;
  r?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** CursorSchema's bound: longer cursors would be refused on the way back in. */
export const MAX_CURSOR_LENGTH = 512;

/** A short hash of the listing's sort and filters; a cursor only resumes the listing it came from. */
export function listingFingerprint(listing: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(listing).sort().map((key) => [key, listing[key] ?? null]));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(fingerprint: string, position: CursorPosition): string {
  const payload: CursorPayload = 'ref' in position ? { f: fingerprint, r: position.ref } : { f: fingerprint, k: position.key, i: position.id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/**
 * Reads a cursor made by `encodeCursor` for the same fingerprint; anything else is a BadCursorError.
 * `isKey` checks that the sort key has the type the sort needs before it reaches SQL.
 */
export function decodeCursor(cursor: string, fingerprint: string, isKey: (key: unknown) => boolean): CursorPosition {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError('cursor is not one this API issued', [{ field: 'query.cursor', message: 'is malformed' }]);
  }
  if (typeof payload !== 'object' || payload === null) {
    throw new BadCursorError('cursor is not one this API issued', [{ field: 'query.cursor', message: 'is malformed' }]);
  }
  const { f, k, i, r } = payload as CursorPayload;
  if (f !== fingerprint) {
    throw new BadCursorError('cursor belongs to a listing with other filters or another sort', [
      { field: 'query.cursor', message: 'was issued for different filters or sort; start again without a cursor' },
    ]);
  }
  if (typeof r === 'string' && UUID.test(r)) return { ref: r };
  if (typeof i === 'string' && UUID.test(i) && isKey(k)) return { key: k as string | number, id: i };
  throw new BadCursorError('cursor is not one this API issued', [{ field: 'query.cursor', message: 'is malformed' }]);
}
