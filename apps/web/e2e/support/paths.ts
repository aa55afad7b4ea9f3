import path from 'node:path';

export const WEB_DIR = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS_DIR = path.join(WEB_DIR, 'e2e/artifacts');
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** The suite builds and serves from its own directory, apart from `pnpm build`'s `.next`. */
export const E2E_DIST_DIR = '.next-e2e';
