import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logger.js';

function capture(options: Parameters<typeof loggerOptions>[0]) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino(loggerOptions(options), sink), lines };
}

describe('logger', () => {
  it('writes JSON lines outside development', () => {
    const { logger, lines } = capture({ name: 'api', nodeEnv: 'production' });
    logger.info({ productId: 'p1' }, 'hello');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ name: 'api', msg: 'hello', productId: 'p1', level: 30 });
  });

  it('is pretty in development', () => {
    expect(loggerOptions({ name: 'api', nodeEnv: 'development' }).transport).toMatchObject({ target: 'pino-pretty' });
    expect(loggerOptions({ name: 'api', nodeEnv: 'production' }).transport).toBeUndefined();
  });

  it('redacts credentials', () => {
    const { logger, lines } = capture({ name: 'api', nodeEnv: 'production' });
    logger.info({ req: { headers: { authorization: 'Bearer s3cret', 'webhook-signature': 'v1,s1gnature' } }, token: 's3cret' }, 'req');
    expect(lines.join('')).not.toContain('s3cret');
    expect(lines.join('')).not.toContain('s1gnature');
  });

  it('redacts passwords and password hashes', () => {
    const { logger, lines } = capture({ name: 'api', nodeEnv: 'production' });
    logger.info({ password: 'pw-one', user: { passwordHash: '$argon2id$two', password_hash: '$argon2id$three' } }, 'user');
    const out = lines.join('');
    for (const secret of ['pw-one', '$argon2id$two', '$argon2id$three']) expect(out).not.toContain(secret);
  });
});
