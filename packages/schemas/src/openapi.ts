import type { z } from 'zod';
import { ActorSchema } from './actor.js';
import { AuditChangeSchema } from './audit.js';
import { CartLineSchema } from './cart.js';
import { CategorySlugSchema, CurrencySchema, IdSchema, TimestampSchema } from './common.js';
import { ErrorCodeSchema, ErrorDetailSchema } from './errors.js';
import { namedSchemas, toJsonSchema, toJsonSchemaComponents, type JsonSchema, type SchemaName } from './json-schema.js';
import { OrderItemInputSchema, OrderItemSchema, OrderStatusSchema } from './order.js';
import { PaymentStatusSchema } from './payment.js';
import { BulkProductUpdateItemSchema, PriceChangeSchema, RoundingModeSchema, SkuSchema } from './product.js';
import { ApiKeyScopeSchema, StaffRoleSchema } from './staff.js';

/** Payloads clients send: request bodies, described as what may be sent (defaults optional, unknown keys refused). */
export const REQUEST_SCHEMA_NAMES = [
  'ProductCreate',
  'ProductUpdate',
  'BulkProductUpdate',
  'CategoryReprice',
  'OrderCreate',
  'CheckoutCreate',
  'OrderPaymentCreate',
  'PaymentWebhook',
  'Login',
  'StaffUserCreate',
  'StaffUserUpdate',
  'ApiKeyCreate',
  'CartLineAdd',
  'CartLineUpdate',
  'CustomerSignUp',
  'CustomerLogin',
  'RealtimeTokenRequest',
  'WebhookEndpointCreate',
  'WebhookEndpointUpdate',
  'WebhookReplay',
] as const satisfies readonly SchemaName[];

/** Payloads the API answers with, described as what a response holds (every field with a default present). */
export const RESPONSE_SCHEMA_NAMES = [
  'Product',
  'ProductPage',
  'BulkProductUpdateResult',
  'CategoryRepriceResult',
  'Order',
  'OrderPlaced',
  'OrderPage',
  'CheckoutRefusal',
  'Payment',
  'PaymentWebhookReceived',
  'StaffSession',
  'StaffUser',
  'StaffUserList',
  'ApiKey',
  'ApiKeyList',
  'ApiKeyCreated',
  'Cart',
  'Customer',
  'ShopperSession',
  'AuditEntry',
  'AuditPage',
  'ErrorEnvelope',
  'ProbeStatus',
  'RealtimeToken',
  'WebhookEndpoint',
  'WebhookEndpointList',
  'WebhookEndpointWithSecret',
  'WebhookDeliveryPage',
] as const satisfies readonly SchemaName[];

/** What the API POSTs to registered webhook endpoints (the document's `webhooks`), described like responses. */
export const WEBHOOK_SCHEMA_NAMES = ['PublishedEvent', 'WebhookBatch', 'WebhookReset'] as const satisfies readonly SchemaName[];

/** Payloads the API sends: its answers and its webhook deliveries. */
const SENT_SCHEMA_NAMES = [...RESPONSE_SCHEMA_NAMES, ...WEBHOOK_SCHEMA_NAMES];

/** Parts that several payloads share, named so that each is described once and referenced. */
export const sharedSchemas = {
  Id: IdSchema,
  Timestamp: TimestampSchema,
  CategorySlug: CategorySlugSchema,
  Sku: SkuSchema,
  Currency: CurrencySchema,
  Actor: ActorSchema,
  ErrorCode: ErrorCodeSchema,
  ErrorDetail: ErrorDetailSchema,
  OrderStatus: OrderStatusSchema,
  OrderItem: OrderItemSchema,
  OrderItemInput: OrderItemInputSchema,
  CartLine: CartLineSchema,
  PaymentStatus: PaymentStatusSchema,
  StaffRole: StaffRoleSchema,
  ApiKeyScope: ApiKeyScopeSchema,
  AuditChange: AuditChangeSchema,
  BulkProductUpdateItem: BulkProductUpdateItemSchema,
  PriceChange: PriceChangeSchema,
  RoundingMode: RoundingModeSchema,
} as const satisfies Record<string, z.ZodType>;

export const COMPONENT_SCHEMA_PREFIX = '#/components/schemas/';

export interface OpenApiSchemas {
  /** `components.schemas` of an OpenAPI 3.1 document (JSON Schema 2020-12), each referencing the others. */
  schemas: Record<string, JsonSchema>;
  /** The component that describes a named payload in the given direction, e.g. `Product` or `ProductCreate`. */
  componentOf(schema: z.ZodType, io: 'input' | 'output'): string | undefined;
  /** The shared part a parameter's JSON Schema (as `toJsonSchema` made it) describes, e.g. `Id` for a path id. */
  sharedComponentOf(json: unknown): string | undefined;
}

