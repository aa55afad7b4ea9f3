import type { CeilingResult } from './suites/ceiling.js';
import type { ChurnResult } from './suites/churn.js';
import type { DensityResult } from './suites/density.js';
import type { HotResult } from './suites/hot.js';
import type { ResumeResult } from './suites/resume.js';

function table(title: string, rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  console.log(`\n${title}`);
  console.table(rows);
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);

/** The same figures as the JSON, as tables with the ratios the targets are stated in. */
export function printTables(results: Record<string, unknown>): void {
  const density = (results.density ?? []) as DensityResult[];
  table(
    'Density (target ≤ 8 MB RSS per 1,000 connections, 5 topics each)',
    density.map((r) => ({
      server: r.server,
      connections: r.connections,
      'RSS idle MB': r.rssIdleMb,
      'RSS +3 s MB': r.rssConnectedMb,
      'RSS settled MB': r.rssSettledMb,
      'MB / 1k settled': r.mbPer1kConnections,
      'MB / 1k at +3 s': r.mbPer1kConnectionsAt3s,
    })),
  );

  const hot = (results.hot ?? []) as HotResult[];
  const hotOurs = hot.find((r) => r.server === 'ours');
  const hotBare = hot.find((r) => r.server === 'bare');
  table(
    `Hot topic: publish → last of N subscribers (target ours/bare ≤ 1.1×; measured ${ratio(hotOurs?.medianMs, hotBare?.medianMs)})`,
    hot.map((r) => ({ server: r.server, subscribers: r.subscribers, 'median ms': r.medianMs, 'per event ms': r.lastReceiveMs.join(' ') })),
  );

  const churn = (results.churn ?? []) as ChurnResult[];
  const churnOurs = churn.find((r) => r.server === 'ours');
  const churnNaive = churn.find((r) => r.server === 'naive');
  table(
    `Churn (target 0 lost, 0 duplicated, p99 ≤ 50 ms; delivered/s ours vs naive ${ratio(churnOurs?.deliveredPerSecond, churnNaive?.deliveredPerSecond)})`,
    churn.map((r) => ({
      server: r.server,
      clients: r.clients,
      'events/s': r.ratePerSecond,
      expected: r.expectedDeliveries,
      delivered: r.delivered,
      lost: r.lost,
      'dup/reordered': r.duplicatedOrReordered,
      'p50 ms': r.latencyMs.p50,
      'p99 ms': r.latencyMs.p99,
      'max ms': r.latencyMs.max,
      'server p99 ms': r.serverLagMs?.p99 ?? '',
      'delivered/s': r.deliveredPerSecond,
      'events/frame': r.eventsPerFrame,
      'server CPU %': r.serverCpuPercent,
      'server µs/frame': r.serverCpuUsPerFrame,
      'clients CPU %': r.clientCpuPercent,
      'clients µs/frame': r.clientCpuUsPerFrame,
    })),
  );

  const ceiling = (results.ceiling ?? []) as CeilingResult[];
  const ceilingOurs = ceiling.find((r) => r.server === 'ours');
  const ceilingBare = ceiling.find((r) => r.server === 'bare');
  table(
    `Throughput ceiling (target ours ≥ 3× bare; measured ${ratio(ceilingOurs?.deliveredPerSecond, ceilingBare?.deliveredPerSecond)} at the clients, ${ratio(ceilingOurs?.deliveredPerServerCpuSecond, ceilingBare?.deliveredPerServerCpuSecond)} per server CPU-second)`,
    ceiling.map((r) => ({
      server: r.server,
      clients: r.clients,
      events: r.events,
      delivered: r.delivered,
      expected: r.expectedDeliveries,
      seconds: r.seconds,
      'delivered/s': r.deliveredPerSecond,
      'events/frame': r.eventsPerFrame,
      'server CPU %': r.serverCpuPercent,
      'per server CPU-s': r.deliveredPerServerCpuSecond,
    })),
  );

  const resume = results.resume as ResumeResult | undefined;
  if (resume !== undefined) {
    table(
      `Reconnect storm: resumes from the recent-events window vs the Redis Stream (stream ÷ memory: all subscribed ${resume.streamOverMemory.allSubscribed}×, server CPU ${resume.streamOverMemory.serverCpu}×)`,
      resume.rounds.map((r) => ({
        source: r.source,
        round: r.round,
        clients: r.clients,
        missed: r.missed,
        'all subscribed ms': r.allSubscribedMs,
        'server CPU ms': r.serverCpuMs,
        'read from memory': r.readFromMemory,
        'read from stream': r.readFromStream,
        expected: r.expectedDeliveries,
        delivered: r.delivered,
        lost: r.lost,
        'dup/reordered': r.duplicatedOrReordered,
      })),
    );
  }
}
