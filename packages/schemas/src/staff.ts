import { z } from 'zod';
import { IdSchema, TimestampSchema } from './common.js';

/** Ordered from least to most: each role can do everything the ones before it can. */
/**
 * The staff session cookie's name: the API sets it, the web keeps the same cookie on its own origin and
 * forwards it back. One name for both processes.
 */
export const SESSION_COOKIE = 'livecart_session';

export const STAFF_ROLES = ['viewer', 'editor', 'admin'] as const;
export const StaffRoleSchema = z.enum(STAFF_ROLES, { error: 'must be one of viewer, editor, admin' });
export type StaffRole = z.infer<typeof StaffRoleSchema>;

/** What an API key may be allowed to do; a route names the one scope a key needs to call it. */
export const API_KEY_SCOPES = ['catalog:write', 'orders:read', 'orders:write', 'audit:read', 'webhooks:manage'] as const;
export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES, { error: `must be one of ${API_KEY_SCOPES.join(', ')}` });
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

export const PASSWORD_MIN_LENGTH = 12;
/** Bounds the work a login costs the server; long passphrases still fit. */
export const PASSWORD_MAX_LENGTH = 256;

/** A deliberately loose check (one @, a dot in the domain, no spaces): delivery is the real test of an address. */
export const StaffEmailSchema = z
  .string()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'must be an email address' });
export const PasswordSchema = z.string().max(PASSWORD_MAX_LENGTH);

export const LoginSchema = z.strictObject({
  email: StaffEmailSchema,
  password: PasswordSchema.min(1, { error: 'must not be empty' }),
});
export type Login = z.infer<typeof LoginSchema>;

/** How a person is shown to the other staff (the admin feed, the audit log); their email when they have none. */
export const StaffNameSchema = z.string().max(100).regex(/\S/, { error: 'must not be blank' });

export const StaffUserSchema = z.object({
  id: IdSchema,
  email: StaffEmailSchema,
  name: StaffNameSchema.nullable(),
  role: StaffRoleSchema,
  disabled: z.boolean(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type StaffUser = z.infer<typeof StaffUserSchema>;

export const StaffUserListSchema = z.object({ items: z.array(StaffUserSchema) });
export type StaffUserList = z.infer<typeof StaffUserListSchema>;

export const StaffUserCreateSchema = z.strictObject({
  email: StaffEmailSchema,
  name: StaffNameSchema.optional(),
  role: StaffRoleSchema,
  password: PasswordSchema.min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters` }),
});
export type StaffUserCreate = z.infer<typeof StaffUserCreateSchema>;

/** A role change, a disable/enable, or both; takes effect on the user's next request. */
export const StaffUserUpdateSchema = z.strictObject({ role: StaffRoleSchema.optional(), disabled: z.boolean().optional() });
export type StaffUserUpdate = z.infer<typeof StaffUserUpdateSchema>;

export const StaffUserIdParamsSchema = z.strictObject({ id: IdSchema });
export type StaffUserIdParams = z.infer<typeof StaffUserIdParamsSchema>;

/** Who is signed in, and until when the session lasts if used (idle) and at most (absolute). */
export const StaffSessionSchema = z.object({
  user: StaffUserSchema,
  idleExpiresAt: TimestampSchema,
  expiresAt: TimestampSchema,
});
export type StaffSession = z.infer<typeof StaffSessionSchema>;

export const ApiKeySchema = z.object({
  id: IdSchema,
  name: z.string().max(100),
  scopes: z.array(ApiKeyScopeSchema),
  /** The first characters of the key, to tell keys apart; the key itself is shown once, at creation. */
  prefix: z.string().max(20),
  createdBy: IdSchema.nullable(),
  createdAt: TimestampSchema,
  lastUsedAt: TimestampSchema.nullable(),
  revokedAt: TimestampSchema.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyListSchema = z.object({ items: z.array(ApiKeySchema) });
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>;

export const ApiKeyCreateSchema = z.strictObject({
  name: z.string().max(100).regex(/\S/, { error: 'must not be blank' }),
  /** A repeated scope counts once. */
  scopes: z.array(ApiKeyScopeSchema).min(1, { error: 'needs at least one scope' }).max(API_KEY_SCOPES.length),
});
export type ApiKeyCreate = z.infer<typeof ApiKeyCreateSchema>;

/** The answer to a key's creation: the only time the secret is ever shown. */
export const ApiKeyCreatedSchema = z.object({ ...ApiKeySchema.shape, key: z.string() });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;

export const ApiKeyIdParamsSchema = z.strictObject({ id: IdSchema });
export type ApiKeyIdParams = z.infer<typeof ApiKeyIdParamsSchema>;
