import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AJV_OPTIONS,
  jsonSchemaOf,
  namedSchemas,
  toJsonSchema,
  type SchemaIo,
  type SchemaName,
} from './json-schema.js';

/*
 * Proof by sampling that each named zod schema and the JSON Schema derived from it accept exactly the same
 * values, as Fastify's Ajv sees them. Samples go through JSON first: Ajv only ever validates parsed JSON
 * (request bodies, WebSocket frames), so `undefined`, NaN or shared references are not part of the contract.
 */

/** Per schema and run; every run draws a fresh seed (printed on failure), so coverage adds up run after run. */
const RUNS = { valid: 150, nearMiss: 250, anything: 100 } as const;
/** The slowest case (ServerMessage) takes well under a second alone; leave room for a loaded CI machine. */
const TIMEOUT = 30_000;

type Schema = z.core.$ZodType;

// --- constraints read from the zod definition (not from the JSON Schema under test) ---------------------

interface Constraints {
  integer: boolean;
  minimum: number;
  maximum: number;
  minLength: number;
  maxLength: number;
  patterns: RegExp[];
}

function unsupported(what: string): never {
  throw new Error(`the test walker does not know ${what}: teach it before using it in a schema`);
}

function constraintsOf(schema: Schema): Constraints {
  const c: Constraints = {
    integer: false,
    minimum: -Infinity,
    maximum: Infinity,
    minLength: 0,
    maxLength: Infinity,
    patterns: [],
  };
  // String formats (z.uuid(), z.iso.datetime()) and z.int() are checks themselves, so the schema's own def
  // goes through the same switch as its attached checks.
  const defs = [schema._zod.def, ...(schema._zod.def.checks ?? []).map((check) => check._zod.def)];
  for (const def of defs as (z.core.$ZodChecks['_zod']['def'] | z.core.$ZodTypeDef)[]) {
    if (!('check' in def)) continue;
    switch (def.check) {
      case 'greater_than': {
        const value = Number(def.value);
        c.minimum = Math.max(c.minimum, def.inclusive ? value : value + 1);
        if (!def.inclusive && !c.integer) unsupported('exclusive bounds on non-integers');
        break;
      }
      case 'less_than': {
        const value = Number(def.value);
        c.maximum = Math.min(c.maximum, def.inclusive ? value : value - 1);
        if (!def.inclusive && !c.integer) unsupported('exclusive bounds on non-integers');
        break;
      }
      case 'number_format':
        if (def.format !== 'safeint') unsupported(`number format ${def.format}`);
        c.integer = true;
        c.minimum = Math.max(c.minimum, Number.MIN_SAFE_INTEGER);
        c.maximum = Math.min(c.maximum, Number.MAX_SAFE_INTEGER);
        break;
      case 'min_length':
        c.minLength = Math.max(c.minLength, def.minimum);
        break;
      case 'max_length':
        c.maxLength = Math.min(c.maxLength, def.maximum);
        break;
      case 'length_equals':
        c.minLength = Math.max(c.minLength, def.length);
        c.maxLength = Math.min(c.maxLength, def.length);
        break;
      case 'string_format':
        if (!def.pattern) unsupported(`string format ${def.format} without a pattern`);
        c.patterns.push(def.pattern);
        break;
      default:
        unsupported(`check ${def.check}`);
    }
  }
  return c;
}

function defOf(schema: Schema) {
  return (schema as z.core.$ZodTypes)._zod.def;
}

/** Whether an object key may be absent: zod's own notion, which differs between input and output. */
function isOptionalKey(field: Schema, io: SchemaIo): boolean {
  return (io === 'input' ? field._zod.optin : field._zod.optout) === 'optional';
}

// --- valid values ----------------------------------------------------------------------------------------

const ASTRAL = '\u{1F600}';

/** String length as zod and JSON Schema count it: code points (a lone surrogate counts as one). */
function charLength(s: string): number {
  return [...s].length;
}

