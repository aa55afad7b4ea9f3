import { round } from '../src/stats.js';
import type { RaceMode, ShopperResult, Step } from './protocol.js';

/** Codes that tell a shopper plainly that the product is gone. */
export const SOLD_OUT_CODES = new Set(['OUT_OF_STOCK', 'SOLD_OUT']);

export interface Spread {
  p50: number | null;
  p99: number | null;
  max: number | null;
  count: number;
}

/**
 * Nearest-rank percentiles; a missing value (null: it never happened) counts as slower than any other, so
 * a p99 is null when more than 1 % never happened.
 */
export function spread(values: readonly (number | null)[]): Spread {
  const present = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const at = (p: number): number | null => {
    if (values.length === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * values.length));
    return rank <= present.length ? round(present[rank - 1]!) : null;
  };
  return { p50: at(50), p99: at(99), max: present.length === values.length ? at(100) : null, count: values.length };
}

/** `order 201`, `add 409 OUT_OF_STOCK`, `cart error ECONNRESET`: how a race ended for one shopper. */
export function answerLabel(step: Step): string {
  return step.status === 0 ? `${step.name} error ${step.code}` : `${step.name} ${step.status}${step.code === null ? '' : ` ${step.code}`}`;
}

export interface RaceMeasures {
  mode: RaceMode;
  shoppers: number;
  /** Shoppers whose race ended in an order. */
  winners: number;
  /** Final answers by step, status and code. */
  answers: Record<string, number>;
  /** Losers whose final answer was not a 409 saying the product is gone. */
  unclearAnswers: number;
  /** Click → the losers' final answer. */
  loserAnswerMs: Spread;
  /** The successful order-making request (POST /v1/orders or /v1/checkout), sent → answered. */
  winnerRequestMs: Spread;
  /** Click → order, for winners (cart, add and checkout in checkout mode). */
  winnerTotalMs: Spread;
  /**
   * From the last unit's commit to each page showing available 0. Postgres keeps no commit time, so the
   * commit is taken at the earliest moment it is known to have happened: the answer that took the last unit
   * reaching its shopper (an order; in checkout mode, an add), the relay's publication of the event, or the
   * first page showing it, whichever came first. Every one of them follows the commit, so this is a lower
   * bound (the tightest the run can observe), and never less than the fan-out's own spread.
   */
  soldOutVisibleMs: Spread;
  /** From the last successful answer that took a unit to each page showing available 0 (negative: the page was first). */
  soldOutFromAnswerMs: Spread;
  /**
   * From the relay's publication of the first event with available 0 (the outbox row's `published_at`,
   * Postgres's clock: after the commit and the hand-over to Redis) to each page showing it.
   */
  soldOutFromPublishMs: Spread;
  /** From the first page that showed sold out to each page: the fan-out's own spread. */
  soldOutSpreadMs: Spread;
  /** Each request kind, sent → answered, whatever the answer. */
  stepMs: Record<string, Spread>;
  /** Pages that showed available 0 before the last unit's answer reached its shopper. */
  soldOutSeenEarly: number;
  /** Pages that never showed available 0. */
  soldOutNeverSeen: number;
  /** First click → last final answer. */
  raceMs: number;
  /** Pages whose socket failed or closed during the race, and why (close code or error), by count. */
  socketProblems: number;
  socketProblemReasons: Record<string, number>;
  /** Frames each page's socket received after it subscribed: what the fan-out wrote per page. */
  framesPerPage: Spread;
  /** Opening a page: the product GET, then subscribe → subscribed. */
  pageOpenMs: Spread;
  /** The storefront's rendered page, for the shoppers that loaded it. */
  storefrontMs: Spread;
}

/**
 * One change to the product made with every page open and nothing else going on (the probe): how long the
 * same fan-out takes to every page when it has the machine to itself, the floor the sold-out figure is read
 * against. Timed as the sold-out is: from the earliest moment the change is known to have been committed
 * (its PATCH answered, the relay's publication, or the first page showing it), and from the first page.
 */
export interface ProbeMeasures {
  visibleMs: Spread;
  spreadMs: Spread;
  neverSeen: number;
}

