import { describe, expect, it } from 'vitest';
import { inlineRefs, operationsOf } from './openapi.js';

const document = {
  paths: {
    '/v1/products/{id}': {
      patch: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { $ref: '#/components/schemas/Id' } }, { $ref: '#/components/parameters/IfMatch' }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ProductUpdate' } } } },
        security: [{ apiKey: ['catalog:write'] }],
      },
    },
  },
  components: {
    schemas: {
      Id: { type: 'string', format: 'uuid' },
      Currency: { type: 'string', enum: ['EUR', 'USD'] },
      ProductUpdate: { type: 'object', properties: { currency: { default: 'EUR', $ref: '#/components/schemas/Currency' }, tree: { $ref: '#/components/schemas/Tree' } } },
      Tree: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Tree' } } } },
    },
    parameters: { IfMatch: { name: 'if-match', in: 'header', required: false, schema: { type: 'string' } } },
  },
};

describe('operationsOf', () => {
  it('reads operations whose schemas and parameters are references to components', () => {
    const [operation] = operationsOf(document);
    expect(operation?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      { name: 'if-match', in: 'header', required: false, schema: { type: 'string' } },
    ]);
    expect(operation?.body?.properties?.currency).toEqual({ type: 'string', enum: ['EUR', 'USD'], default: 'EUR' });
    expect(operation).toMatchObject({ secured: true, acceptsApiKey: true });
  });

  it('stops a recursive schema at its first repetition, and refuses a reference to nothing', () => {
    const tree = inlineRefs(document, { $ref: '#/components/schemas/Tree' });
    expect(tree).toEqual({ type: 'object', properties: { children: { type: 'array', items: {} } } });
    expect(() => inlineRefs(document, { $ref: '#/components/schemas/Nope' })).toThrow(/nothing at #\/components\/schemas\/Nope/);
  });
});
