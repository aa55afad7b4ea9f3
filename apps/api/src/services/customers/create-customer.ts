import { customerActor, type Customer } from '@livecart/schemas';
import type pg from 'pg';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { BadRequestError, ConflictError } from '../../domain/errors.js';
import { hashPassword } from '../../staff/password-hash.js';
import { passwordWeakness } from '../../staff/password-policy.js';

export interface CreateCustomerOptions {
  pool: pg.Pool;
  email: string;
  password: string;
}

const INSERT = 'INSERT INTO customers (email, password_hash) VALUES ($1, $2) RETURNING id, email, created_at AS "createdAt"';

/**
 * A customer account, with the staff's password rules and KDF parameters (a weak password is refused with
 * its reason). A taken email (any case) is a 409: sign-up cannot hide which emails have accounts, as
 * sign-in does; the write rate limit bounds how fast anyone can ask.
 */
export async function createCustomer(options: CreateCustomerOptions): Promise<Customer> {
  const weakness = passwordWeakness(options.password, options.email);
  if (weakness !== undefined) throw new BadRequestError(`the password is too weak: ${weakness}`, [{ field: 'body.password', message: weakness }]);
  const passwordHash = await hashPassword(options.password);
  try {
    return await withTransaction(options.pool, async (client) => {
      const { rows } = await client.query<Customer>(INSERT, [options.email, passwordHash]);
      const customer = rows[0] as Customer;
      // The email stays out of the audit change: the actor name of shoppers never carries it either.
      await recordChanges(client, customerActor(customer.id), [{ action: 'customer.created', subject: { type: 'customer', id: customer.id }, change: [{ field: 'account', from: null, to: 'created' }] }]);
      return customer;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'customers_email_key')) throw new ConflictError(`a customer with email ${options.email} already exists`, [{ field: 'body.email', message: 'is already taken' }]);
    throw error;
  }
}
