import { z } from 'zod';
import { ActorSchema } from './actor.js';
import { AuditEntrySchema, AuditListQuerySchema, AuditPageSchema } from './audit.js';
import { CartIdParamsSchema, CartLineAddSchema, CartLineParamsSchema, CartLineUpdateSchema, CartSchema } from './cart.js';
import { CheckoutCreateSchema, CheckoutRefusalSchema } from './checkout.js';
import { CustomerLoginSchema, CustomerSchema, CustomerSignUpSchema, ShopperSessionSchema } from './customer.js';
import { ProbeStatusSchema } from './common.js';
import { ErrorEnvelopeSchema } from './errors.js';
import { CartUpdatedEventSchema, EventSchema, OrderEventSchema, PublishedEventSchema } from './events.js';
import {
  CustomerOrderListQuerySchema,
  OrderAccessQuerySchema,
  OrderCreateHeadersSchema,
  OrderCreateSchema,
  OrderIdParamsSchema,
  OrderPageSchema,
  OrderPlacedSchema,
  OrderSchema,
} from './order.js';
import { OrderPaymentCreateSchema, PaymentSchema, PaymentWebhookReceivedSchema, PaymentWebhookSchema } from './payment.js';
import {
  BulkProductUpdateResultSchema,
  BulkProductUpdateSchema,
  CategoryRepriceResultSchema,
  CategoryRepriceSchema,
  ProductCreateSchema,
  ProductIdParamsSchema,
  ProductListQuerySchema,
  ProductPageSchema,
  ProductSchema,
  ProductUpdateSchema,
} from './product.js';
import { ClientMessageSchema, ServerMessageSchema } from './realtime.js';
import { RealtimeTokenRequestSchema, RealtimeTokenSchema } from './realtime-token.js';
import {
  ApiKeyCreatedSchema,
  ApiKeyCreateSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  LoginSchema,
  StaffSessionSchema,
  StaffUserCreateSchema,
  StaffUserListSchema,
  StaffUserSchema,
  StaffUserUpdateSchema,
} from './staff.js';
import {
  WebhookBatchSchema,
  WebhookDeliveryListQuerySchema,
  WebhookDeliveryPageSchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointIdParamsSchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointUpdateSchema,
  WebhookEndpointWithSecretSchema,
  WebhookReplaySchema,
  WebhookResetSchema,
} from './webhook.js';

/** `input`: what a request may carry (defaults optional). `output`: what a response holds (defaults filled). */
export type SchemaIo = 'input' | 'output';

export type JsonSchema = Record<string, unknown>;

/** Every named payload schema, for code that needs them by name (OpenAPI components, tests, docs). */
export const namedSchemas = {
  Product: ProductSchema,
  ProductCreate: ProductCreateSchema,
  ProductUpdate: ProductUpdateSchema,
  ProductIdParams: ProductIdParamsSchema,
  ProductListQuery: ProductListQuerySchema,
  ProductPage: ProductPageSchema,
  BulkProductUpdate: BulkProductUpdateSchema,
  BulkProductUpdateResult: BulkProductUpdateResultSchema,
  CategoryReprice: CategoryRepriceSchema,
  CategoryRepriceResult: CategoryRepriceResultSchema,
  OrderCreate: OrderCreateSchema,
  OrderCreateHeaders: OrderCreateHeadersSchema,
  OrderIdParams: OrderIdParamsSchema,
  Order: OrderSchema,
  OrderPlaced: OrderPlacedSchema,
  OrderAccessQuery: OrderAccessQuerySchema,
  OrderPage: OrderPageSchema,
  CustomerOrderListQuery: CustomerOrderListQuerySchema,
  CheckoutCreate: CheckoutCreateSchema,
  CheckoutRefusal: CheckoutRefusalSchema,
  OrderPaymentCreate: OrderPaymentCreateSchema,
  Payment: PaymentSchema,
  PaymentWebhook: PaymentWebhookSchema,
  PaymentWebhookReceived: PaymentWebhookReceivedSchema,
  Login: LoginSchema,
  StaffSession: StaffSessionSchema,
  StaffUser: StaffUserSchema,
  StaffUserList: StaffUserListSchema,
  StaffUserCreate: StaffUserCreateSchema,
  StaffUserUpdate: StaffUserUpdateSchema,
  ApiKey: ApiKeySchema,
  ApiKeyList: ApiKeyListSchema,
  ApiKeyCreate: ApiKeyCreateSchema,
  ApiKeyCreated: ApiKeyCreatedSchema,
  Cart: CartSchema,
  CartIdParams: CartIdParamsSchema,
  CartLineParams: CartLineParamsSchema,
  CartLineAdd: CartLineAddSchema,
  CartLineUpdate: CartLineUpdateSchema,
  Customer: CustomerSchema,
  CustomerSignUp: CustomerSignUpSchema,
  CustomerLogin: CustomerLoginSchema,
  ShopperSession: ShopperSessionSchema,
  Actor: ActorSchema,
  AuditEntry: AuditEntrySchema,
  AuditListQuery: AuditListQuerySchema,
  AuditPage: AuditPageSchema,
  ErrorEnvelope: ErrorEnvelopeSchema,
  ProbeStatus: ProbeStatusSchema,
  Event: EventSchema,
  RealtimeTokenRequest: RealtimeTokenRequestSchema,
  RealtimeToken: RealtimeTokenSchema,
  OrderEvent: OrderEventSchema,
  CartUpdatedEvent: CartUpdatedEventSchema,
  ClientMessage: ClientMessageSchema,
  ServerMessage: ServerMessageSchema,
  WebhookEndpoint: WebhookEndpointSchema,
  WebhookEndpointList: WebhookEndpointListSchema,
  WebhookEndpointCreate: WebhookEndpointCreateSchema,
  WebhookEndpointUpdate: WebhookEndpointUpdateSchema,
  WebhookEndpointWithSecret: WebhookEndpointWithSecretSchema,
  WebhookEndpointIdParams: WebhookEndpointIdParamsSchema,
  WebhookReplay: WebhookReplaySchema,
  WebhookDeliveryListQuery: WebhookDeliveryListQuerySchema,
  WebhookDeliveryPage: WebhookDeliveryPageSchema,
  WebhookReset: WebhookResetSchema,
  WebhookBatch: WebhookBatchSchema,
  PublishedEvent: PublishedEventSchema,
} as const satisfies Record<string, z.ZodType>;

