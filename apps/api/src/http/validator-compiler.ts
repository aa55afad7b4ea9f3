import ajvCompiler from '@fastify/ajv-compiler';
import { AJV_OPTIONS } from '@livecart/schemas';
import type { FastifySchemaCompiler } from 'fastify';

type RouteValidatorCompiler = FastifySchemaCompiler<unknown>;
type CompilerPool = (externalSchemas: Record<string, unknown>, options: { customOptions: Record<string, unknown> }) => RouteValidatorCompiler;

// The compiler Fastify itself uses (Ajv + ajv-formats), instantiated twice below.
const createCompilerPool = ajvCompiler as unknown as () => CompilerPool;

/**
 * Two Ajv instances keyed on the part of the request: bodies are JSON and must carry real types
 * (`{"stock":"10"}` is a 400), while the query string, params and headers are text and are coerced
 * (`?limit=10`). Unknown keys are rejected everywhere (AJV_OPTIONS.removeAdditional is false).
 */
export function createValidatorCompiler(): RouteValidatorCompiler {
  const pool = createCompilerPool();
  // The schemas are generated from zod, not hand-written: checking them against the meta-schema
  // (compiled once per Ajv instance) would only add ≈45 ms to every cold start. Their `format`s
  // (uuid, date-time) are documentation: each comes with a `pattern` that says the same, so checking
  // both would run two regular expressions per id on the hottest route.
  const shared = { ...AJV_OPTIONS, validateSchema: false, validateFormats: false };
  const strict = pool({}, { customOptions: { ...shared, coerceTypes: false } });
  const coercing = pool({}, { customOptions: { ...shared, coerceTypes: 'array' } });
  return (route) => (route.httpPart === 'body' ? strict : coercing)(route);
}
