import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildAsyncApiDocument, type AsyncApiDocument } from './asyncapi.js';
import { PublishedEventSchema } from './events.js';
import {
  CartEventMessageSchema,
  WebhookEndpointEventMessageSchema,
  ClientMessageSchema,
  ErrorMessageSchema,
  EventMessageSchema,
  MixedBatchMessageSchema,
  OrderEventMessageSchema,
  PingMessageSchema,
  PongMessageSchema,
  REALTIME_ERROR_CODES,
  RESET_REASONS,
  ResetMessageSchema,
  ServerMessageSchema,
  SubscribedMessageSchema,
  SubscribeMessageSchema,
  UnsubscribedMessageSchema,
  UnsubscribeMessageSchema,
  WelcomeMessageSchema,
} from './realtime.js';
import { PRIVATE_TOPIC_KINDS } from './topics.js';

/** The one diagnostic let through: the parser recommends AsyncAPI 3.1, and the document is 3.0 on purpose. */
const KNOWN_INFO = 'asyncapi-latest-version';

/** The zod schema each message of the document stands for. */
const ZOD_OF_MESSAGE: Record<string, z.ZodType> = {
  subscribe: SubscribeMessageSchema,
  unsubscribe: UnsubscribeMessageSchema,
  ping: PingMessageSchema,
  welcome: WelcomeMessageSchema,
  subscribed: SubscribedMessageSchema,
  unsubscribed: UnsubscribedMessageSchema,
  catalogEvent: EventMessageSchema,
  orderEvent: OrderEventMessageSchema,
  cartEvent: CartEventMessageSchema,
  webhookEndpointEvent: WebhookEndpointEventMessageSchema,
  batch: MixedBatchMessageSchema,
  reset: ResetMessageSchema,
  error: ErrorMessageSchema,
  pong: PongMessageSchema,
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document

const describeDiagnostic = (d: Diagnostic) => `${d.code} (severity ${d.severity}) at ${d.path.join('.')}: ${d.message}`;

let raw: AsyncApiDocument;
let parsed: AsyncAPIDocumentInterface;
let diagnostics: Diagnostic[];
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  raw = buildAsyncApiDocument({ serverUrl: 'wss://shop.example.com/live' });
  const result = await new Parser().parse(structuredClone(raw) as never);
  diagnostics = result.diagnostics;
  if (!result.document) throw new Error(`the parser refused the document:\n${diagnostics.map(describeDiagnostic).join('\n')}`);
  parsed = result.document;
  // The payloads as the parser resolved them, every $ref followed: what a generator would work from.
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  for (const message of parsed.components().messages().all()) {
    const payload = message.payload();
    if (!payload) throw new Error(`message ${message.id()} has no payload`);
    validators.set(message.id(), ajv.compile(payload.json()));
  }
}, 60_000);

const json = () => raw as Json;

