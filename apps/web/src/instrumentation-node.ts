/** The Node.js server's start-up, loaded by instrumentation.ts only in that runtime. */
export async function registerNode(): Promise<void> {
  // next.config.ts checks the environment when `next build` and `next dev` start, but the standalone
  // server (production) never runs it: checked here, a bad value stops the process instead of leaving
  // a server up whose every page fails.
  const { nextProcess } = await import('./env').catch((error: unknown) => {
    console.error(error);
    return process.exit(1);
  });
  if (nextProcess.isBuilding()) return;
  // First, so that as few requests as possible arrive before the shopper's address can be known.
  const { trackPeerChains } = await import('./lib/client-address/peer-chain');
  trackPeerChains();
  const { startCacheInvalidator } = await import('./lib/cache-invalidation/start-cache-invalidator');
  startCacheInvalidator();
}
