import { describe, expect, it } from 'vitest';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import { BadCursorError } from './errors.js';

describe('audit cursor', () => {
  it('round-trips the last id for the same filters', () => {
    expect(decodeAuditCursor(encodeAuditCursor('fp', 1234), 'fp')).toBe(1234);
  });

  it('refuses a cursor of other filters, a forged id and what is not a cursor', () => {
    expect(() => decodeAuditCursor(encodeAuditCursor('fp', 12), 'other')).toThrow(BadCursorError);
    const forged = (a: unknown) => Buffer.from(JSON.stringify({ f: 'fp', a })).toString('base64url');
    for (const a of [0, -1, 1.5, '12', null, 2 ** 53]) expect(() => decodeAuditCursor(forged(a), 'fp')).toThrow(BadCursorError);
    for (const junk of ['', 'abc', Buffer.from('[1]').toString('base64url'), Buffer.from('null').toString('base64url')]) {
      expect(() => decodeAuditCursor(junk, 'fp')).toThrow(BadCursorError);
    }
  });
});
