import { randomBytes } from 'node:crypto';
import { skipWithoutBuilds } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzReport } from '../src/fuzz/fuzz-report.js';
import { rawExchange } from '../src/fuzz/http/raw-exchange.js';
import { runPool } from '../src/fuzz/run-pool.js';
import { fuzzSeed } from '../src/fuzz/seed.js';
import { floodCases, framesIn, sampleFrameCases } from '../src/fuzz/ws/frame-cases.js';
import { handshakeCases } from '../src/fuzz/ws/handshake-cases.js';
import { LiveWatcher } from '../src/fuzz/ws/live-watcher.js';
import { sampleMessageCases, type MessageCase } from '../src/fuzz/ws/message-cases.js';
import { startPriceWriter } from '../src/fuzz/ws/price-writer.js';
import { RawWsConnection } from '../src/fuzz/ws/raw-ws-connection.js';
import { describeFrameCase, runFrameCase, type WsTarget } from '../src/fuzz/ws/run-frame-case.js';
import { runMessageBatch } from '../src/fuzz/ws/run-message-batch.js';
import { isAlive, megabytes, readRssBytes, startServers, watchRss, type TestServers } from '../src/servers/index.js';

/**
 * Hostile WebSocket traffic against the production build of the realtime service: malformed messages
 * over `ws`, framing-level abuse over raw sockets (own frame encoder), rate floods, handshake abuse and
 * half-finished upgrades held open throughout. Every abuse must get an `error` message or a documented
 * close code; meanwhile, well-behaved subscribers must receive every event written through the api.
 */

const skip = skipWithoutBuilds('fuzz-ws', ['api', 'realtime']);

const MESSAGE_FRAMES = 12_000;
const FRAMES_PER_BATCH = 120;
const FRAME_VARIATIONS = 10;
const CONCURRENCY = 16;
const TIMEOUT_MS = 10_000;
const HELD_UPGRADES = 100;
const DRIPPED_UPGRADES = 6;
const WATCHERS = 4;
/** Realtime RSS growth allowed over the whole run. */
const RSS_GROWTH_LIMIT_BYTES = 100 * 1024 * 1024;

