import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, NON_DOCUMENT_POLICY, REACT_SHELL_SCRIPTS } from './content-security-policy';

const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `));

describe('contentSecurityPolicy', () => {
  it('in production, lets scripts run from this origin, with the nonce, or as React shell scripts: never inline at large', () => {
    const policy = contentSecurityPolicy({ development: false, nonce: 'abc123==', realtimeUrl: 'wss://shop.example/ws' });
    const scripts = directive(policy, 'script-src')!;
    expect(scripts).toContain("'nonce-abc123=='");
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    for (const script of REACT_SHELL_SCRIPTS) expect(scripts).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('connects only to this origin and the configured realtime origin', () => {
    const policy = contentSecurityPolicy({ development: false, nonce: 'n', realtimeUrl: 'wss://rt.shop.example:8443/ws' });
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self' wss://rt.shop.example:8443");
  });

  it('keeps next dev working: inline and eval, no nonce', () => {
    const scripts = directive(contentSecurityPolicy({ development: true, realtimeUrl: 'ws://localhost:4001/ws' }), 'script-src')!;
    expect(scripts).toBe("script-src 'self' 'unsafe-inline' 'unsafe-eval'");
  });
});

describe('NON_DOCUMENT_POLICY', () => {
  it('allows no inline script at all and connects nowhere but here', () => {
    expect(directive(NON_DOCUMENT_POLICY, 'script-src')).toBe("script-src 'self'");
    expect(directive(NON_DOCUMENT_POLICY, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(NON_DOCUMENT_POLICY, 'frame-ancestors')).toBe("frame-ancestors 'none'");
  });
});

describe('createNonce', () => {
  it('is 128 random bits in base64, new every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });
});

describe('REACT_SHELL_SCRIPTS', () => {
  it('are, to the character, scripts of the react-dom/server that Next.js renders with', async () => {
    const { readFileSync } = await import('node:fs');
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    for (const build of ['react-dom', 'react-dom-experimental']) {
      const source = readFileSync(require.resolve(`next/dist/compiled/${build}/cjs/react-dom-server.node.production.js`), 'utf8').replaceAll("\\'", "'");
      for (const script of REACT_SHELL_SCRIPTS) expect(source, `${build}: ${script.slice(0, 40)}`).toContain(script);
    }
  });
});
