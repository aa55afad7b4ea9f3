import { describe, expect, it } from 'vitest';
import { measureProbe, measureRace, spread } from './measures.js';
import type { ShopperResult, Step } from './protocol.js';

const step = (name: Step['name'], status: number, code: string | null, sentAt: number, answeredAt: number): Step => ({ name, status, code, sentAt, answeredAt });
const shopper = (steps: Step[], soldOutSeenAt: number | null, won = steps.at(-1)?.status === 201): ShopperResult => ({
  goAt: steps[0]?.sentAt ?? 0,
  steps,
  won,
  soldOutSeenAt,
  probeSeenAt: null,
  events: 1,
  openMs: 1,
  storefrontMs: null,
  socketProblem: null,
});

describe('spread', () => {
  it('takes nearest-rank percentiles and counts a missing value as slower than all', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(spread(values)).toEqual({ p50: 50, p99: 99, max: 100, count: 100 });
    expect(spread([...values.slice(0, 98), null, null])).toMatchObject({ p50: 50, p99: null, max: null });
    expect(spread([...values.slice(0, 99), null])).toMatchObject({ p99: 99, max: null });
    expect(spread([])).toEqual({ p50: null, p99: null, max: null, count: 0 });
  });
});

describe('measureRace', () => {
  it('counts answers, tells clear refusals from unclear ones, and times sold out from the last order answered', () => {
    const shoppers = [
      shopper([step('order', 201, null, 1000, 1100)], 1150),
      shopper([step('order', 201, null, 1000, 1200)], 1210),
      shopper([step('order', 409, 'OUT_OF_STOCK', 1000, 1300)], 1190),
      shopper([step('order', 503, 'UNAVAILABLE', 1000, 1400)], null),
      shopper([step('order', 0, 'ECONNRESET', 1000, 1050)], 1500),
    ];
    const m = measureRace('orders', shoppers, 1100);
    expect(m.winners).toBe(2);
    expect(m.answers).toEqual({ 'order 201': 2, 'order 409 OUT_OF_STOCK': 1, 'order 503 UNAVAILABLE': 1, 'order error ECONNRESET': 1 });
    expect(m.unclearAnswers).toBe(2);
    expect(m.loserAnswerMs).toMatchObject({ p50: 300, max: 400, count: 3 });
    expect(m.winnerRequestMs).toMatchObject({ p50: 100, max: 200 });
    // The last unit's answer arrived at 1200: pages saw sold out -50, 10, -10 and 300 ms from it; one never.
    expect(m.soldOutFromAnswerMs).toMatchObject({ p50: 10, max: null, count: 5 });
    expect(m.soldOutSeenEarly).toBe(2);
    // The commit is known by 1100 (the relay's publication, the earliest witness): 50, 110, 90, 400.
    expect(m.soldOutVisibleMs).toMatchObject({ p50: 110, max: null, count: 5 });
    // From the relay's publication at 1100: 50, 110, 90, 400 and one never; from the first page (1150): 0, 60, 40, 350.
    expect(m.soldOutFromPublishMs).toMatchObject({ p50: 110, max: null });
    expect(m.soldOutSpreadMs).toMatchObject({ p50: 60, p99: null });
    expect(m.stepMs.order).toMatchObject({ p50: 200, max: 400, count: 5 });
    expect(m.soldOutNeverSeen).toBe(1);
    expect(m.raceMs).toBe(400);
    expect(m.socketProblemReasons).toEqual({});
  });

  it('in checkout mode times sold out from the last successful add and the winner request from the checkout', () => {
    const winner = shopper([step('cart', 201, null, 1000, 1010), step('add', 201, null, 1010, 1030), step('checkout', 201, null, 1030, 1090)], 1040);
    const loser = shopper([step('cart', 201, null, 1000, 1020), step('add', 409, 'OUT_OF_STOCK', 1020, 1060)], 1035);
    const stuck = shopper([step('cart', 201, null, 1000, 1020), step('add', 201, null, 1020, 1050), step('checkout', 409, 'PRICE_CHANGED', 1050, 1070)], 1055, false);
    const m = measureRace('checkout', [winner, loser, stuck]);
    expect(m.winners).toBe(1);
    expect(m.winnerRequestMs).toMatchObject({ p50: 60, max: 60 });
    expect(m.winnerTotalMs.max).toBe(90);
    expect(m.unclearAnswers).toBe(1);
    expect(m.answers['checkout 409 PRICE_CHANGED']).toBe(1);
    // The last add was answered at 1050, the first page saw sold out at 1035: the commit was before both.
    expect(m.soldOutFromAnswerMs).toMatchObject({ p50: -10, max: 5 });
    expect(m.soldOutVisibleMs).toMatchObject({ p50: 5, max: 20 });
  });
});

describe('measureProbe', () => {
  const seeing = (probeSeenAt: number | null): ShopperResult => ({ ...shopper([], null), probeSeenAt });

  it('times the quiet change from the earliest known commit, and counts pages that never showed it', () => {
    const shoppers = [seeing(1_040), seeing(1_090), seeing(null)];
    // The relay published before the PATCH's answer came back: that is the reference.
    const probe = measureProbe(shoppers, 1_050, 1_020);
    expect(probe.visibleMs).toEqual({ p50: 70, p99: null, max: null, count: 3 });
    expect(probe.spreadMs.p50).toBe(50);
    expect(probe.neverSeen).toBe(1);
  });

  it('falls back to the first page when it saw the change before anything else was known', () => {
    const probe = measureProbe([seeing(1_000), seeing(1_030)], 1_100, null);
    expect(probe.visibleMs).toMatchObject({ p50: 0, p99: 30, max: 30 });
  });
});
