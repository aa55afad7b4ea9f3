import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sampleProduct } from '../test/fixtures.js';
import { CurrencySchema, IdSchema } from './common.js';
import { ErrorEnvelopeSchema } from './errors.js';
import { namedSchemas, toJsonSchema } from './json-schema.js';
import type { z } from 'zod';
import { COMPONENT_SCHEMA_PREFIX, openApiSchemas, REQUEST_SCHEMA_NAMES, RESPONSE_SCHEMA_NAMES, sharedSchemas } from './openapi.js';
import { ProductCreateSchema, ProductSchema } from './product.js';

const { schemas, componentOf, sharedComponentOf } = openApiSchemas();

function validator(name: string) {
  const ajv = new Ajv2020({ strict: false });
  ajvFormats.default(ajv);
  ajv.addSchema({ $id: 'components', components: { schemas } });
  return ajv.compile({ $ref: `components${COMPONENT_SCHEMA_PREFIX}${name}` });
}

function refsOf(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsOf(item, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref') into.push(String(item));
      else refsOf(item, into);
    }
  }
  return into;
}

describe('openApiSchemas', () => {
  it('names every request and response payload, each part once, and every reference names a component', () => {
    for (const name of [...REQUEST_SCHEMA_NAMES, ...RESPONSE_SCHEMA_NAMES]) expect(schemas, name).toHaveProperty(name);
    const refs = refsOf(schemas);
    for (const ref of refs) expect(Object.keys(schemas), ref).toContain(ref.slice(COMPONENT_SCHEMA_PREFIX.length));
    // The currency enum is described once and referenced wherever a currency is.
    expect(JSON.stringify(schemas).match(/"enum":\["AED"/g)).toHaveLength(1);
    expect(refs.filter((ref) => ref === `${COMPONENT_SCHEMA_PREFIX}Currency`).length).toBeGreaterThan(3);
  });

  it('leaves responses open to additive fields, and request bodies closed', () => {
    const responseSide = new Set<string>();
    const pending: string[] = [...RESPONSE_SCHEMA_NAMES];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (responseSide.has(name)) continue;
      responseSide.add(name);
      pending.push(...refsOf(schemas[name]).map((ref) => ref.slice(COMPONENT_SCHEMA_PREFIX.length)));
    }
    for (const name of responseSide) expect(JSON.stringify(schemas[name]), name).not.toContain('"additionalProperties":false');
    expect(validator('Product')({ ...sampleProduct, addedInAMinorVersion: true })).toBe(true);
    expect(validator('Product')({ ...sampleProduct, priceMinor: '12.99' })).toBe(false);
    expect(validator('ProductCreate')({ sku: 'MUG-001', name: 'Mug', category: 'kitchen', priceMinor: 1299 })).toBe(true);
    expect(validator('ProductCreate')({ sku: 'MUG-001', name: 'Mug', category: 'kitchen', priceMinor: 1299, dryRun: true })).toBe(false);
  });

  it('refers to a part with a plain `$ref` (keywords beside it), not a one-member `allOf`', () => {
    expect(JSON.stringify(schemas)).not.toMatch(/"allOf":\[\{"\$ref":"[^"]*"\}\]/);
    expect(schemas.ProductCreate?.properties).toMatchObject({ currency: { $ref: `${COMPONENT_SCHEMA_PREFIX}Currency`, default: 'EUR' } });
  });

  it('describes requests as what may be sent and responses as what is answered', () => {
    expect(schemas.ProductCreate?.required).toEqual(['sku', 'name', 'category', 'priceMinor']);
    expect(schemas.Product?.required).toEqual(expect.arrayContaining(['description', 'currency', 'imageUrl']));
  });

  it('carries the examples of the zod schemas, each one valid for its schema', () => {
    const all = { ...namedSchemas, ...sharedSchemas } as Record<string, z.ZodType>;
    const withExamples = Object.entries(schemas).filter(([, schema]) => Array.isArray(schema.examples));
    expect(withExamples.map(([name]) => name)).toEqual(expect.arrayContaining(['Product', 'ProductCreate', 'OrderCreate', 'ErrorEnvelope', 'CategoryReprice']));
    for (const [name, schema] of withExamples) {
      for (const example of schema.examples as unknown[]) {
        expect(all[name]?.safeParse(example).success, `${name}: ${JSON.stringify(example)}`).toBe(true);
        expect(validator(name)(example), `${name}: ${JSON.stringify(example)}`).toBe(true);
      }
    }
  });

  it('finds the component of a zod schema by identity, and of a parameter by its JSON Schema', () => {
    expect(componentOf(ProductSchema, 'output')).toBe('Product');
    expect(componentOf(ProductCreateSchema, 'input')).toBe('ProductCreate');
    expect(componentOf(ErrorEnvelopeSchema, 'output')).toBe('ErrorEnvelope');
    expect(componentOf(ProductCreateSchema, 'output')).toBeUndefined();
    expect(sharedComponentOf(toJsonSchema(IdSchema, 'input'))).toBe('Id');
    expect(sharedComponentOf(toJsonSchema(CurrencySchema, 'input'))).toBe('Currency');
    expect(sharedComponentOf({ type: 'string' })).toBeUndefined();
  });
});
