import { randomBytes } from 'node:crypto';
import { requireBuilds, startBuiltApp, type BuiltApp } from '@livecart/local-services/testing';
import type { Actor, ErrorEnvelope, Order, RealtimeToken, ServerMessage } from '@livecart/schemas';
import { parseRealtimeTokenKeys, verifyRealtimeToken } from '@livecart/schemas/realtime-token-signing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/access.js';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { customerOwnsCart } from '../src/services/realtime-tokens/customer-owns-cart.js';
import { customerOwnsOrder } from '../src/services/realtime-tokens/customer-owns-order.js';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';

const KEYS = `api:${randomBytes(32).toString('base64')}`;
const ring = parseRealtimeTokenKeys(KEYS);
const PASSWORD = 'plum-lantern-97-orbit';
const SETUP: Actor = { type: 'system', id: null, name: 'realtime token test setup' };
const MISSING_ORDER = 'order:00000000-0000-4000-8000-000000000404';
const CART = 'cart:00000000-0000-4000-8000-000000000001';

let ctx: TestContext;
let pool: pg.Pool;
let app: FastifyInstance;
let order: Order;
let viewer: Record<string, string>;

beforeAll(async () => {
  requireBuilds(['realtime']);
  ctx = await createTestContext('realtime-tokens');
  pool = testPool(ctx.databaseUrl);
  app = await ctx.app({ REALTIME_TOKEN_KEYS: KEYS });
  const product = await createProductVia(app, { stock: 5 });
  const placed = await app.inject({ method: 'POST', url: '/v1/orders', headers: AUTH, payload: { items: [{ productId: product.id, quantity: 1 }] } });
  expect(placed.statusCode, placed.body).toBe(201);
  order = placed.json<Order>();
  const user = await createStaffUser({ pool, email: 'viewer@shop.test', password: PASSWORD, role: 'viewer', actor: SETUP });
  const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
  viewer = { cookie: String(login.headers['set-cookie']).split(';')[0]! };
});

afterAll(async () => {
  await pool.end();
  await ctx.close();
});

const mint = (headers: Record<string, string>, payload: unknown, on: FastifyInstance = app) =>
  on.inject({ method: 'POST', url: '/v1/realtime/tokens', headers, payload: payload as object });

