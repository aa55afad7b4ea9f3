import { z } from 'zod';
import { IdSchema } from './common.js';

/**
 * Who stands behind a write: a signed-in staff user, an API key, a shopper without an account (orders are
 * public; carts belong to a guest session), a signed-in customer, or the system itself (a job such as the
 * development demo traffic or the reservation sweeper). Each carries `type`, `id` (null where there is no
 * account) and `name` (what a person reads in the admin feed and the audit log; never a shopper's email,
 * since events on public topics carry it).
 */
export const ACTOR_TYPES = ['user', 'api_key', 'guest', 'customer', 'system'] as const;
export const ActorTypeSchema = z.enum(ACTOR_TYPES, { error: `must be one of ${ACTOR_TYPES.join(', ')}` });
export type ActorType = z.infer<typeof ActorTypeSchema>;

/** A staff user's email or an API key's name; bounded like the longest of them (an email). */
export const ActorNameSchema = z.string().min(1).max(254);

export const UserActorSchema = z.object({ type: z.literal('user'), id: IdSchema, name: ActorNameSchema });
export const ApiKeyActorSchema = z.object({ type: z.literal('api_key'), id: IdSchema, name: ActorNameSchema });
export const GuestActorSchema = z.object({ type: z.literal('guest'), id: z.null(), name: ActorNameSchema });
export const CustomerActorSchema = z.object({ type: z.literal('customer'), id: IdSchema, name: ActorNameSchema });
export const SystemActorSchema = z.object({ type: z.literal('system'), id: z.null(), name: ActorNameSchema });

export const ActorSchema = z.discriminatedUnion('type', [UserActorSchema, ApiKeyActorSchema, GuestActorSchema, CustomerActorSchema, SystemActorSchema]);
export type Actor = z.infer<typeof ActorSchema>;
export type UserActor = z.infer<typeof UserActorSchema>;
export type ApiKeyActor = z.infer<typeof ApiKeyActorSchema>;
export type GuestActor = z.infer<typeof GuestActorSchema>;
export type CustomerActor = z.infer<typeof CustomerActorSchema>;
export type SystemActor = z.infer<typeof SystemActorSchema>;

/** The actor of a public write (an order placed by a shopper without an account). */
export const GUEST_ACTOR: GuestActor = { type: 'guest', id: null, name: 'guest' };

/** The actor of a signed-in customer's writes: their id, and a name that says nothing about them. */
export function customerActor(id: string): CustomerActor {
  return { type: 'customer', id, name: 'customer' };
}
