import fc from 'fast-check';
import { EVERY_HOSTILE_STRING, HUGE_LENGTHS, NUMBER_LOOKALIKES } from '../hostile-strings.js';
import type { JsonSchema } from './openapi.js';

/** Real values by field or parameter name (`id`, `productId`), so valid input also reaches existing rows. */
export type KnownValues = Readonly<Record<string, readonly string[]>>;

const ANY_JSON_TYPE: readonly unknown[] = [null, true, false, 0, -1, 1.5, '', 'text', [], {}, [null], { nested: { deeper: [] } }];

/** Strings that are no valid value of most fields: injections, unicode edge cases, huge and random text. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVERY_HOSTILE_STRING) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...HUGE_LENGTHS), fc.constantFrom('A', 'é', '😀', "'", '\u0000', '\ud800')).map(([length, unit]) => unit.repeat(length)),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...EVERY_HOSTILE_STRING), fc.constantFrom(...EVERY_HOSTILE_STRING)).map(([a, b]) => a + b) },
);

/** Keys nobody declared, including ones that pollute prototypes in naive merges. */
export const extraKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('extra', '__proto__', 'constructor', 'prototype', '', 'x'.repeat(1_000), '$where', 'id', 'version', 'toString'),
  hostileString.filter((key) => key.length < 2_000),
);

function integerBetween(min: number, max: number): fc.Arbitrary<number> {
  return fc.bigInt({ min: BigInt(Math.ceil(min)), max: BigInt(Math.floor(max)) }).map(Number);
}

function fitsLength(schema: JsonSchema): (value: string) => boolean {
  return (value) => value.length >= (schema.minLength ?? 0) && value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
}

/** A value the schema accepts; strings named in `known` mostly take one of the real values. */
export function validValue(schema: JsonSchema, name: string, known: KnownValues): fc.Arbitrary<unknown> {
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((option) => validValue(option, name, known)));
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string': {
      // Generated within the schema's own length bounds: filtering short strings up to a minimum length
      // (a password's 12) would reject nearly every draw, and the run would never end.
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
      const generated =
        schema.pattern === undefined ? fc.string({ minLength, maxLength }) : fc.stringMatching(new RegExp(schema.pattern)).filter(fitsLength(schema));
      const examples = known[name];
      if (examples === undefined || examples.length === 0) return generated;
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...examples) }, { weight: 1, arbitrary: generated });
    }
    case 'integer':
      return integerBetween(schema.minimum ?? -(2 ** 53), schema.maximum ?? 2 ** 53);
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e15, max: schema.maximum ?? 1e15, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items === undefined ? fc.constant(null) : validValue(schema.items, name, known);
      const minLength = schema.minItems ?? 0;
      return fc.array(items, { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)) });
    }
    case 'object':
      return validObject(schema, known);
    default:
      return fc.constantFrom(...ANY_JSON_TYPE);
  }
}

function validObject(schema: JsonSchema, known: KnownValues): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, validValue(property, key, known)]));
  return fc.record(model, { requiredKeys: [...(schema.required ?? [])] }) as fc.Arbitrary<Record<string, unknown>>;
}

/** With an own `key` property even for `__proto__`, which an object literal would turn into a prototype. */
function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function invalidString(schema: JsonSchema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [hostileString, fc.constantFrom(...ANY_JSON_TYPE.filter((value) => typeof value !== 'string'))];
  if (schema.maxLength !== undefined) {
    const max = schema.maxLength;
    options.push(fc.constantFrom(max + 1, max * 2 + 7, 70_000).chain((length) => fc.constantFrom('a', 'é', '€', '😀').map((unit) => unit.repeat(length))));
  }
  if (schema.minLength !== undefined && schema.minLength > 0) options.push(fc.constant('a'.repeat(schema.minLength - 1)));
  if (schema.enum !== undefined) {
    const words = schema.enum.filter((value): value is string => typeof value === 'string');
    options.push(fc.constantFrom(...words).map((word) => ` ${word.toLowerCase()}\u0000`));
  }
  return fc.oneof(...options);
}

function invalidNumber(schema: JsonSchema): fc.Arbitrary<unknown> {
  const limits = [schema.minimum, schema.maximum].filter((value): value is number => value !== undefined);
  return fc.oneof(
    fc.constantFrom(...limits.flatMap((limit) => [limit - 1, limit + 1, limit + 0.5])),
    fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, 2 ** 64, -(2 ** 63), 5e-324, 0.1, -0),
    fc.constantFrom(...NUMBER_LOOKALIKES),
    fc.constantFrom(...ANY_JSON_TYPE.filter((value) => typeof value !== 'number')),
  );
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function invalidArray(schema: JsonSchema, name: string, known: KnownValues): fc.Arbitrary<unknown> {
  const item = schema.items ?? {};
  const options: fc.Arbitrary<unknown>[] = [
    fc.array(invalidValue(item, name, known), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(deeplyNested(2_000), 'not an array', { 0: 'a', length: 1 }, null),
  ];
  if (schema.maxItems !== undefined) {
    const tooMany = schema.maxItems + 1;
    options.push(validValue(item, name, known).map((value) => Array.from({ length: tooMany }, () => value)));
  }
  if ((schema.minItems ?? 0) > 0) options.push(fc.constant([]));
  return fc.oneof(...options);
}

function invalidObject(schema: JsonSchema, known: KnownValues): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const base = validObject(schema, known);
  const options: fc.Arbitrary<unknown>[] = [
    fc.tuple(base, extraKey, fc.oneof(hostileString, fc.constantFrom(...ANY_JSON_TYPE))).map(([object, key, value]) => withKey(object, key, value)),
    fc.constantFrom(...ANY_JSON_TYPE.filter((value) => !(typeof value === 'object' && value !== null && !Array.isArray(value)))),
  ];
  const required = schema.required ?? [];
  if (required.length > 0) {
    options.push(fc.tuple(base, fc.constantFrom(...required)).map(([object, key]) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key))));
  }
  if (properties.length > 0) {
    const broken = fc.oneof(...properties.map(([key, property]) => invalidValue(property, key, known).map((value) => [key, value] as const)));
    options.push(
      fc.tuple(base, fc.array(broken, { minLength: 1, maxLength: 3 })).map(([object, fields]) => fields.reduce((acc, [key, value]) => withKey(acc, key, value), object)),
    );
  }
  return fc.oneof(...options);
}

/** A value the schema rejects: wrong types, out of range, too long or short, hostile text, broken objects. */
export function invalidValue(schema: JsonSchema, name: string, known: KnownValues): fc.Arbitrary<unknown> {
  if (schema.anyOf !== undefined) {
    const firstTyped = schema.anyOf.find((option) => option.type !== 'null') ?? {};
    return invalidValue(firstTyped, name, known);
  }
  switch (schema.type) {
    case 'string':
      return invalidString(schema);
    case 'integer':
    case 'number':
      return invalidNumber(schema);
    case 'boolean':
      return fc.oneof(fc.constantFrom('true', 'yes', 1, 0, 'on', null), hostileString);
    case 'array':
      return invalidArray(schema, name, known);
    case 'object':
      return invalidObject(schema, known);
    default:
      return fc.oneof(hostileString, fc.constantFrom(...ANY_JSON_TYPE));
  }
}
