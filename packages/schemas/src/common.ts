import { z } from 'zod';
import { CURRENCY_CODES } from './currencies.js';

/** Largest amount of money in minor units: 10^12 (ten billion in a two-decimal currency). */
export const MAX_MINOR_AMOUNT = 1_000_000_000_000;
/** Largest stock a product may hold. */
export const MAX_STOCK = 1_000_000_000;
/** Global event sequence numbers are Postgres bigserials kept within JavaScript's exact integer range. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export const IdSchema = z.uuid({ error: 'must be a UUID' });
export type Id = z.infer<typeof IdSchema>;

export const CurrencySchema = z.enum(CURRENCY_CODES, { error: 'must be an ISO 4217 currency code such as EUR' });
export type Currency = z.infer<typeof CurrencySchema>;

/** Money in integer minor units (cents for EUR, yen for JPY): never a float. */
export const MinorAmountSchema = z
  .int({ error: 'must be an integer amount in minor units' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_MINOR_AMOUNT, { error: `must be at most ${MAX_MINOR_AMOUNT}` });

export const StockSchema = z
  .int({ error: 'must be an integer' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_STOCK, { error: `must be at most ${MAX_STOCK}` });

export const VersionSchema = z.int({ error: 'must be an integer' }).min(1).max(2_147_483_647);

export const SeqSchema = z.int({ error: 'must be an integer' }).min(0).max(MAX_SEQ);

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const CategorySlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(SLUG_PATTERN, { error: 'must be a lowercase slug such as home-garden' });
export type CategorySlug = z.infer<typeof CategorySlugSchema>;

export const TimestampSchema = z.iso.datetime({ error: 'must be an ISO 8601 UTC timestamp' });

/** The answer of the liveness and readiness probes (`/health`, `/ready`). */
export const ProbeStatusSchema = z.object({
  status: z.string().max(20),
  postgres: z.string().max(20).optional(),
  redis: z.string().max(20).optional(),
});
export type ProbeStatus = z.infer<typeof ProbeStatusSchema>;
