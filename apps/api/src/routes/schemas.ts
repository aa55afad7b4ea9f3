import { ErrorEnvelopeSchema, toJsonSchema, type JsonSchema } from '@livecart/schemas';
import type { z } from 'zod';

const origins = new WeakMap<JsonSchema, z.ZodType>();
/** The same, by content: a route may spread a schema to add its `description` or `headers`. */
const originsByContent = new Map<string, z.ZodType>();

function copyOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = toJsonSchema(schema, io);
  const copy = structuredClone(json);
  origins.set(copy, schema);
  originsByContent.set(JSON.stringify(json), schema);
  return copy;
}

/** A request-side JSON Schema (defaults optional); a copy, since Fastify and its plugins may annotate it. */
export function inputSchema(schema: z.ZodType): JsonSchema {
  return copyOf(schema, 'input');
}

/** A response-side JSON Schema (every field present), compiled by fast-json-stringify; `description` says when it is answered. */
export function outputSchema(schema: z.ZodType, description?: string): JsonSchema {
  const copy = copyOf(schema, 'output');
  if (description !== undefined) copy.description = description;
  return copy;
}

/** The zod schema a route's JSON Schema was made from, for the OpenAPI document to name it (openapi/finish-document.ts). */
export function zodSchemaOf(json: unknown): z.ZodType | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { description: _description, headers: _headers, ...schema } = json as JsonSchema;
  return origins.get(json as JsonSchema) ?? originsByContent.get(JSON.stringify(schema));
}

/** Every route serializes its failures as the envelope; the document lists each status it can answer (openapi/refusals.ts). */
export function errorResponses(): Record<string, JsonSchema> {
  return { default: outputSchema(ErrorEnvelopeSchema, 'Error envelope (every 4xx and 5xx)') };
}

/** One documented failure status (the envelope), for statuses a client is expected to handle by name. */
export function errorResponse(description: string, headers?: Record<string, JsonSchema>): JsonSchema {
  return { ...outputSchema(ErrorEnvelopeSchema), description, ...(headers === undefined ? {} : { headers }) };
}

/** The failures of a write that takes preconditions (If-Match). */
export function preconditionResponses(): Record<string, JsonSchema> {
  return {
    412: errorResponse('Precondition Failed (VERSION_MISMATCH): the current version is not one that If-Match (strongly) or body.version names; nothing changed'),
    428: errorResponse('Precondition Required (PRECONDITION_REQUIRED): no If-Match, no body.version and no Prefer: last-writer-wins; nothing changed'),
  };
}

export const EVENT_SEQ_HEADER = 'x-event-seq';
/** The epoch X-Event-Seq belongs to (absent until the instance knows one): subscribe with both. */
export const EVENT_EPOCH_HEADER = 'x-event-epoch';