function validString(c: Constraints): fc.Arbitrary<string> {
  const fits = (s: string) => {
    const length = charLength(s);
    return length >= c.minLength && length <= c.maxLength && c.patterns.every((pattern) => pattern.test(s));
  };
  const [first] = c.patterns;
  if (first) return fc.stringMatching(first, { maxLength: Math.min(c.maxLength, 10_000) }).filter(fits);
  const short = Math.min(c.maxLength, c.minLength + 24);
  const sources: fc.Arbitrary<string>[] = [
    fc.string({ unit: 'grapheme-ascii', minLength: c.minLength, maxLength: short }),
    // any code point, astral characters and lone surrogates included
    fc.string({ unit: 'binary', minLength: c.minLength, maxLength: short }),
  ];
  if (Number.isFinite(c.maxLength)) {
    const max = c.maxLength;
    sources.push(
      fc.string({ unit: 'grapheme-ascii', minLength: Math.max(c.minLength, max - 2), maxLength: max }),
      // exactly `max` code points, but more UTF-16 units
      fc.constantFrom('x'.repeat(max - 1) + ASTRAL, ASTRAL.repeat(max), ASTRAL.repeat(max).slice(1)),
    );
  }
  return fc.oneof(...sources).filter(fits);
}

function validInteger(c: Constraints): fc.Arbitrary<number> {
  if (!c.integer) unsupported('non-integer numbers');
  const lo = BigInt(c.minimum);
  const hi = BigInt(c.maximum);
  const near = (from: bigint, to: bigint) => fc.bigInt({ min: from, max: to }).map(Number);
  return fc.oneof(
    fc.constantFrom(c.minimum, c.maximum),
    near(lo, lo + 100n < hi ? lo + 100n : hi),
    near(hi - 100n > lo ? hi - 100n : lo, hi),
    near(lo, hi),
  );
}

const validCache: Record<SchemaIo, WeakMap<Schema, fc.Arbitrary<unknown>>> = {
  input: new WeakMap(),
  output: new WeakMap(),
};

/** Values the schema accepts, derived from the zod definition. */
function valid(schema: Schema, io: SchemaIo): fc.Arbitrary<unknown> {
  const hit = validCache[io].get(schema);
  if (hit) return hit;
  const arbitrary = buildValid(schema, io);
  validCache[io].set(schema, arbitrary);
  return arbitrary;
}

function buildValid(schema: Schema, io: SchemaIo): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return validString(constraintsOf(schema));
    case 'number':
      return validInteger(constraintsOf(schema));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries));
    case 'literal':
      return fc.constantFrom(...def.values);
    case 'nullable':
      return fc.option(valid(def.innerType, io), { nil: null, freq: 4 });
    case 'optional':
    case 'default':
      return valid(def.innerType, io);
    case 'array': {
      const c = constraintsOf(schema);
      return fc.array(valid(def.element, io), {
        minLength: c.minLength,
        maxLength: Math.min(c.maxLength, c.minLength + 3),
      });
    }
    case 'object': {
      if (def.catchall && defOf(def.catchall).type !== 'never') unsupported('object catchall');
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const [key, field] of Object.entries(def.shape)) {
        model[key] = valid(field, io);
        if (!isOptionalKey(field, io)) requiredKeys.push(key);
      }
      return fc.record(model, { requiredKeys });
    }
    case 'union':
      return fc.oneof(...def.options.map((option) => valid(option, io)));
    default:
      return unsupported(`zod type ${def.type}`);
  }
}

// --- near-misses: a valid value with one thing wrong (or, sometimes, still right) --------------------------

const wrongTypes = fc.constantFrom<unknown>(null, true, false, 0, -1, 0.5, '', 'null', '0', [], {});

/** `s` grown (with the one code point `filler`) or cut to exactly `length` code points. */
function resize(s: string, length: number, filler: string): string {
  const chars = [...s];
  return chars.length >= length ? chars.slice(0, length).join('') : s + filler.repeat(length - chars.length);
}

function stringNearMisses(s: string, c: Constraints): fc.Arbitrary<unknown> {
  const edits = [
    '',
    ' ',
    '\u00a0',
    '\t',
    '\ufeff',
    '\ud800',
    `${s} `,
    ` ${s}`,
    `${s}\n`,
    `\n${s}`,
    s.slice(0, -1),
    s.slice(1),
    s.toUpperCase(),
    s.toLowerCase(),
    s + s,
    `${s}${ASTRAL}`,
  ];
  if (Number.isFinite(c.maxLength)) {
    const max = c.maxLength;
    edits.push(
      resize(s, max, 'x'),
      resize(s, max + 1, 'x'),
      resize(s, max, ASTRAL),
      resize(s, max + 1, ASTRAL),
      // code points against UTF-16 units, lone surrogates at the edges: where Ajv's `unicode` option matters
      ASTRAL.repeat(max),
      ASTRAL.repeat(max + 1),
      'x'.repeat(max - 1) + ASTRAL,
      'x'.repeat(max) + ASTRAL,
      'x'.repeat(max - 1) + '\ud83d',
      'x'.repeat(max) + '\ud83d',
      '\ude00'.repeat(max),
      '\ude00\ud83d'.repeat(Math.ceil(max / 2)),
    );
  }
  if (c.minLength > 0) edits.push(s.slice(0, c.minLength - 1));
  const at = fc.nat(s.length);
  const char = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
  return fc.oneof(
    fc.constantFrom(...edits),
    fc.tuple(at, char).map(([i, ch]) => s.slice(0, i) + ch + s.slice(i)),
    fc.tuple(at, char).map(([i, ch]) => s.slice(0, i) + ch + s.slice(i + 1)),
    wrongTypes,
  );
}

