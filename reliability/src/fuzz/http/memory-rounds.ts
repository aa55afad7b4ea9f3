import { parseArgs } from 'node:util';
import { missingBuildsMessage } from '@livecart/local-services/testing';
import { INSPECT_ON_FREE_PORT, megabytes, readRssBytes, settledMemory, startServers } from '../../servers/index.js';
import { fuzzSeed } from '../seed.js';
import { createFuzzTargets, generateFuzzCases, sendHttpRound, sendRawRound } from './http-rounds.js';

const USAGE = `pnpm --filter @livecart/reliability exec tsx src/fuzz/http/memory-rounds.ts [--rounds 4] [--node-arg <flag>]…

Runs the HTTP fuzzer's cases (FUZZ_SEED, as the test) against one built api several rounds back to back
and prints, after each, the api's RSS, then its heap, external memory and RSS after a full collection
(through its inspector). A leak grows the collected numbers round after round; V8 sizing and the C
allocator's kept pages do not. --node-arg passes a flag to the api's node, e.g. --node-arg=--trace-gc
(its lines are printed) or --node-arg=--max-semi-space-size=16.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '4' }, 'node-arg': { type: 'string', multiple: true, default: [] }, help: { type: 'boolean', short: 'h' } },
  });
  const rounds = Number(values.rounds);
  if (values.help === true || !Number.isInteger(rounds) || rounds < 1) {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  const missing = missingBuildsMessage(['api', 'realtime']);
  if (missing !== undefined) {
    console.error(missing);
    return 1;
  }

  const seed = fuzzSeed('memory-rounds');
  const nodeArgs = values['node-arg'];
  const servers = await startServers({
    label: 'memory-rounds',
    apiNodeArgs: [INSPECT_ON_FREE_PORT, ...nodeArgs],
    apiEnv: { RATE_LIMIT_READ_MAX: '1000000000', RATE_LIMIT_WRITE_MAX: '1000000000', RATE_LIMIT_ORDER_MAX: '1000000000', RATE_LIMIT_SHOPPER_ORDER_MAX: '1000000000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '10000', LOGIN_MAX_FAILURES_PER_IP: '100000' },
    onLine: (line) => {
      if (line.startsWith('[api]') && /Scavenge|Mark-Compact|Mark-Sweep/.test(line)) console.log(line);
    },
  });
  try {
    console.log(`[memory-rounds] api pid ${servers.api.pid} on node ${process.version}${nodeArgs.length > 0 ? ` with ${nodeArgs.join(' ')}` : ''}`);
    const cases = await generateFuzzCases(servers, await createFuzzTargets(servers), seed);
    const inspectorUrl = servers.api.inspectorUrl;
    if (inspectorUrl === undefined) throw new Error('the api printed no inspector address');
    console.log(`[memory-rounds] before: RSS ${megabytes(await readRssBytes(servers.api.pid))}`);
    for (let round = 1; round <= rounds; round++) {
      const started = Date.now();
      const http = await sendHttpRound(servers, cases.http, seed, `HTTP requests (round ${round})`);
      const raw = await sendRawRound(servers, cases.raw, seed, `raw-socket requests (round ${round})`);
      const rss = await readRssBytes(servers.api.pid);
      const settled = await settledMemory(inspectorUrl);
      console.log(
        `[memory-rounds] round ${round} (${((Date.now() - started) / 1000).toFixed(0)} s, ${http.report.failureCount + raw.report.failureCount} failed cases): ` +
          `RSS peak ${megabytes(Math.max(http.rssPeak, raw.rssPeak))}, at the end ${megabytes(rss)}; after a full collection ` +
          `heap ${megabytes(settled.heapUsed)}, external ${megabytes(settled.external)}, RSS ${megabytes(settled.rss)}`,
      );
    }
    return 0;
  } finally {
    await servers.stop();
  }
}

process.exitCode = await main();
