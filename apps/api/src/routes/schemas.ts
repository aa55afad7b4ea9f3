import { ErrorEnvelopeSchema, toJsonSchema, type JsonSchema } from '@livecart/schemas';
import type { z } from 'zod';

/** A request-side JSON Schema (defaults optional); a copy, since Fastify and its plugins may annotate it. */
export function inputSchema(schema: z.ZodType): JsonSchema {
  return structuredClone(toJsonSchema(schema, 'input'));
}

/** A response-side JSON Schema (every field present), compiled by fast-json-stringify. */
export function outputSchema(schema: z.ZodType): JsonSchema {
  return structuredClone(toJsonSchema(schema, 'output'));
}

/** Every route documents (and serializes) its failures as the envelope: one schema for every other status. */
export function errorResponses(): Record<string, JsonSchema> {
  return { default: { ...outputSchema(ErrorEnvelopeSchema), description: 'Error envelope (every 4xx and 5xx)' } };
}

export const EVENT_SEQ_HEADER = 'x-event-seq';
/** The epoch X-Event-Seq belongs to (absent until the instance knows one): subscribe with both. */
export const EVENT_EPOCH_HEADER = 'x-event-epoch';