function integerNearMisses(n: number, c: Constraints): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(
      n + 0.5,
      n - 0.5,
      -n,
      -1,
      n + 1,
      n - 1,
      c.minimum - 1,
      c.maximum + 1,
      c.minimum - 0.5,
      c.maximum + 0.5,
      2 ** 31,
      2 ** 31 - 1,
      2 ** 53,
      2 ** 53 + 2,
      1e21,
      -1e21,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      n * 1e6,
      String(n),
      `${n}.0`,
      'NaN',
      'Infinity',
      '-1',
      '1e3',
    ),
    fc.double(),
    fc.integer(),
    wrongTypes,
  );
}

function nearMisses(schema: Schema, value: unknown, io: SchemaIo): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return typeof value === 'string' ? stringNearMisses(value, constraintsOf(schema)) : wrongTypes;
    case 'number':
      return typeof value === 'number' ? integerNearMisses(value, constraintsOf(schema)) : wrongTypes;
    case 'boolean':
      return fc.constantFrom<unknown>('true', 'false', 1, 0, null, !value);
    case 'enum':
    case 'literal': {
      const text = String(value);
      return fc.oneof(
        fc.constantFrom<unknown>(text.toLowerCase(), text.toUpperCase(), ` ${text}`, `${text}x`, text.slice(1)),
        fc.constant([value]),
        fc.string(),
        wrongTypes,
      );
    }
    case 'nullable':
      return value === null
        ? fc.oneof(wrongTypes, valid(def.innerType, io).chain((inner) => nearMisses(def.innerType, inner, io)))
        : fc.oneof(fc.constant(null), nearMisses(def.innerType, value, io));
    case 'optional':
    case 'default':
      return nearMisses(def.innerType, value, io);
    case 'array':
      return Array.isArray(value) ? arrayNearMisses(schema, def.element, value, io) : wrongTypes;
    case 'object':
      return isPlainObject(value) ? objectNearMisses(def.shape, value, io) : wrongTypes;
    case 'union': {
      const matching = def.options.filter((option) => z.safeParse(option, value).success);
      const arbitraries = matching.map((option) => nearMisses(option, value, io));
      if ('discriminator' in def && typeof def.discriminator === 'string' && isPlainObject(value)) {
        const key = def.discriminator;
        const tags = def.options.flatMap((option) => {
          const optionDef = defOf(option);
          const tag = optionDef.type === 'object' ? optionDef.shape[key] : undefined;
          const tagDef = tag ? defOf(tag) : undefined;
          return tagDef?.type === 'literal' ? [...tagDef.values] : [];
        });
        // the right payload under another tag
        arbitraries.push(fc.constantFrom(...tags).map((tag) => ({ ...value, [key]: tag })));
      }
      return fc.oneof(wrongTypes, ...arbitraries);
    }
    default:
      return wrongTypes;
  }
}

function arrayNearMisses(schema: Schema, element: Schema, items: unknown[], io: SchemaIo): fc.Arbitrary<unknown> {
  const c = constraintsOf(schema);
  const arbitraries: fc.Arbitrary<unknown>[] = [
    wrongTypes,
    fc.constantFrom<unknown>([], [null], [...items, null], [...items, 'x'], { ...items }),
  ];
  if (c.minLength > 0) arbitraries.push(fc.constant(items.slice(0, c.minLength - 1)));
  if (Number.isFinite(c.maxLength)) {
    for (const length of [c.maxLength, c.maxLength + 1]) {
      arbitraries.push(valid(element, io).map((filler) => Array.from({ length }, (_, i) => items[i] ?? filler)));
    }
  }
  if (items.length > 0) {
    arbitraries.push(
      fc
        .nat(items.length - 1)
        .chain((i) => nearMisses(element, items[i], io).map((item) => items.map((old, j) => (j === i ? item : old)))),
    );
  }
  return fc.oneof(...arbitraries);
}

