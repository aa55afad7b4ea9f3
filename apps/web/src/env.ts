import { baseEnv, envBoolean, envInt, envUrl, loadEnv } from '@livecart/config/env';
import { z } from 'zod';

/**
 * The only place this app reads `process.env`. next.config.ts imports it, so a bad value fails
 * `next build` and `next dev` at once, naming every problem; the standalone server (production, `pnpm
 * start`) checks it in src/instrumentation.ts and exits.
 *
 * All values are read on the server at run time (never inlined into a bundle), so one build runs
 * against any API / realtime address.
 */
export const env = loadEnv({
  NODE_ENV: baseEnv.NODE_ENV,
  /**
   * Build output directory (next.config `distDir`). The e2e suite builds into its own, so a `pnpm build`
   * running meanwhile cannot swap files under the server it tests.
   */
  NEXT_DIST_DIR: z
    .string()
    .regex(/^\.next[A-Za-z0-9_-]*$/, 'expected a directory name starting with .next')
    .default('.next'),
  /** Base URL of apps/api as seen from the web server. */
  API_URL: envUrl(['http:', 'https:']).default('http://localhost:4000'),
  /** How long a server render waits for the API before showing the error state. */
  API_TIMEOUT_MS: envInt({ min: 100, max: 60_000, default: 5_000 }),
  /**
   * How many reverse proxies in front of this server are trusted to append the shopper's address to
   * X-Forwarded-For (0: browsers connect directly, the shopper is the TCP peer). See
   * lib/client-address and the README.
   */
  TRUST_PROXY_HOPS: envInt({ min: 0, max: 10, default: 0 }),
  /**
   * WebSocket endpoint of apps/realtime as the *browser* reaches it. Public by design (the prefix
   * says so): the server hands it to the page as a prop at request time.
   */
  NEXT_PUBLIC_REALTIME_URL: envUrl(['ws:', 'wss:']).default('ws://localhost:4001/ws'),
  /**
   * Where this server's own subscriber (it expires cached product pages on events) connects, if not
   * the public URL — e.g. a cluster-internal address. Defaults to NEXT_PUBLIC_REALTIME_URL.
   */
  REALTIME_SERVER_URL: envUrl(['ws:', 'wss:']).optional(),
  /** The Origin that subscriber presents: must be in the realtime server's ALLOWED_ORIGINS. */
  REALTIME_SERVER_ORIGIN: envUrl(['http:', 'https:']).default('http://localhost:3000'),
  /**
   * Shows the test payment provider's card numbers on the checkout page. Always on under development
   * and test; set it for a production build that runs against the test provider (a demo, the e2e suite).
   */
  TEST_CARD_HINTS: envBoolean(false),
});

/** Whether the checkout page names the test provider's cards. */
export const showTestCards = () => env.TEST_CARD_HINTS || env.NODE_ENV === 'development' || env.NODE_ENV === 'test';

/** What Next.js itself sets on the process, read when asked. */
export const nextProcess = {
  isBuilding: () => process.env.NEXT_PHASE === 'phase-production-build',
};
