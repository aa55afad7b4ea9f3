import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedFile, generateOpenApiTypes } from '../scripts/openapi-types.js';

/*
 * src/generated/openapi.ts is committed so that the package builds without a database; this regenerates
 * it from the API's current routes and fails while the two differ (run `pnpm --filter @livecart/client generate`).
 */

const dir = mkdtempSync(join(tmpdir(), 'livecart-client-generated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the committed generated types', () => {
  it('are what openapi-typescript makes of the API document today', () => {
    const fresh = join(dir, 'openapi.ts');
    generateOpenApiTypes(fresh);
    const committed = readFileSync(generatedFile, 'utf8');
    const regenerated = readFileSync(fresh, 'utf8');
    // the first differing line, rather than a 140 KB diff
    const freshLines = regenerated.split('\n');
    const firstDifference = committed.split('\n').findIndex((line, index) => line !== freshLines[index]);
    expect(firstDifference, 'src/generated/openapi.ts is stale: run `pnpm --filter @livecart/client generate`').toBe(-1);
    expect(regenerated).toBe(committed);
  }, 180_000);
});