function objectNearMisses(
  shape: Readonly<Record<string, Schema>>,
  object: Record<string, unknown>,
  io: SchemaIo,
): fc.Arbitrary<unknown> {
  const keys = Object.keys(object);
  const extraKey = fc.oneof(
    fc.constantFrom('extra', 'ID', 'constructor', 'toString', '__proto__', 'type ', ''),
    fc.string({ minLength: 1, maxLength: 8 }),
  );
  const arbitraries: fc.Arbitrary<unknown>[] = [
    wrongTypes,
    fc.constant([object]),
    fc.tuple(extraKey, fc.jsonValue({ maxDepth: 1 })).map(([key, extra]) => withKey(object, key, extra)),
  ];
  if (keys.length > 0) arbitraries.push(fc.constantFrom(...keys).map((key) => withoutKey(object, key)));
  for (const [key, field] of Object.entries(shape)) {
    // a present key gets a near-miss value; an absent optional one is added with one
    const current = key in object ? fc.constant(object[key]) : valid(field, io);
    arbitraries.push(current.chain((v) => nearMisses(field, v, io)).map((v) => withKey(object, key, v)));
  }
  return fc.oneof(...arbitraries);
}

function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function withoutKey(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// --- the two validators ----------------------------------------------------------------------------------

// Configured as a Fastify server with this package's options would be.
const ajv = new Ajv({ ...AJV_OPTIONS, allErrors: true, strict: false });
ajvFormats.default(ajv);

const compiled = new Map<string, ValidateFunction>();
function ajvValidator(name: SchemaName, io: SchemaIo): ValidateFunction {
  const key = `${name}:${io}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(jsonSchemaOf(name, io));
    compiled.set(key, validate);
  }
  return validate;
}

/** What travels over the wire: the value after a JSON round trip. */
function toWire(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

interface Verdicts {
  zod: boolean;
  ajv: boolean;
  /** Both accepted, and zod's parsed value equals the value Ajv validated (defaults filled in place). */
  sameResult: boolean;
  explain: () => string;
}

function judge(name: SchemaName, io: SchemaIo, wire: unknown): Verdicts {
  const schema = namedSchemas[name];
  const validate = ajvValidator(name, io);
  // Ajv's useDefaults writes defaults into the value it validates.
  const forAjv = structuredClone(wire);
  const ajvOk = validate(forAjv);
  const ajvErrors: ErrorObject[] = validate.errors ? [...validate.errors] : [];
  let zodResult: z.ZodSafeParseResult<unknown>;
  let zodOk: boolean;
  if (io === 'input') {
    zodResult = z.safeParse(schema, wire);
    zodOk = zodResult.success;
  } else {
    // A value of the output type is one zod leaves as it is: nothing stripped, no default to fill. Ajv has
    // already filled defaults into `forAjv`, so that is the value to judge.
    zodResult = z.safeParse(schema, forAjv);
    zodOk = zodResult.success && isDeepStrictEqual(zodResult.data, forAjv);
  }
  const show = (value: unknown) => JSON.stringify(value).slice(0, 2_000);
  return {
    zod: zodOk,
    ajv: ajvOk,
    sameResult: zodResult.success && ajvOk && isDeepStrictEqual(zodResult.data, forAjv),
    explain: () =>
      [
        `${name} (${io}): zod ${zodOk ? 'accepts' : 'rejects'}, Ajv ${ajvOk ? 'accepts' : 'rejects'}`,
        `value: ${show(wire)}`,
        `zod: ${zodResult.success ? `parses to ${show(zodResult.data)}` : z.prettifyError(zodResult.error)}`,
        `ajv: ${ajvOk ? `validates ${show(forAjv)}` : ajv.errorsText(ajvErrors)}`,
      ].join('\n'),
  };
}

function assertAgree(verdicts: Verdicts): void {
  if (verdicts.zod !== verdicts.ajv) throw new Error(verdicts.explain());
}

// --- the derived schemas themselves ---------------------------------------------------------------------

const cases = (Object.keys(namedSchemas) as SchemaName[]).flatMap((name) =>
  (['input', 'output'] as const).map((io) => ({ name, io })),
);

describe('toJsonSchema / jsonSchemaOf', () => {
  it('derives draft-07 schemas without a $schema key, cached per flavour', () => {
    const input = jsonSchemaOf('ProductCreate', 'input');
    expect(input).not.toHaveProperty('$schema');
    expect(jsonSchemaOf('ProductCreate', 'input')).toBe(input);
    expect(toJsonSchema(namedSchemas.ProductCreate)).toBe(input);
    expect(jsonSchemaOf('ProductCreate', 'output')).not.toBe(input);
  });

  it('makes defaulted keys optional on input and required on output', () => {
    expect(jsonSchemaOf('ProductCreate', 'input').required).toEqual(['sku', 'name', 'category', 'priceMinor']);
    expect(jsonSchemaOf('ProductCreate', 'output').required).toEqual(
      expect.arrayContaining(['description', 'currency', 'stock', 'imageUrl']),
    );
  });

  it('uses only keywords a strict Ajv knows', () => {
    const warnings: unknown[] = [];
    const record = (...args: unknown[]) => warnings.push(args);
    const strictAjv = new Ajv({ ...AJV_OPTIONS, strict: true, logger: { log: record, warn: record, error: record } });
    ajvFormats.default(strictAjv);
    for (const { name, io } of cases) strictAjv.compile(jsonSchemaOf(name, io));
    expect(warnings).toEqual([]);
  });

  it('counts string lengths in code points, as zod does (AJV_OPTIONS leaves `unicode` at its default)', () => {
    const validate = ajvValidator('ProductCreate', 'input');
    const create = { sku: 'MUG-001', category: 'kitchen', priceMinor: 1299 };
    for (const name of ['😀'.repeat(200), '😀'.repeat(201), `${'x'.repeat(199)}😀`, `${'x'.repeat(200)}😀`]) {
      const zodOk = namedSchemas.ProductCreate.safeParse({ ...create, name }).success;
      expect(validate({ ...create, name }), `${name.length} UTF-16 units`).toBe(zodOk);
    }
    expect(validate({ ...create, name: '😀'.repeat(200) })).toBe(true);
  });

  it('fills the same defaults as zod', () => {
    const value = { sku: 'MUG-001', name: 'Mug', category: 'kitchen', priceMinor: 1299 };
    const forAjv = structuredClone(value);
    expect(ajvValidator('ProductCreate', 'input')(forAjv)).toBe(true);
    expect(forAjv).toEqual(namedSchemas.ProductCreate.parse(value));
  });
});

// --- the properties ---------------------------------------------------------------------------------------

describe('zod schemas and their JSON Schemas accept the same values', () => {
  it('covers every named schema', () => {
    expect(cases).toHaveLength(Object.keys(namedSchemas).length * 2);
  });

  describe.each(cases)('$name ($io)', ({ name, io }) => {
    const schema = namedSchemas[name];

    it('values built from the zod definition: accepted by both, parsed alike', () => {
      let total = 0;
      let accepted = 0;
      fc.assert(
        fc.property(valid(schema, io), (value) => {
          const verdicts = judge(name, io, toWire(value));
          assertAgree(verdicts);
          total += 1;
          if (verdicts.zod) {
            accepted += 1;
            // same defaults filled, nothing else changed
            if (!verdicts.sameResult) throw new Error(`results differ\n${verdicts.explain()}`);
          }
        }),
        { numRuns: RUNS.valid },
      );
      // the generator really builds valid values, so this property cannot pass on rejections alone
      expect(accepted / total).toBeGreaterThanOrEqual(0.95);
    }, TIMEOUT);

    it('near-misses of valid values: same verdict', () => {
      let total = 0;
      let rejected = 0;
      const sample = valid(schema, io).chain((value) => nearMisses(schema, value, io));
      fc.assert(
        fc.property(sample, (value) => {
          const verdicts = judge(name, io, toWire(value));
          assertAgree(verdicts);
          total += 1;
          if (!verdicts.zod) rejected += 1;
        }),
        { numRuns: RUNS.nearMiss },
      );
      // the mutations really break values (some near-misses, like a string of exactly max length, stay valid)
      expect(rejected / total).toBeGreaterThanOrEqual(0.4);
    }, TIMEOUT);

    it('arbitrary JSON: same verdict', () => {
      fc.assert(
        fc.property(fc.oneof(fc.anything(), fc.jsonValue()), (value) => assertAgree(judge(name, io, toWire(value)))),
        { numRuns: RUNS.anything },
      );
    }, TIMEOUT);
  });
});
