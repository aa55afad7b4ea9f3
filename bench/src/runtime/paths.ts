import { fileURLToPath } from 'node:url';
import { repoRoot } from '@livecart/local-services/testing';

/** The repository root and the bench package, wherever the command was started from. */
export const REPO = repoRoot;
export const BENCH = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = `${BENCH}results`;
export const SCRATCH = `${BENCH}results/tmp`;

/** Servers under test run on core 0; load generators, client fleets and this coordinator on core 1. */
export const SERVER_CPUS = '0';
export const CLIENT_CPUS = '1';

/** `--import` argument that lets a child node process run TypeScript. */
export const TSX_IMPORT = ['--import', import.meta.resolve('tsx')];

/**
 * The node that runs load generators and client fleets. By default the bench's own; compare-runtimes
 * pins it to one build while the servers under test change runtime, so the load is the same for both.
 */
export const LOAD_NODE = process.env.LIVECART_BENCH_LOAD_NODE || process.execPath;