describe('POST /v1/realtime/tokens', () => {
  it('gives a staff viewer a short-lived token for an order, which verifies with the key ring and grants only it', async () => {
    const topic = `order:${order.id}`;
    const response = await mint(viewer, { topics: [topic] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<RealtimeToken>();
    const verdict = verifyRealtimeToken({ ring, token: body.token, nowMs: Date.now() });
    if (!verdict.ok) throw new Error(`token refused: ${verdict.reason}`);
    expect(verdict.claims).toMatchObject({ topics: [topic], sub: expect.stringMatching(/^user:/) });
    expect(verdict.claims.exp - verdict.claims.iat).toBe(300);
    expect(Date.parse(body.expiresAt)).toBe(verdict.claims.exp * 1_000);
  });

  it('gives one to an API key with orders:read, not to one without, nor to anonymous callers (403: the route is open to shoppers, each topic is checked)', async () => {
    const topics = [`order:${order.id}`];
    expect((await mint(AUTH, { topics })).statusCode).toBe(200);
    const created = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: AUTH, payload: { name: 'catalog only', scopes: ['catalog:write'] } });
    const catalogKey = { authorization: `Bearer ${created.json<{ key: string }>().key}` };
    expect((await mint(catalogKey, { topics })).statusCode).toBe(403);
    expect((await mint({}, { topics })).statusCode).toBe(403);
  });

  it('refuses, naming each topic, an order that does not exist and a cart to staff (carts are their shoppers\' alone)', async () => {
    const response = await mint(AUTH, { topics: [`order:${order.id}`, MISSING_ORDER, CART] });
    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorEnvelope>()).toMatchObject({
      code: 'FORBIDDEN',
      details: [
        { field: 'body.topics[1]', message: `may not follow ${MISSING_ORDER}` },
        { field: 'body.topics[2]', message: `may not follow ${CART}` },
      ],
    });
  });

  it('gives the shoppers\' rules nothing for staff: an admin owns no order and no cart', async () => {
    const admin: Principal = { type: 'user', id: '00000000-0000-4000-8000-000000000001', name: 'admin', role: 'admin', sessionDigest: Buffer.alloc(32) };
    const requester = { principal: admin, shopper: null, linkedOrderId: null };
    expect(await customerOwnsOrder({ db: pool, requester, id: order.id })).toBe(false);
    expect(await customerOwnsCart({ db: pool, requester, id: CART.slice(5) })).toBe(false);
  });

  it.each([
    ['a public topic', { topics: ['catalog'] }],
    ['no topic', { topics: [] }],
    ['an upper-case id', { topics: [`order:${'A'.repeat(8)}-0000-4000-8000-000000000001`] }],
    ['an unknown field', { topics: [MISSING_ORDER], ttl: 3600 }],
    ['too many topics', { topics: Array.from({ length: 21 }, (_, i) => `order:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) }],
  ])('answers 400 to %s', async (_name, payload) => {
    const response = await mint(AUTH, payload);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<ErrorEnvelope>().code).toBe('VALIDATION_FAILED');
  });

  it('is rate limited with the other writes', async () => {
    const limited = await ctx.app({ REALTIME_TOKEN_KEYS: KEYS, RATE_LIMIT_WRITE_MAX: '2' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await mint(AUTH, { topics: [`order:${order.id}`] }, limited)).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('is in the OpenAPI document with its schemas and security', () => {
    const document = app.swagger() as { paths: Record<string, Record<string, { operationId?: string; security?: unknown; requestBody?: unknown }>> };
    const operation = document.paths['/v1/realtime/tokens']?.post;
    expect(operation).toMatchObject({ operationId: 'createRealtimeToken', security: [{ staffSession: ['viewer'] }, { apiKey: ['orders:read'] }, { shopperSession: [] }, { orderLink: [] }] });
    expect(operation?.requestBody).toBeDefined();
  });
});

describe('a token minted here, used on the realtime server', () => {
  let realtime: BuiltApp;

  beforeAll(async () => {
    realtime = await startBuiltApp('realtime', {
      env: { REDIS_URL: ctx.redisUrl, REDIS_PREFIX: ctx.prefix, REALTIME_TOKEN_KEYS: KEYS, WS_ALLOW_NO_ORIGIN: 'true' },
    });
  });

  afterAll(async () => {
    await realtime?.stop();
  });

  async function subscribe(topics: string[], token: string): Promise<ServerMessage> {
    const socket = new WebSocket(`${realtime.url.replace(/^http/, 'ws')}/ws`, 'livecart.v1.json');
    try {
      const answer = new Promise<ServerMessage>((resolve, reject) => {
        socket.addEventListener('message', ({ data }) => {
          const message = JSON.parse(String(data)) as ServerMessage;
          if (message.type === 'subscribed' || message.type === 'error') resolve(message);
        });
        socket.addEventListener('error', () => reject(new Error('websocket failed')));
      });
      await new Promise((resolve) => socket.addEventListener('open', resolve));
      socket.send(JSON.stringify({ type: 'subscribe', topics, token }));
      return await answer;
    } finally {
      socket.close();
    }
  }

  it('opens the order it was minted for, and nothing else', async () => {
    const topic = `order:${order.id}`;
    const { token } = (await mint(viewer, { topics: [topic] })).json<RealtimeToken>();
    expect(await subscribe([topic], token)).toMatchObject({ type: 'subscribed', topics: [topic] });
    expect(await subscribe([MISSING_ORDER], token)).toMatchObject({ type: 'error', code: 'topic_forbidden' });
  });
});
