#!/usr/bin/env node
// pnpm links workspace bins at install time, before anything is built: a bin pointing into dist/ would
// not be linked on a fresh clone. This file is always there; the CLI itself is the built dist/cli.js.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('[services] @livecart/local-services is not built: run `pnpm build` at the repo root first.\n');
  process.exit(1);
}
await import(cli.href);