describe('the AsyncAPI document', () => {
  it('parses with the AsyncAPI parser with no diagnostic but the version notice', () => {
    const problems = diagnostics.filter((d) => d.code !== KNOWN_INFO).map(describeDiagnostic);
    expect(problems).toEqual([]);
    // The one let through is information, never an error or a warning.
    expect(diagnostics.filter((d) => d.code === KNOWN_INFO).every((d) => d.severity >= 2)).toBe(true);
    expect(parsed.version()).toBe('3.0.0');
  });

  it('fails the parser when it breaks the specification (a reference to a message that does not exist)', async () => {
    const broken = structuredClone(raw) as Json;
    broken.operations.ping.messages = [{ $ref: '#/channels/socket/messages/nothing' }];
    const { diagnostics: found } = await new Parser().parse(broken as never);
    expect(found.some((d) => d.severity === 0)).toBe(true);
  });

  it('names the server from the configured URL', () => {
    expect(json().servers.realtime).toMatchObject({ host: 'shop.example.com', protocol: 'wss', pathname: '/live' });
    expect(json().channels.socket.address).toBe('/ws');
    expect(buildAsyncApiDocument({ serverUrl: 'ws://127.0.0.1:4001/' }).servers).toMatchObject({ realtime: { host: '127.0.0.1:4001', protocol: 'ws' } });
    expect(() => buildAsyncApiDocument({ serverUrl: 'http://example.com' })).toThrow(/ws:\/\/ or wss:\/\//);
  });

  it('describes every message type of the protocol, both ways, on the socket channel', () => {
    const typeOf = (name: string) => validatorSchemaType(name);
    const socketTypes = Object.keys(json().channels.socket.messages).map(typeOf).sort();
    const protocolTypes = [...ClientMessageSchema.options, ...ServerMessageSchema.options].map((schema) => schema.shape.type.value).sort();
    expect([...new Set(socketTypes)]).toEqual([...new Set(protocolTypes)].sort());
  });

  it('has a channel for every topic kind, and marks the private ones', () => {
    const addresses = Object.values(json().channels as Json).map((channel: Json) => channel.address as string);
    expect(addresses).toEqual(expect.arrayContaining(['catalog', 'category:{slug}', 'product:{id}', 'order:{id}', 'cart:{id}']));
    for (const kind of PRIVATE_TOPIC_KINDS) {
      expect(json().channels[kind]['x-livecart-token-required']).toBe(true);
      expect(json().channels[kind].description).toMatch(/token/);
    }
    expect(json().channels.catalog['x-livecart-token-required']).toBeUndefined();
  });

  it('delivers every published event type on some topic channel', () => {
    const carried = new Set<string>();
    for (const [key, channel] of Object.entries(json().channels as Json)) {
      if (key === 'socket') continue;
      for (const name of Object.keys(channel.messages as Json)) {
        const eventSchema = ZOD_OF_MESSAGE[name] as z.ZodObject<{ event: z.ZodType }>;
        for (const option of (eventSchema.shape.event as unknown as { options?: z.ZodObject[] }).options ?? [eventSchema.shape.event as z.ZodObject]) {
          carried.add((option.shape.type as z.ZodLiteral<string>).value);
        }
      }
    }
    expect([...carried].sort()).toEqual(PublishedEventSchema.options.map((option) => option.shape.type.value).sort());
  });

  it('answers requests only with messages of the reply channel', () => {
    for (const [name, operation] of Object.entries(json().operations as Json)) {
      if (!operation.reply) continue;
      const channel = (operation.reply.channel.$ref as string).split('/').pop() as string;
      for (const message of operation.reply.messages as { $ref: string }[]) {
        expect(message.$ref, name).toMatch(new RegExp(`^#/channels/${channel}/messages/`));
        expect(json().channels[channel].messages[message.$ref.split('/').pop() as string], `${name}: ${message.$ref}`).toBeDefined();
      }
    }
  });

  it('lists and explains every error code and reset reason', () => {
    expect(json().components.schemas.ErrorMessage.properties.code.enum).toEqual([...REALTIME_ERROR_CODES]);
    for (const code of REALTIME_ERROR_CODES) expect(json().components.messages.error.description).toContain(`\`${code}\``);
    for (const reason of RESET_REASONS) expect(json().components.messages.reset.description).toContain(`\`${reason}\``);
    expect(json().info.description).toMatch(/since/);
    expect(json().info.description).toMatch(/epoch_changed/);
  });

  it('names its payloads as components and refers to them instead of copying them', () => {
    const text = JSON.stringify(json().components.schemas);
    expect(text).toContain('"$ref":"#/components/schemas/Product"');
    // The 155-code currency enum is written where its schemas are, not once per event.
    expect(text.split('"AED"').length - 1).toBeLessThanOrEqual(4);
  });

  it('keeps what the server sends open to added fields, and what clients send closed', () => {
    expect(json().components.schemas.SubscribeMessage.additionalProperties).toBe(false);
    expect(json().components.schemas.WelcomeMessage.additionalProperties).toBeUndefined();
    expect(json().components.schemas.Product.additionalProperties).toBeUndefined();
    const welcome = validators.get('welcome');
    expect(welcome?.({ ...json().components.messages.welcome.examples[0].payload, addedLater: 1 })).toBe(true);
    expect(validators.get('subscribe')?.({ type: 'subscribe', topics: ['catalog'], addedLater: 1 })).toBe(false);
  });

  it('gives every message examples that its payload schema and its zod schema both accept', () => {
    expect(Object.keys(ZOD_OF_MESSAGE).sort()).toEqual(Object.keys(json().components.messages).sort());
    for (const message of parsed.components().messages().all()) {
      const examples = message.examples().all();
      expect(examples.length, message.id()).toBeGreaterThan(0);
      for (const example of examples) {
        const validate = validators.get(message.id()) as ValidateFunction;
        expect(validate(example.payload()), `${message.id()} / ${example.name()}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(ZOD_OF_MESSAGE[message.id()]?.safeParse(example.payload()).success, `${message.id()} / ${example.name()}`).toBe(true);
      }
    }
  });

  it('refuses through its payload schemas what the protocol refuses', () => {
    expect(validators.get('subscribe')?.({ type: 'subscribe', topics: ['order:not-a-uuid'] })).toBe(false);
    expect(validators.get('subscribe')?.({ type: 'subscribe', topics: [] })).toBe(false);
    expect(validators.get('error')?.({ type: 'error', code: 'no_such_code', message: 'x' })).toBe(false);
    expect(validators.get('catalogEvent')?.({ type: 'event', event: { ...json().components.messages.orderEvent.examples[0].payload.event } })).toBe(false);
  });
});

/** The `type` constant of a message's payload. */
function validatorSchemaType(name: string): string {
  const component = (json().channels.socket.messages[name].$ref as string).split('/').pop() as string;
  const payloadRef = json().components.messages[component].payload.$ref as string;
  return json().components.schemas[payloadRef.split('/').pop() as string].properties.type.const as string;
}
