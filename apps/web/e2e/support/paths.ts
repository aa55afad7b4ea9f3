import path from 'node:path';

export const WEB_DIR = path.resolve(import.meta.dirname, '../..');
export const REPO_DIR = path.resolve(WEB_DIR, '../..');
export const API_DIR = path.join(REPO_DIR, 'apps/api');
export const REALTIME_DIR = path.join(REPO_DIR, 'apps/realtime');
export const ARTIFACTS_DIR = path.join(WEB_DIR, 'e2e/artifacts');
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** The suite builds and serves from its own directory, apart from `pnpm build`'s `.next`. */
export const E2E_DIST_DIR = '.next-e2e';
