import path from 'node:path';
import type { NextConfig } from 'next';
// Validates the environment at build and at server start.
import { env } from './src/env';

const config: NextConfig = {
  // The container image copies .next/standalone; tracing from the monorepo root pulls in workspace packages.
  output: 'standalone',
  distDir: env.NEXT_DIST_DIR,
  outputFileTracingRoot: path.resolve(import.meta.dirname, '../..'),
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
  // `use cache` + cacheTag: product pages are cached and expired by events; listings render fresh (see README).
  cacheComponents: true,
  // Links prefetch one shared static shell per route, not each product's data (24 cards would mean 24 API reads).
  partialPrefetching: true,
  // Loaded by Node at run time (the cache invalidator's WebSocket client), not bundled.
  serverExternalPackages: ['ws'],
  // `next dev` opened as http://127.0.0.1:3000 (not localhost) still gets hot reload.
  allowedDevOrigins: ['127.0.0.1'],
  // The event-driven cache expiry calls /api/revalidate for every event: keep `next dev` output readable.
  logging: { incomingRequests: { ignore: [/\/api\/revalidate/] } },
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

export default config;
