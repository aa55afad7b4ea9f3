import { dirname, join, resolve } from 'node:path';
import { exists } from './fs-utils.js';

export async function findRepoRoot(from: string): Promise<string> {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (await exists(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) {
      throw new Error(`no pnpm-workspace.yaml above ${from}: dev mode keeps its servers in <repo root>/.livecart`);
    }
  }
}