export function measureProbe(shoppers: readonly ShopperResult[], answeredAt: number, publishedAt: number | null): ProbeMeasures {
  const seen = shoppers.flatMap((shopper) => (shopper.probeSeenAt === null ? [] : [shopper.probeSeenAt]));
  const firstSeen = seen.length === 0 ? null : Math.min(...seen);
  const committedBy = Math.min(...[answeredAt, publishedAt, firstSeen].filter((at): at is number => at !== null));
  const since = (from: number | null) => shoppers.map((shopper) => (from === null || shopper.probeSeenAt === null ? null : shopper.probeSeenAt - from));
  return { visibleMs: spread(since(committedBy)), spreadMs: spread(since(firstSeen)), neverSeen: shoppers.length - seen.length };
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const TAKES_A_UNIT: Record<RaceMode, Step['name']> = { orders: 'order', checkout: 'add', 'checkout-warm': 'add' };

export function measureRace(mode: RaceMode, shoppers: readonly ShopperResult[], soldOutPublishedAt: number | null = null): RaceMeasures {
  const answers: Record<string, number> = {};
  const finals = shoppers.map((shopper) => shopper.steps.at(-1));
  for (const final of finals) {
    const label = final === undefined ? 'no answer' : answerLabel(final);
    answers[label] = (answers[label] ?? 0) + 1;
  }
  const winners = shoppers.filter((shopper) => shopper.won);
  const losers = shoppers.filter((shopper) => !shopper.won);
  const clear = (shopper: ShopperResult) => {
    const final = shopper.steps.at(-1);
    return final !== undefined && final.status === 409 && final.code !== null && SOLD_OUT_CODES.has(final.code);
  };
  const finalStep = winners.length > 0 ? (mode === 'orders' ? 'order' : 'checkout') : null;
  const taken = shoppers.flatMap((shopper) => shopper.steps.filter((step) => step.name === TAKES_A_UNIT[mode] && step.status >= 200 && step.status < 300));
  const soldOutAt = taken.length === 0 ? null : Math.max(...taken.map((step) => step.answeredAt));
  const seen = shoppers.flatMap((shopper) => (shopper.soldOutSeenAt === null ? [] : [shopper.soldOutSeenAt]));
  const firstSeen = seen.length === 0 ? null : Math.min(...seen);
  const since = (from: number | null) => shoppers.map((shopper) => (from === null || shopper.soldOutSeenAt === null ? null : shopper.soldOutSeenAt - from));
  const known = [soldOutAt, soldOutPublishedAt, firstSeen].filter((at): at is number => at !== null);
  const committedBy = known.length === 0 ? null : Math.min(...known);
  const fromAnswer = since(soldOutAt);
  const stepMs: Record<string, Spread> = {};
  for (const name of new Set(shoppers.flatMap((shopper) => shopper.steps.map((step) => step.name)))) {
    stepMs[name] = spread(shoppers.flatMap((shopper) => shopper.steps.filter((step) => step.name === name).map((step) => step.answeredAt - step.sentAt)));
  }
  const goAts = shoppers.map((shopper) => shopper.goAt).filter((at) => at > 0);
  const answeredAts = finals.flatMap((final) => (final === undefined ? [] : [final.answeredAt]));
  return {
    mode,
    shoppers: shoppers.length,
    winners: winners.length,
    answers,
    unclearAnswers: losers.filter((shopper) => !clear(shopper)).length,
    loserAnswerMs: spread(losers.map((shopper) => (shopper.steps.length === 0 ? null : shopper.steps.at(-1)!.answeredAt - shopper.goAt))),
    winnerRequestMs: spread(winners.map((shopper) => {
      const step = shopper.steps.find((s) => s.name === finalStep);
      return step === undefined ? null : step.answeredAt - step.sentAt;
    })),
    winnerTotalMs: spread(winners.map((shopper) => shopper.steps.at(-1)!.answeredAt - shopper.goAt)),
    soldOutVisibleMs: spread(since(committedBy)),
    soldOutFromAnswerMs: spread(fromAnswer),
    soldOutFromPublishMs: spread(since(soldOutPublishedAt)),
    soldOutSpreadMs: spread(since(firstSeen)),
    stepMs,
    soldOutSeenEarly: fromAnswer.filter((ms) => ms !== null && ms < 0).length,
    soldOutNeverSeen: shoppers.filter((shopper) => shopper.soldOutSeenAt === null).length,
    raceMs: goAts.length === 0 || answeredAts.length === 0 ? 0 : round(Math.max(...answeredAts) - Math.min(...goAts)),
    socketProblems: shoppers.filter((shopper) => shopper.socketProblem !== null).length,
    socketProblemReasons: tally(shoppers.flatMap((shopper) => (shopper.socketProblem === null ? [] : [shopper.socketProblem]))),
    framesPerPage: spread(shoppers.map((shopper) => shopper.events)),
    pageOpenMs: spread(shoppers.map((shopper) => shopper.openMs)),
    storefrontMs: spread(shoppers.flatMap((shopper) => (shopper.storefrontMs === null ? [] : [shopper.storefrontMs]))),
  };
}
