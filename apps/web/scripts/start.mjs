// `pnpm start`: the standalone server the container image runs (infra/docker/web.Dockerfile), from this
// checkout's build. `next start` is not that server: it warns that it does not work with
// `output: 'standalone'`, and its port comes from the command line instead of PORT.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const webDir = path.resolve(import.meta.dirname, '..');
// The same variable and default as next.config's distDir (src/env.ts): the e2e suite builds into its own.
const distDir = path.join(webDir, process.env.NEXT_DIST_DIR || '.next');
const serverDir = path.join(distDir, 'standalone/apps/web');
const server = path.join(serverDir, 'server.js');
if (!existsSync(server)) {
  process.stderr.write(`${path.relative(process.cwd(), server)} is missing: run \`pnpm build\` first.\n`);
  process.exit(1);
}
// Next leaves static assets out of the standalone tree (for a CDN); the image copies them next to
// server.js, and so does this, so the pages load their scripts and styles.
cpSync(path.join(distDir, 'static'), path.join(serverDir, path.basename(distDir), 'static'), { recursive: true });
// Next's server listens on HOSTNAME:PORT; HOST is what every livecart service reads. HOSTNAME is always
// set here because shells and containers often export the machine's name under it.
process.env.HOSTNAME = process.env.HOST || '0.0.0.0';
process.env.PORT ||= '3000';
await import(pathToFileURL(server).href);
