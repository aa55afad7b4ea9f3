import type { Attempt } from './api-load.js';
import type { FaultRunResult } from './fault-run.js';

export interface ViolationOptions {
  /**
   * 502 from the balancer is expected when an api instance dies with requests in flight (the balancer
   * cannot retry a write); it is still counted in the report.
   */
  allowBalancer502?: boolean;
  /**
   * While an api instance is frozen (SIGSTOP) the balancer's HTTP pool still sends it requests (it has no
   * health check for HTTP), which hang until the client gives up: such hangs, of requests in flight during
   * this window (epoch ms), are expected; they are still counted in the report. Any other hang is not.
   */
  frozenApi?: { from: number; to: number };
}

function describe(attempt: Attempt): string {
  return `${attempt.op} → ${String(attempt.status)}${attempt.code === undefined ? '' : ` ${attempt.code}`} after ${Math.round(attempt.ms)} ms`;
}

/**
 * Every promise a run must keep whatever the fault, as readable violations (empty when all hold):
 * no event lost, duplicated or reordered, every view equal to Postgres, every acknowledged write in
 * Postgres, every request answered (no hang), no 500, every refusal in the error envelope, every
 * write eventually settled, every client connected at the end; with checkouts in the load, every
 * reserved unit held by a cart line, no session ordering twice, every accepted payment confirmed.
 */
export function findViolations(result: FaultRunResult, options: ViolationOptions = {}): string[] {
  const violations: string[] = [];
  const { deliveries, outbox, acknowledged, fleet, load } = result;
  const count = (what: string, n: number, examples: readonly string[] = []) => {
    if (n > 0) violations.push(`${n} ${what}${examples.length > 0 ? `, e.g. ${examples.slice(0, 3).join('; ')}` : ''}`);
  };
  count('versions lost (neither delivered nor covered by a reset refetch)', deliveries.lost, deliveries.examples);
  count('events delivered twice to a client', deliveries.duplicates, deliveries.examples);
  count('events delivered out of order', deliveries.outOfOrder, deliveries.examples);
  count('client views differ from Postgres after settling', deliveries.viewMismatches, deliveries.examples);
  count('product versions without exactly one outbox event', outbox.mismatched, outbox.examples);
  count('outbox events not published after the drain', outbox.unpublished);
  count('acknowledged writes missing from Postgres', acknowledged.missing, acknowledged.examples);
  if (result.convergeMs === undefined) violations.push('clients never caught up with what Postgres held when the fault was lifted');
  if (fleet.connected < fleet.clients) violations.push(`${fleet.clients - fleet.connected} of ${fleet.clients} clients not connected at the end`);
  count('problems seen by clients', result.clientProblems.length, result.clientProblems);
  count('events of a gone epoch delivered to clients after they moved on', fleet.foreignEpochEvents);
  const { history } = result;
  if (history !== undefined) {
    if (history.epoch === history.previousEpoch) violations.push('the database went back, and the relay never started a new epoch');
    count('clients never told of the new epoch', fleet.clients - history.clientsMoved);
  }
  const { checkouts } = result;
  if (checkouts !== undefined) {
    count('checkouts refused', checkouts.refused.length, checkouts.refused);
    count('products with reserved units no cart line holds (or holds not counted)', checkouts.unaccountedReservations.length, checkouts.unaccountedReservations);
    count('shopper sessions that ordered more than once', checkouts.duplicateOrders.length, checkouts.duplicateOrders);
    count('accepted payments never confirmed', checkouts.paymentsAccepted - checkouts.paid);
  }
  count('app processes that exited on their own', result.processProblems.length, result.processProblems);

  const frozen = options.frozenApi;
  const onFrozenApi = (a: Attempt) => frozen !== undefined && a.at <= frozen.to && a.at + a.ms >= frozen.from;
  const hung = load.attempts.filter((a) => (a.status === 'timeout' || a.status === 'network') && !onFrozenApi(a));
  count('requests without an answer (client timeout or broken connection)', hung.length, hung.map(describe));
  const balancer502 = (a: Attempt) => a.status === 502 && options.allowBalancer502 === true;
  const serverErrors = load.attempts.filter((a) => typeof a.status === 'number' && a.status >= 500 && a.status !== 503 && !balancer502(a));
  count('answers 5xx other than 503', serverErrors.length, serverErrors.map(describe));
  const bare = load.attempts.filter((a) => typeof a.status === 'number' && a.status >= 400 && !a.envelope && !balancer502(a));
  count('error answers without the error envelope', bare.length, bare.map(describe));
  const unsettled = load.writes.filter((write) => write.unknown);
  count('writes still failing when their retries ran out', unsettled.length);
  return violations;
}
