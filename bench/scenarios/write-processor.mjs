import { randomInt, randomUUID } from 'node:crypto';

/**
 * Per virtual user: a fresh Idempotency-Key (its order and the retry of it share it), and a new price
 * and stock level as numbers (Artillery's `$randomNumber()` templates to a string, which the API's
 * strict schema rightly refuses).
 */
export function prepareWrite(context, _events, done) {
  context.vars.orderKey = `bench-${randomUUID()}`;
  context.vars.priceMinor = randomInt(1_000, 100_000);
  context.vars.stock = randomInt(500, 1_001);
  done();
}
