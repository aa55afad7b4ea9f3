import { z } from 'zod';
import { IdSchema, TimestampSchema } from './common.js';
import { PASSWORD_MIN_LENGTH, PasswordSchema, StaffEmailSchema } from './staff.js';

/**
 * The shopper session cookie's name: a guest gets one on their first cart action, a customer at sign-in.
 * Distinct from the staff cookie (`SESSION_COOKIE`), so neither session is ever read as the other.
 */
export const SHOPPER_SESSION_COOKIE = 'livecart_shopper';

export const CustomerEmailSchema = StaffEmailSchema;

/** Sign-up: the same password rules as staff (length here; the API also refuses common and email-like ones). */
export const CustomerSignUpSchema = z.strictObject({
  email: CustomerEmailSchema,
  password: PasswordSchema.min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters` }),
});
export type CustomerSignUp = z.infer<typeof CustomerSignUpSchema>;

export const CustomerLoginSchema = z.strictObject({
  email: CustomerEmailSchema,
  password: PasswordSchema.min(1, { error: 'must not be empty' }),
});
export type CustomerLogin = z.infer<typeof CustomerLoginSchema>;

export const CustomerSchema = z.object({
  id: IdSchema,
  email: CustomerEmailSchema,
  createdAt: TimestampSchema,
});
export type Customer = z.infer<typeof CustomerSchema>;

/** A shopper's session: a customer's, or a guest's (`customer` null); until when it lasts if used, and at most. */
export const ShopperSessionSchema = z.object({
  customer: CustomerSchema.nullable(),
  idleExpiresAt: TimestampSchema,
  expiresAt: TimestampSchema,
});
export type ShopperSession = z.infer<typeof ShopperSessionSchema>;
