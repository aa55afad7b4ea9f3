import { setTimeout as delay } from 'node:timers/promises';
import { skipWithoutBuilds } from '@livecart/local-services/testing';
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../src/checker/api-load.js';
import { describeRun, faultRow } from '../src/checker/fault-report.js';
import { runFault, type FaultContext, type FaultRunResult } from '../src/checker/fault-run.js';
import { isSuccess } from '../src/checker/http.js';
import { findViolations } from '../src/checker/run-violations.js';
import type { TcpProxy } from '../src/proxy/tcp-proxy.js';
import { useFaultStack } from './support/fault-suite.js';

/**
 * Network trouble between the services, injected by the TCP proxies of the stack: a path that stalls
 * (bytes stop flowing, nothing is closed) and one whose connections keep being reset, between the api
 * and Postgres, the api and Redis, and realtime and Redis. Timeouts must fire, no request may hang,
 * and everything must recover by itself.
 */

const skip = skipWithoutBuilds('faults-network', ['api', 'realtime']);

/**
 * Headroom on a configured timeout for a loaded two-core machine: latencies are measured in this process,
 * behind the in-process balancer, next to 500 clients.
 */
const SLACK_MS = 2_500;
/** The pool's connect timeout, fixed in apps/api/src/db/pool.ts. */
const PG_CONNECT_TIMEOUT_MS = 3_000;
/**
 * Longer than the answer bound of each path (and, for Redis, than the relay's 5 s command timeout), so
 * a request that waited for the lift instead of a timeout shows.
 */
const REDIS_STALL_MS = 6_000;
const POSTGRES_STALL_MS = 10_000;
const RESETS = 4;
const RESET_EVERY_MS = 750;

describe.skipIf(skip)('faults: network trouble between the services', () => {
  const suite = useFaultStack();

  const setting = (name: string) => Number(suite.stack.settings.api[name]);
  /** A request needing Redis waits at most its command timeout before the api falls back to Postgres. */
  const redisBound = () => setting('REDIS_COMMAND_TIMEOUT_MS') + SLACK_MS;
  /** A request needing Postgres waits at most for a connection, then for one query (statement timeout + 1 s). */
  const postgresBound = () => PG_CONNECT_TIMEOUT_MS + setting('DATABASE_STATEMENT_TIMEOUT_MS') + 1_000 + SLACK_MS;

  const stall = (link: () => TcpProxy, ms: number) => async (fault: FaultContext) => {
    await link().stall();
    await delay(ms);
    await link().pass();
    fault.lifted();
  };
  const flap = (link: () => TcpProxy) => async (fault: FaultContext) => {
    let cut = 0;
    for (let i = 0; i < RESETS; i++) {
      if (i > 0) await delay(RESET_EVERY_MS);
      cut += link().reset();
    }
    fault.lifted();
    fault.note(`${RESETS} resets cut ${cut} connections`);
  };

  /** Attempts sent while the fault lasted, with the ones answered too late or not at all. */
  function answersDuringFault(result: FaultRunResult, boundMs: number): { during: Attempt[]; late: Attempt[] } {
    const during = result.load.attemptsBetween(result.faultStart, result.faultEnd);
    return { during, late: during.filter((attempt) => typeof attempt.status !== 'number' || attempt.ms > boundMs) };
  }

  it('api ⇄ Redis stalled: the Redis timeout fires, requests are answered 2xx, nothing hangs', async () => {
    const result = await runFault(suite.stack, stall(() => suite.stack.links.apiRedis, REDIS_STALL_MS));
    suite.rows.push(faultRow('api-redis-stall', `api ⇄ Redis stalled ${REDIS_STALL_MS / 1000} s`, result));

    expect(findViolations(result), describeRun(result)).toEqual([]);
    const { during, late } = answersDuringFault(result, redisBound());
    expect(during.length).toBeGreaterThan(300);
    expect(late, describeRun(result)).toEqual([]);
    // Redis is a cache and a publisher: without it, reads and writes still succeed.
    expect(during.filter((attempt) => !isSuccess(attempt.status) && attempt.status !== 412), describeRun(result)).toEqual([]);
  });

  it('api ⇄ Redis connections reset repeatedly: requests are answered 2xx, the relay publishes again', async () => {
    const result = await runFault(suite.stack, flap(() => suite.stack.links.apiRedis));
    suite.rows.push(faultRow('api-redis-reset', `api ⇄ Redis reset ${RESETS}× in ${((RESETS - 1) * RESET_EVERY_MS) / 1000} s`, result));

    expect(findViolations(result), describeRun(result)).toEqual([]);
    const { during, late } = answersDuringFault(result, redisBound());
    expect(late, describeRun(result)).toEqual([]);
    expect(during.filter((attempt) => !isSuccess(attempt.status) && attempt.status !== 412), describeRun(result)).toEqual([]);
  });

  it('realtime ⇄ Redis connections reset repeatedly: each instance refills what it missed from the stream, no client needs a reset', async () => {
    const result = await runFault(suite.stack, flap(() => suite.stack.links.realtimeRedis));
    suite.rows.push(faultRow('realtime-redis-reset', `realtime ⇄ Redis reset ${RESETS}× in ${((RESETS - 1) * RESET_EVERY_MS) / 1000} s`, result));

    expect(findViolations(result), describeRun(result)).toEqual([]);
    // The stream still holds every event the subscription missed: nothing should be covered by a refetch.
    expect(result.fleet.clientsReset).toBe(0);
    expect(result.fleet.reconnects).toBe(0);
  });

  it('api ⇄ Postgres stalled: queries time out into 503 envelopes, nothing hangs, writes succeed again after', async () => {
    const result = await runFault(suite.stack, stall(() => suite.stack.links.apiPostgres, POSTGRES_STALL_MS));
    suite.rows.push(faultRow('api-postgres-stall', `api ⇄ Postgres stalled ${POSTGRES_STALL_MS / 1000} s`, result));

    expect(findViolations(result), describeRun(result)).toEqual([]);
    const { during, late } = answersDuringFault(result, postgresBound());
    expect(late, describeRun(result)).toEqual([]);
    expect(during.filter((attempt) => attempt.status === 503).length).toBeGreaterThan(0);
    expect(during.filter((attempt) => !isSuccess(attempt.status) && attempt.status !== 412 && attempt.status !== 503), describeRun(result)).toEqual([]);
  });

  it('api ⇄ Postgres connections reset repeatedly: 2xx or 503 envelopes, no crash, everything recovers', async () => {
    const { apps } = suite.stack;
    const pids = apps.names().map((name) => apps.pid(name));
    const result = await runFault(suite.stack, flap(() => suite.stack.links.apiPostgres));
    suite.rows.push(faultRow('api-postgres-reset', `api ⇄ Postgres reset ${RESETS}× in ${((RESETS - 1) * RESET_EVERY_MS) / 1000} s`, result));

    expect(findViolations(result), describeRun(result)).toEqual([]);
    const { during, late } = answersDuringFault(result, postgresBound());
    expect(late, describeRun(result)).toEqual([]);
    expect(during.filter((attempt) => !isSuccess(attempt.status) && attempt.status !== 412 && attempt.status !== 503), describeRun(result)).toEqual([]);
    // The same processes served throughout: a connection failing mid-transaction must not end one.
    expect(apps.names().map((name) => apps.pid(name))).toEqual(pids);
  });
});
