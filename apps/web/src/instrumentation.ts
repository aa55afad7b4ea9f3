/** Runs once when a server process starts (not during the build). */
export async function register() {
  // NEXT_RUNTIME is a build-time constant Next substitutes per bundle, not configuration: written out
  // literally so the edge bundle drops the Node-only import below.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { registerNode } = await import('./instrumentation-node');
  await registerNode();
}
