import { realtimeSuites } from '../../realtime/suites/cli-suites.js';
import type { SuiteName } from '../report/schema.js';
import { apiSuite } from './api.js';
import { artilleryReadSuite, artilleryWriteSuite, artilleryWsSuite } from './artillery.js';
import type { Suite } from './context.js';
import { e2eSuite } from './e2e.js';
import { flashSaleSuite } from './flash-sale.js';
import { nextBaselineSuite } from './next-baseline.js';
import { webhooksSuite } from './webhooks.js';

/** Every suite, in the order a full run takes them. */
export const SUITES: Suite[] = [apiSuite, nextBaselineSuite, ...realtimeSuites, artilleryReadSuite, artilleryWriteSuite, artilleryWsSuite, e2eSuite, webhooksSuite, flashSaleSuite];

/** Shorthands for several suites on the command line. */
export const GROUPS: Record<string, SuiteName[]> = {
  realtime: ['realtime-density', 'realtime-hot', 'realtime-churn', 'realtime-ceiling'],
  artillery: ['artillery-read', 'artillery-write', 'artillery-ws'],
};
