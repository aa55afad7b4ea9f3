import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The storefront bundles this subpath for the browser: nothing it loads, down to the modules of
 * @livecart/schemas it imports, may need Node (a `node:` import, or a bare one other than zod's).
 */

const require = createRequire(import.meta.url);
const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveImport(from: string, specifier: string): string | null {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(from), specifier);
    return from.endsWith('.ts') ? target.replace(/\.js$/, '.ts') : target;
  }
  if (specifier.startsWith('@livecart/schemas')) return require.resolve(specifier);
  return null;
}

function modulesLoadedBy(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => (match[1] ?? match[2])!);
  seen.set(file, specifiers);
  for (const specifier of specifiers) {
    const target = resolveImport(file, specifier);
    if (target !== null) modulesLoadedBy(target, seen);
  }
  return seen;
}

describe('@livecart/client/realtime in a browser', () => {
  it('loads no Node-only module, its own or of @livecart/schemas', () => {
    const loaded = modulesLoadedBy(entry);
    expect(loaded.size).toBeGreaterThan(10);
    expect([...loaded.keys()].some((file) => file.includes('schemas'))).toBe(true);
    const bare = [...loaded].flatMap(([file, specifiers]) =>
      specifiers.filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('@livecart/schemas') && specifier !== 'zod').map((specifier) => `${file}: ${specifier}`),
    );
    expect(bare).toEqual([]);
  });
});
