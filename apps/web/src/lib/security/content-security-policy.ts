import { createHash } from 'node:crypto';

/**
 * The inline scripts a prerendered App Shell can hold. React writes them into a shell when it is
 * prerendered (at build, or when a product page is first stored), where no request and so no nonce
 * exists; everything rendered later, per request, carries the nonce. Each is a constant of React's
 * (react-dom/server): its reveal timer, and, on a page with a form whose action is a function, the
 * listener that keeps a submit made before hydration for replay. They are allowed by hash, which admits
 * exactly that text and nothing else; a React upgrade that changes one makes the browser tests report it.
 */
export const REACT_SHELL_SCRIPTS = [
  'requestAnimationFrame(function(){$RT=performance.now()});',
  'addEventListener("submit",function(a){if(!a.defaultPrevented){var b=a.target,d=a.submitter,c=b.action,e=d;if(d){var f=d.getAttribute("formAction");null!=f&&(c=f,e=null)}"javascript:throw new Error(\'React form unexpectedly submitted.\')"===c&&(a.preventDefault(),a=new FormData(b,e),c=b.ownerDocument||b,(c.$$reactFormReplay=c.$$reactFormReplay||[]).push(b,d,a))}});',
] as const;

const shellScriptHashes = REACT_SHELL_SCRIPTS.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`);

export interface PolicyOptions {
  /** Per request, production only: the scripts Next.js renders for this response carry it. */
  nonce?: string;
  development: boolean;
  /** The realtime socket the browser opens (NEXT_PUBLIC_REALTIME_URL): the one other origin it connects to. */
  realtimeUrl: string;
}

/**
 * In production, a script runs only from this origin, with this response's nonce, or as React's shell
 * script: no 'unsafe-inline', so markup injected into a page cannot run. `next dev` keeps inline and eval
 * (React's debugging aids, the dev overlay). The browser connects to this origin (server actions, route
 * handlers) and to the realtime server only; it never calls the API itself.
 */
export function contentSecurityPolicy(options: PolicyOptions): string {
  const scripts = options.development ? ["'self'", "'unsafe-inline'", "'unsafe-eval'"] : ["'self'", `'nonce-${options.nonce ?? ''}'`, ...shellScriptHashes];
  return policy(scripts.join(' '), `'self' ${new URL(options.realtimeUrl).origin}`);
}

/**
 * For what is not a document (build assets, route handlers, the icon; src/proxy.ts leaves them out): the
 * same narrowing, with no script of any kind inline, should one ever be opened as a page.
 */
export const NON_DOCUMENT_POLICY = policy("'self'", "'self'");

function policy(scriptSources: string, connectSources: string): string {
  return [
    "default-src 'self'",
    `script-src ${scriptSources}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${connectSources}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** 128 random bits, as CSP wants a nonce: base64, fresh for every response. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
