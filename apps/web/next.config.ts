import path from 'node:path';
import type { NextConfig } from 'next';
// Validates the environment at build and at server start.
import { env } from './src/env';

/**
 * Next.js streams each page's data as inline <script> tags, and nonces would make every page render
 * per request (no prerendered App Shell, no cached product pages), so inline scripts are allowed and
 * everything else is narrowed: scripts, styles, images and fonts from this origin only, no plugins, no
 * framing, no foreign <base> or form targets. The realtime socket may be any ws:/wss: address: the
 * browser's URL is read at run time, after these headers were compiled into the build. `next dev`
 * needs eval for React's debugging aids.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${env.NODE_ENV === 'development' ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The storefront uses none of these; a page that is compromised cannot ask for them either. Only
 * features browsers implement: Chromium reports every unknown one (`bluetooth`, for one, is not a
 * policy-controlled feature) on every page, and the browser tests fail on that report.
 */
const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()';

const config: NextConfig = {
  // The container image copies .next/standalone; tracing from the monorepo root pulls in workspace packages.
  output: 'standalone',
  distDir: env.NEXT_DIST_DIR,
  outputFileTracingRoot: path.resolve(import.meta.dirname, '../..'),
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
  // `use cache` + cacheTag: product pages are cached and expired by events; listings render fresh (see README).
  cacheComponents: true,
  // Both caches a product page lives in are the project's own, so the cache invalidator can expire a tag
  // in them from outside any request, and before the first one (src/cache-handlers/tag-manifest.ts).
  // Node loads these files itself (type stripping), not the bundler.
  cacheHandlers: { default: path.resolve(import.meta.dirname, 'src/cache-handlers/use-cache-handler.ts') },
  cacheHandler: path.resolve(import.meta.dirname, 'src/cache-handlers/page-cache-handler.ts'),
  // Links prefetch one shared static shell per route, not each product's data (24 cards would mean 24 API reads).
  partialPrefetching: true,
  // Loaded by Node at run time (the cache invalidator's WebSocket client), not bundled.
  serverExternalPackages: ['ws'],
  // `next dev` opened as http://127.0.0.1:3000 (not localhost) still gets hot reload.
  allowedDevOrigins: ['127.0.0.1'],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: contentSecurityPolicy },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: permissionsPolicy },
        ],
      },
    ];
  },
};

export default config;
