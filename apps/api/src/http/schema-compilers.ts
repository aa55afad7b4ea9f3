import ajvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { AJV_OPTIONS } from '@livecart/schemas';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string; httpStatus?: string };
type Validator = ((data: unknown) => unknown) & { errors?: unknown };
type Serializer = (data: unknown) => string;
type SerializerCompiler = (route: RouteSchema) => Serializer;
type CompilerPool = (externalSchemas: unknown, options: { customOptions: Record<string, unknown> }) => (route: RouteSchema) => Validator;

// The compiler Fastify itself uses (Ajv + ajv-formats), instantiated twice below.
const createCompilerPool = ajvCompiler as unknown as () => CompilerPool;

// The schemas are generated from zod, not hand-written: checking them against the meta-schema would only
// cost startup time. Their `format`s (uuid, date-time) are documentation: each comes with a `pattern`
// that says the same, so checking both would run two regular expressions per id on the hottest route.
const SHARED_AJV_OPTIONS = { ...AJV_OPTIONS, validateSchema: false, validateFormats: false };

export interface SchemaCompilers {
  /** For Fastify's `schemaController.compilersFactory`. */
  factory: CompilersFactory;
  /** Compiles every schema not compiled yet; throws the first compile error. */
  compileAll(): void;
  /** Compiles the remaining schemas one per event-loop turn, so requests are never held for long. */
  warmUp(onError: (error: unknown) => void): void;
}

/**
 * Validators and serializers compiled on first use instead of at route registration (where Fastify
 * would compile every one, most for routes a fresh instance will not see for a while), and shared by
 * content: a schema that several routes use (the params of /v1/products/:id, the error envelope that
 * every route answers with, each GET's HEAD twin) is compiled once. `warmUp` compiles the rest once the
 * server listens.
 *
 * Validation keeps two Ajv instances keyed on the part of the request: bodies are JSON and must carry
 * real types (`{"stock":"10"}` is a 400), while the query string, params and headers are text and are
 * coerced (`?limit=10`). Unknown keys are rejected everywhere (AJV_OPTIONS.removeAdditional is false).
 *
 * `serializerCompiler` is Fastify's default (fast-json-stringify) compiler: see `defaultSerializerCompiler`.
 */
export function createSchemaCompilers(serializerCompiler: SerializerCompiler): SchemaCompilers {
  const pending = new Set<() => void>();
  let strict: ((route: RouteSchema) => Validator) | undefined;
  let coercing: ((route: RouteSchema) => Validator) | undefined;
  const validators = new Map<string, Validator>();
  const serializers = new Map<string, Serializer>();

  const compileValidator = (route: RouteSchema): Validator => {
    if (route.httpPart === 'body') {
      strict ??= createCompilerPool()({}, { customOptions: { ...SHARED_AJV_OPTIONS, coerceTypes: false } });
      return strict(route);
    }
    coercing ??= createCompilerPool()({}, { customOptions: { ...SHARED_AJV_OPTIONS, coerceTypes: 'array' } });
    return coercing(route);
  };

  const lazyValidator = (route: RouteSchema): Validator => {
    let compiled: Validator | undefined;
    const compile = () => {
      if (compiled === undefined) {
        compiled = compileValidator(route);
        pending.delete(compile);
      }
      return compiled;
    };
    // Fastify's validator contract: called with the data, true when valid, else false with `errors` set.
    // (An Ajv function called without its parent object cannot replace a coerced root value; every root
    // here is an object — params, query and headers by Fastify's parsing, bodies uncoerced.)
    const validate: Validator = (data) => {
      const real = compile();
      const result = real(data);
      validate.errors = real.errors;
      return result;
    };
    pending.add(compile);
    return validate;
  };

  const lazySerializer = (route: RouteSchema): Serializer => {
    let compiled: Serializer | undefined;
    const compile = () => {
      if (compiled === undefined) {
        compiled = serializerCompiler(route);
        pending.delete(compile);
      }
      return compiled;
    };
    pending.add(compile);
    return (data) => compile()(data);
  };

  const shared = <T>(cache: Map<string, T>, key: string, make: () => T): T => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = make()));
    return value;
  };

  const factory = {
    buildValidator: () => (route: RouteSchema) =>
      shared(validators, `${route.httpPart === 'body' ? 'body' : 'text'}:${JSON.stringify(route.schema)}`, () => lazyValidator(route)),
    buildSerializer: () => (route: RouteSchema) => shared(serializers, JSON.stringify(route.schema), () => lazySerializer(route)),
  } as unknown as CompilersFactory;

  return {
    factory,
    compileAll() {
      for (const compile of [...pending]) compile();
    },
    warmUp(onError) {
      const next = () => {
        const compile = pending.values().next().value;
        if (compile === undefined) return;
        try {
          compile();
        } catch (error) {
          pending.delete(compile);
          onError(error);
        }
        setImmediate(next).unref();
      };
      setImmediate(next).unref();
    },
  };
}

/**
 * Fastify's own serializer compiler: fast-json-stringify through @fastify/fast-json-stringify-compiler,
 * the package (and version range) Fastify itself builds it from when no factory is given, with no shared
 * schemas and Fastify's default options. Built directly instead of read from a throwaway Fastify
 * instance, which cost a few milliseconds of every start.
 */
export function defaultSerializerCompiler(): SerializerCompiler {
  return SerializerSelector()({}, {}) as SerializerCompiler;
}