function convert(names: readonly string[], io: 'input' | 'output', uri: (id: string) => string): Record<string, JsonSchema> {
  const all: Record<string, z.ZodType> = { ...namedSchemas, ...sharedSchemas };
  const schemas = Object.fromEntries([...names, ...Object.keys(sharedSchemas)].map((name) => [name, all[name]!]));
  // Responses stay open to fields added later (a minor version): the server's serializer still writes only
  // the fields it knows, but clients must not be told to refuse one they do not.
  const components = toJsonSchemaComponents(schemas, { io, refOf: uri, openObjects: io === 'output' });
  return Object.fromEntries(Object.entries(components).map(([name, schema]) => [name, withPlainRefs(schema) as JsonSchema]));
}

/**
 * Draft-07 ignores keywords beside a `$ref`, so the translation wraps a reference that has some (an optional
 * or defaulted part) as `allOf: [{ $ref }]`. OpenAPI 3.1 schemas (JSON Schema 2020-12) read them, and linters
 * flag a one-member `allOf`: the reference stands on its own there.
 */
function withPlainRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withPlainRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { allOf, ...rest } = schema as Record<string, unknown>;
  const plain = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, withPlainRefs(value)]));
  if (Array.isArray(allOf) && allOf.length === 1 && typeof (allOf[0] as { $ref?: unknown }).$ref === 'string') return { ...(allOf[0] as object), ...plain };
  return allOf === undefined ? plain : { ...plain, allOf: withPlainRefs(allOf) };
}

function referencedNames(schema: unknown, into: Set<string>): void {
  if (Array.isArray(schema)) for (const item of schema) referencedNames(item, into);
  else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_SCHEMA_PREFIX)) into.add(value.slice(COMPONENT_SCHEMA_PREFIX.length));
      else referencedNames(value, into);
    }
  }
}

/** The components `roots` reach through `$ref`s, in `schemas`. */
function reachable(schemas: Record<string, JsonSchema>, roots: readonly string[]): Set<string> {
  const reached = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    const found = new Set<string>();
    referencedNames(schemas[name], found);
    pending.push(...found);
  }
  return reached;
}

/**
 * The OpenAPI components of every request and response payload, derived from the zod schemas: request
 * bodies as what may be sent, responses as what is answered (open to additive fields), and the parts they
 * share named once. A part that both sides use but that reads differently as input (a default makes a
 * field optional) is described twice, its request side named `<Name>Input`.
 */
export function openApiSchemas(): OpenApiSchemas {
  const output = convert(SENT_SCHEMA_NAMES, 'output', (id) => `${COMPONENT_SCHEMA_PREFIX}${id}`);
  const outputReached = reachable(output, SENT_SCHEMA_NAMES);
  // Grown until nothing changes: a part that refers to a renamed part differs too, through the reference.
  const renamed = new Set<string>();
  const inputName = (id: string) => (renamed.has(id) ? `${id}Input` : id);
  let input: Record<string, JsonSchema>;
  let inputReached: Set<string>;
  for (;;) {
    input = convert(REQUEST_SCHEMA_NAMES, 'input', (id) => `${COMPONENT_SCHEMA_PREFIX}${inputName(id)}`);
    const idOf = new Map(Object.keys(input).map((id) => [inputName(id), id]));
    const byName = Object.fromEntries(Object.entries(input).map(([id, schema]) => [inputName(id), schema]));
    inputReached = new Set([...reachable(byName, REQUEST_SCHEMA_NAMES)].map((name) => idOf.get(name) ?? name));
    const before = renamed.size;
    for (const id of Object.keys(sharedSchemas)) {
      if (inputReached.has(id) && outputReached.has(id) && JSON.stringify(input[id]) !== JSON.stringify(output[id])) renamed.add(id);
    }
    if (renamed.size === before) break;
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const id of outputReached) schemas[id] = output[id]!;
  for (const id of inputReached) schemas[inputName(id)] = input[id]!;

  const byIdentity = new Map<z.ZodType, { input?: string; output?: string }>();
  for (const name of REQUEST_SCHEMA_NAMES) byIdentity.set(namedSchemas[name], { ...byIdentity.get(namedSchemas[name]), input: name });
  for (const name of SENT_SCHEMA_NAMES) byIdentity.set(namedSchemas[name], { ...byIdentity.get(namedSchemas[name]), output: name });
  const byJson = new Map(Object.entries(sharedSchemas).map(([name, schema]) => [JSON.stringify(toJsonSchema(schema, 'input')), name]));
  return {
    schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
    componentOf: (schema, io) => byIdentity.get(schema)?.[io],
    sharedComponentOf: (json) => byJson.get(JSON.stringify(json)),
  };
}
