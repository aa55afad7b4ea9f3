import { describe, expect, it } from 'vitest';
import { cspBlocks, parseCsp, sourcesFor } from './csp.js';

const page = {
  origin: 'http://127.0.0.1:3000',
  html: '<script src="/_next/static/a.js" async=""></script><script>self.__next_f.push([1])</script><link rel="stylesheet" href="/_next/static/b.css"/>',
  socketUrl: 'ws://127.0.0.1:4001/ws',
};

describe('parseCsp', () => {
  it('reads directives and their sources, the first occurrence winning', () => {
    const csp = parseCsp("default-src 'self'; script-src 'self' 'unsafe-inline';frame-ancestors 'none'; script-src *");
    expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(sourcesFor(csp, 'img-src')).toEqual(["'self'"]);
  });
});

describe('cspBlocks', () => {
  it('finds nothing blocked when inline scripts, own assets and the socket are allowed', () => {
    expect(cspBlocks(parseCsp("default-src 'self'; script-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:"), page)).toEqual([]);
  });

  it('names the inline script, the socket and foreign assets a policy would block', () => {
    expect(cspBlocks(parseCsp("default-src 'self'"), page)).toEqual(['an inline script', 'socket ws://127.0.0.1:4001/ws']);
    expect(cspBlocks(parseCsp("default-src 'none'; script-src 'unsafe-inline'; connect-src ws:"), page)).toEqual([
      'script /_next/static/a.js',
      'stylesheet /_next/static/b.css',
    ]);
    expect(cspBlocks(parseCsp("default-src 'self' 'unsafe-inline'; connect-src ws://127.0.0.1:4001"), page)).toEqual([]);
  });
});
