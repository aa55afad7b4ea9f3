import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface Rule {
  pattern: RegExp;
  exclude: boolean;
}

/** Docker's .dockerignore globs: `*` and `?` stay within one path segment, `**` spans any number of them. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function readIgnoreRules(context: string): Rule[] {
  const file = join(context, '.dockerignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      const glob = (exclude ? line : line.slice(1)).replace(/^\/+/, '').replace(/\/+$/, '');
      return { pattern: globToRegExp(glob), exclude };
    });
}

/** The last matching rule decides, as in Docker. */
export function isIgnored(rules: readonly Rule[], relativePath: string): boolean {
  let ignored = false;
  for (const rule of rules) if (rule.pattern.test(relativePath)) ignored = rule.exclude;
  return ignored;
}

/**
 * Copies what `docker build <context>` would send: everything not excluded by `.dockerignore`. An
 * excluded directory is not descended into (our file re-includes nothing below one).
 */
export async function copyBuildContext(context: string, destination: string): Promise<void> {
  const rules = readIgnoreRules(context);
  const walk = async (relative: string): Promise<void> => {
    await mkdir(join(destination, relative), { recursive: true });
    for (const entry of await readdir(join(context, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (isIgnored(rules, path)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) await symlink(await readlink(join(context, path)), join(destination, path));
      else if (entry.isFile()) await copyFile(join(context, path), join(destination, path));
    }
  };
  await walk('');
}
