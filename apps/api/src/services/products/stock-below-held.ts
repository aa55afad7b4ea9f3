import { isCheckViolation } from '../../db/pg-errors.js';
import { ConflictError } from '../../domain/errors.js';

/**
 * Postgres refuses a stock below the units held in shoppers' carts (products_reserved_within_stock); the
 * caller learns which field and why, as a 409. Any other error is returned as it is.
 */
export function stockBelowHeld(error: unknown, field: string): unknown {
  if (!isCheckViolation(error, 'products_reserved_within_stock')) return error;
  return new ConflictError('stock cannot go below the units held in shoppers’ carts; the product’s stock less available is what they hold', [
    { field, message: 'is below the units held in carts' },
  ]);
}