export type SchemaName = keyof typeof namedSchemas;

/**
 * Options the Ajv that compiles these schemas must use to agree with zod: unknown keys rejected, not stripped,
 * and defaults filled in. Leave Ajv's deprecated `unicode` option unset: its default counts string lengths in
 * code points, as zod and JSON Schema do (`'😀'` is one character); `unicode: false` would count UTF-16 units
 * and refuse strings that zod accepts.
 */
export const AJV_OPTIONS = {
  removeAdditional: false,
  useDefaults: true,
} as const;

const cache: Record<SchemaIo, WeakMap<z.ZodType, JsonSchema>> = { input: new WeakMap(), output: new WeakMap() };

/** How every JSON Schema here is derived: one translation for Ajv, OpenAPI and AsyncAPI alike. */
const DERIVATION = { target: 'draft-07', unrepresentable: 'throw' } as const;

/**
 * A draft-07 JSON Schema derived from a zod schema, for Ajv / fast-json-stringify (Fastify) and OpenAPI.
 * Results are cached and shared: treat them as read-only.
 */
export function toJsonSchema(schema: z.ZodType, io: SchemaIo = 'input'): JsonSchema {
  const hit = cache[io].get(schema);
  if (hit) return hit;
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { ...DERIVATION, io, reused: 'inline' }) as JsonSchema;
  cache[io].set(schema, json);
  return json;
}

/** The JSON Schema of a named payload. */
export function jsonSchemaOf(name: SchemaName, io: SchemaIo = 'input'): JsonSchema {
  return toJsonSchema(namedSchemas[name], io);
}

export interface ComponentSchemaOptions {
  io: SchemaIo;
  /** Where a component is found by name, e.g. `(name) => \`#/components/schemas/${name}\``. */
  refOf: (name: string) => string;
  /**
   * Leave objects open to fields they do not list (`z.strictObject`s stay closed): what a receiver must
   * accept, since a minor version may add optional fields to what the server sends (see Versioning).
   */
  openObjects?: boolean;
}

/**
 * Named schemas derived together, as document components: wherever one of them appears inside another it
 * is a `$ref` to `refOf(name)`, not a copy. Same translation as `toJsonSchema`.
 */
export function toJsonSchemaComponents(schemas: Readonly<Record<string, z.ZodType>>, options: ComponentSchemaOptions): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(schemas)) {
    if (registry.has(schema)) throw new Error(`${name}: this schema is already a component under ${registry.get(schema)?.id}`);
    registry.add(schema, { id: name });
  }
  const { schemas: derived } = z.toJSONSchema(registry, {
    ...DERIVATION,
    io: options.io,
    uri: options.refOf,
    override: options.openObjects ? openObject : undefined,
  });
  const components: Record<string, JsonSchema> = {};
  for (const [name, json] of Object.entries(derived)) {
    const { $schema: _schema, $id: _id, ...rest } = json as JsonSchema;
    components[name] = rest;
  }
  return components;
}

/** zod closes every object of an output schema; only a `z.strictObject` (a `never` catchall) really is. */
function openObject(context: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const def = (context.zodSchema as { _zod: { def: { type: string; catchall?: unknown } } })._zod.def;
  if (def.type === 'object' && def.catchall === undefined && context.jsonSchema.additionalProperties === false) {
    delete context.jsonSchema.additionalProperties;
  }
}