describe.skipIf(skip)('hostile WebSocket input against the built realtime', () => {
  const seed = fuzzSeed('fuzz-ws');
  let servers: TestServers;
  let target: WsTarget;
  let productId: string;
  /** The product's version at creation: its create event may or may not reach the catalog subscriber. */
  let createdVersion: number;
  const watchers: LiveWatcher[] = [];
  let rssBefore = 0;
  let rssPeak = 0;

  beforeAll(async () => {
    servers = await startServers({
      label: 'fuzz-ws',
      apiEnv: { OUTBOX_POLL_MS: '50' },
      // Each batch of malformed frames must reach the parser, not the message-rate limiter; the flood
      // cases below still go past this limit on purpose.
      realtimeEnv: { WS_MAX_MESSAGES_PER_SECOND: '500' },
    });
    target = { host: '127.0.0.1', port: servers.realtime.port, origin: servers.origin };
    const created = await fetch(`${servers.api.url}/v1/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${servers.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sku: `WS-${randomBytes(4).toString('hex').toUpperCase()}`, name: 'Watched lamp', category: 'fuzzing', priceMinor: 999, stock: 5 }),
    });
    if (created.status !== 201) throw new Error(`creating the watched product failed with ${created.status}: ${await created.text()}`);
    const product = (await created.json()) as { id: string; version: number };
    productId = product.id;
    createdVersion = product.version;
    for (let i = 0; i < WATCHERS; i++) watchers.push(await LiveWatcher.connect(servers.wsUrl, servers.origin, i === 0 ? ['catalog'] : [`product:${productId}`]));
    rssBefore = await readRssBytes(servers.realtime.pid);
  });

  afterAll(async () => {
    for (const watcher of watchers) watcher.close();
    await servers?.stop();
  });

  it('answers 10 000+ malformed frames with an error or a documented close code while subscribers get every event', async () => {
    const report = new FuzzReport('WebSocket abuse');
    const watch = watchRss(servers.realtime.pid);
    const writer = startPriceWriter({ apiUrl: servers.api.url, apiKey: servers.apiKey, productId, intervalMs: 100 });
    let framesSent = 0;

    // Half-finished upgrades, held open for the whole run: half will be completed, half abandoned.
    let completeHeld!: () => void;
    let abandonHeld!: (reason: Error) => void;
    const completed = new Promise<void>((resolve) => (completeHeld = resolve));
    const abandoned = new Promise<void>((_, reject) => (abandonHeld = reject));
    const held = Array.from({ length: HELD_UPGRADES }, (_, i) => RawWsConnection.open({ ...target, timeoutMs: TIMEOUT_MS, gate: i % 2 === 0 ? completed : abandoned }));
    const dripped = Array.from({ length: DRIPPED_UPGRADES }, () => RawWsConnection.open({ ...target, timeoutMs: TIMEOUT_MS, dripMs: 15 }));

    // 1. Malformed messages over ws, each batch on one connection that must stay open.
    const messages = sampleMessageCases(MESSAGE_FRAMES, seed);
    const batches: MessageCase[][] = [];
    for (let i = 0; i < messages.length; i += FRAMES_PER_BATCH) batches.push(messages.slice(i, i + FRAMES_PER_BATCH));
    await runPool(batches, CONCURRENCY, async (batch, index) => {
      const result = await runMessageBatch(servers.wsUrl, servers.origin, batch, TIMEOUT_MS);
      framesSent += batch.length;
      report.sent += batch.length;
      for (const reply of result.replies) report.count(reply);
      if (result.problems.length > 0) {
        const frames = batch.map((messageCase, i) => `#${index * FRAMES_PER_BATCH + i} ${messageCase.category} → ${messageCase.expect}: ${JSON.stringify(messageCase.data).slice(0, 2_000)}`);
        report.fail(`message batch #${index} (FUZZ_SEED=${seed}), frames in order:\n${frames.join('\n')}`, result.problems);
      }
    });

    // 2. Framing-level abuse over raw sockets, then the floods, one connection per case.
    const frameCases = [...sampleFrameCases(FRAME_VARIATIONS, seed), ...floodCases()];
    await runPool(frameCases, CONCURRENCY, async (frameCase, index) => {
      const result = await runFrameCase(target, frameCase, TIMEOUT_MS);
      framesSent += framesIn(frameCase);
      report.sent += framesIn(frameCase);
      report.count(result.outcome);
      if (result.problems.length > 0) report.fail(describeFrameCase(frameCase, `frame case #${index} (FUZZ_SEED=${seed})`), result.problems);
    });

    // 3. Upgrade requests that must be refused before a socket exists.
    for (const handshake of handshakeCases(`127.0.0.1:${target.port}`, servers.origin)) {
      const result = await rawExchange({ host: target.host, port: target.port, steps: [handshake.request], timeoutMs: TIMEOUT_MS });
      const status = result.responses[0]?.status;
      report.count(`handshake ${status ?? 'no answer'}`);
      if (status === undefined || !handshake.statuses.includes(status)) {
        report.fail(`handshake "${handshake.name}":\n${JSON.stringify(handshake.request.slice(0, 2_000))}`, [`status ${status ?? 'none'}, expected ${handshake.statuses.join(' or ')}`]);
      }
    }

    // While the half-open upgrades are still held, a newcomer is served as usual.
    const newcomer = await LiveWatcher.connect(servers.wsUrl, servers.origin, [`product:${productId}`]);
    newcomer.close();

    // 4. Finish half of the held upgrades (they must become normal sessions), abandon the rest.
    completeHeld();
    abandonHeld(new Error('abandoned on purpose'));
    const upgrades = await Promise.allSettled([...held, ...dripped]);
    const finished = upgrades.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const welcomed = await Promise.all(finished.map((connection) => connection.until(() => connection.messages().some((message) => message.type === 'welcome'), TIMEOUT_MS)));
    for (const connection of finished) connection.destroy();
    const unexpectedFailures = upgrades.filter((result, i) => result.status === 'rejected' && !(i < HELD_UPGRADES && i % 2 === 1));
    report.count(`slowloris completed ${welcomed.filter(Boolean).length}`);
    if (finished.length !== HELD_UPGRADES / 2 + DRIPPED_UPGRADES || welcomed.some((ok) => !ok) || unexpectedFailures.length > 0) {
      report.fail(`${HELD_UPGRADES} upgrades held half-sent, ${DRIPPED_UPGRADES} dripped byte by byte`, [
        `${finished.length} of ${HELD_UPGRADES / 2 + DRIPPED_UPGRADES} completed, ${welcomed.filter(Boolean).length} welcomed; failures: ${unexpectedFailures.map((result) => String((result as PromiseRejectedResult).reason)).join('; ')}`,
      ]);
    }

    // 5. Every event written meanwhile reached every well-behaved subscriber, once and in order.
    const written = await writer.stop();
    watch.stop();
    rssPeak = watch.peakBytes;
    const last = written.at(-1)!;
    await Promise.all(watchers.map((watcher) => watcher.until(() => watcher.versionsOf(productId).includes(last), TIMEOUT_MS)));
    console.log(`[fuzz-ws] ${report.summary()}`);
    console.log(`[fuzz-ws] ${framesSent} frames sent; ${written.length} events written through the api during the run`);

    expect(report.failureCount, report.failureText()).toBe(0);
    expect(framesSent).toBeGreaterThanOrEqual(10_000);
    expect(written.length).toBeGreaterThan(10);
    for (const [i, watcher] of watchers.entries()) {
      expect(watcher.open, `subscriber ${i} was closed with ${watcher.closeCode}`).toBe(true);
      expect(
        watcher.versionsOf(productId).filter((version) => version > createdVersion),
        `subscriber ${i}`,
      ).toEqual(written);
    }
  });

  it('stays healthy afterwards: process alive, /health and /ready answer, no session leaked, RSS bounded', async () => {
    expect(isAlive(servers.realtime.pid), `the realtime process died:\n${servers.realtime.recentOutput().join('\n')}`).toBe(true);
    expect((await fetch(`${servers.realtime.url}/health`)).status).toBe(200);
    const connections = async () => ((await (await fetch(`${servers.realtime.url}/ready`)).json()) as { connections: number }).connections;
    // Abused connections are gone; only the well-behaved subscribers remain.
    await expect.poll(connections, { timeout: TIMEOUT_MS, interval: 100 }).toBe(WATCHERS);

    const rssAfter = await readRssBytes(servers.realtime.pid);
    console.log(`[fuzz-ws] realtime RSS: before ${megabytes(rssBefore)}, peak ${megabytes(rssPeak)}, after ${megabytes(rssAfter)}`);
    expect(rssAfter - rssBefore, `RSS grew from ${megabytes(rssBefore)} to ${megabytes(rssAfter)}`).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);
  });
});
