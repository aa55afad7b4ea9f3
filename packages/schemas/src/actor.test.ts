import { describe, expect, it } from 'vitest';
import { ACTOR_TYPES, ActorSchema, GUEST_ACTOR, type Actor } from './actor.js';

const USER_ID = '5b0f3c1e-7a2d-4e8f-9a1b-2c3d4e5f6a7b';

describe('ActorSchema', () => {
  it.each<Actor>([
    { type: 'user', id: USER_ID, name: 'ada@shop.example' },
    { type: 'api_key', id: USER_ID, name: 'nightly import' },
    { type: 'guest', id: null, name: 'guest' },
    { type: 'customer', id: USER_ID, name: 'customer' },
    { type: 'system', id: null, name: 'demo traffic' },
  ])('parses a $type actor as it is', (actor) => {
    expect(ActorSchema.parse(actor)).toEqual(actor);
  });

  it('covers every actor type, the guest constant included', () => {
    expect(ACTOR_TYPES).toEqual(['user', 'api_key', 'guest', 'customer', 'system']);
    expect(ActorSchema.parse(GUEST_ACTOR)).toEqual(GUEST_ACTOR);
  });

  it('needs an id for users and keys, and none for guests and the system', () => {
    expect(ActorSchema.safeParse({ type: 'user', id: null, name: 'x' }).success).toBe(false);
    expect(ActorSchema.safeParse({ type: 'api_key', name: 'x' }).success).toBe(false);
    expect(ActorSchema.safeParse({ type: 'api_key', id: 'admin-token', name: 'x' }).success).toBe(false);
    expect(ActorSchema.safeParse({ type: 'guest', id: USER_ID, name: 'guest' }).success).toBe(false);
    expect(ActorSchema.safeParse({ type: 'customer', id: null, name: 'customer' }).success).toBe(false);
    expect(ActorSchema.safeParse({ type: 'system', id: USER_ID, name: 'job' }).success).toBe(false);
  });

  it('needs a name a person can read, and a known type', () => {
    expect(ActorSchema.safeParse({ type: 'user', id: USER_ID, name: '' }).success).toBe(false);
    expect(ActorSchema.safeParse({ type: 'user', id: USER_ID, name: 'x'.repeat(255) }).success).toBe(false);
    const unknown = ActorSchema.safeParse({ type: 'robot', id: null, name: 'r2' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.path).toEqual(['type']);
  });
});
