import { describe, expect, it } from 'vitest';
import { createUrlGuard, parseNetworks, UrlRefusedError } from './url-guard.js';

const strict = createUrlGuard({ allowHttp: false, allowedNetworks: [] });
const refusal = async (guard: typeof strict, url: string) => guard.resolve(new URL(url)).then(() => undefined, (error: unknown) => error);

describe('createUrlGuard', () => {
  it('takes a public unicast address and connects to exactly it', async () => {
    await expect(strict.resolve(new URL('https://93.184.216.34/x'))).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(strict.resolve(new URL('https://[2606:2800:220:1:248:1893:25c8:1946]/x'))).resolves.toEqual({ address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 });
  });

  it('refuses every special range, whatever the spelling', async () => {
    const inward = {
      'https://127.0.0.1/': 'loopback',
      'https://localhost/': 'loopback',
      'https://[::1]/': 'loopback',
      'https://[::ffff:10.0.0.1]/': 'private',
      'https://10.0.0.1/': 'private',
      'https://172.31.255.255/': 'private',
      'https://192.168.1.1/': 'private',
      'https://169.254.169.254/': 'linkLocal',
      'https://[fe80::1]/': 'linkLocal',
      'https://[fd12:3456::1]/': 'uniqueLocal',
      'https://100.64.0.1/': 'carrierGradeNat',
      'https://224.0.0.1/': 'multicast',
      'https://0.0.0.0/': 'unspecified',
      'https://203.0.113.7/': 'reserved',
      'https://2130706433/': 'loopback',
    };
    for (const [url, range] of Object.entries(inward)) {
      const error = await refusal(strict, url);
      expect(error, url).toBeInstanceOf(UrlRefusedError);
      expect((error as Error).message, url).toContain(`a ${range} address`);
    }
  });

  it('refuses plain http unless allowed, and a name that does not resolve', async () => {
    expect(await refusal(strict, 'http://93.184.216.34/')).toBeInstanceOf(UrlRefusedError);
    await expect(createUrlGuard({ allowHttp: true, allowedNetworks: [] }).resolve(new URL('http://93.184.216.34/'))).resolves.toMatchObject({ address: '93.184.216.34' });
    expect(((await refusal(strict, 'https://no-such-host.invalid/')) as Error).message).toContain('does not resolve');
  });

  it('lets through what an allowed network holds, and only that', async () => {
    const loopback = createUrlGuard({ allowHttp: true, allowedNetworks: ['127.0.0.0/8', '::1/128'] });
    await expect(loopback.resolve(new URL('http://127.0.0.1:8080/'))).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(loopback.resolve(new URL('http://localhost:8080/'))).resolves.toMatchObject({ family: expect.any(Number) });
    expect(await refusal(loopback, 'http://10.0.0.1/')).toBeInstanceOf(UrlRefusedError);
    expect(() => parseNetworks(['10.0.0.0/33'])).toThrow();
  });
});
