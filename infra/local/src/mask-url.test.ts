import { describe, expect, it } from 'vitest';
import { describeError, maskUrl } from './mask-url.js';

describe('maskUrl', () => {
  it('hides the password of a Postgres URL and keeps the rest', () => {
    expect(maskUrl('postgres://app:s3cret@db.internal:5432/shop?sslmode=require')).toBe(
      'postgres://app:***@db.internal:5432/shop?sslmode=require',
    );
  });

  it('hides a Redis password given without a user', () => {
    expect(maskUrl('redis://:s3cret@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0');
  });

  it('leaves a URL without a password unchanged', () => {
    expect(maskUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });

  it('still hides the password of a URL it cannot parse', () => {
    expect(maskUrl('postgres://app:s3cret@host:notaport/db')).toBe('postgres://app:***@host:notaport/db');
  });
});

describe('describeError', () => {
  it('uses the first inner error of an AggregateError, whose own message is empty', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(describeError(new AggregateError([inner], ''))).toBe('connect ECONNREFUSED ::1:5432');
  });

  it('falls back to the error code when the message is empty', () => {
    expect(describeError(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });
});
