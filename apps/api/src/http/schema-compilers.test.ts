import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSchemaCompilers, defaultSerializerCompiler, type SchemaCompilers } from './schema-compilers.js';

const QUERY = { type: 'object', properties: { limit: { type: 'integer' } }, additionalProperties: false };
const BODY = { type: 'object', properties: { stock: { type: 'integer' } }, required: ['stock'], additionalProperties: false };
const REPLY = { type: 'object', properties: { stock: { type: 'integer' } }, required: ['stock'] };

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

async function appWith(compilers: SchemaCompilers): Promise<FastifyInstance> {
  app = Fastify({ schemaController: { compilersFactory: compilers.factory } });
  for (const url of ['/a', '/b']) {
    app.post(url, { schema: { querystring: QUERY, body: BODY, response: { 200: REPLY } } }, async (request) => ({
      stock: (request.body as { stock: number }).stock,
      secret: 'not in the schema',
    }));
  }
  await app.ready();
  return app;
}

describe('defaultSerializerCompiler', () => {
  it('serializes exactly as the compiler Fastify builds when given none', async () => {
    const { ProductSchema } = await import('@livecart/schemas');
    const { outputSchema } = await import('../routes/schemas.js');
    const schema = outputSchema(ProductSchema);
    const probe = Fastify();
    probe.get('/', { schema: { response: { 200: schema } } }, async () => null);
    await probe.ready();
    const fastifys = (probe.serializerCompiler as unknown as (route: object) => (data: unknown) => string)({ schema, method: 'GET', url: '/', httpStatus: '200' });
    await probe.close();
    const ours = defaultSerializerCompiler()({ schema, method: 'GET', url: '/', httpStatus: '200' });
    const samples = [
      { id: '3f0c1b9e-1111-4abc-8def-0123456789ab', sku: 'A-1', name: 'Ünïcode "quoted" \\ name', description: '', category: 'audio', priceMinor: 1, currency: 'EUR', stock: 0, imageUrl: null, version: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' },
      { id: '3f0c1b9e-1111-4abc-8def-0123456789ab', sku: 'A-2', name: 'n', description: 'd', category: 'c', priceMinor: 99_999, currency: 'USD', stock: 5, imageUrl: 'https://example.com/a.png', version: 7, createdAt: new Date(0), updatedAt: new Date(1), notInSchema: true },
    ];
    for (const sample of samples) expect(ours(sample)).toBe(fastifys(sample));
  });
});

describe('schema compilers', () => {
  it('compile nothing at registration, and each distinct schema once, on first use', async () => {
    const serializerCompiler = defaultSerializerCompiler();
    const compile = vi.fn(serializerCompiler);
    const server = await appWith(createSchemaCompilers(compile));
    expect(compile).not.toHaveBeenCalled();
    for (const url of ['/a', '/b', '/a']) {
      const response = await server.inject({ method: 'POST', url, payload: { stock: 3 } });
      // Serialized through the response schema: keys outside it are dropped.
      expect(response.json()).toEqual({ stock: 3 });
    }
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('coerce the query string but not the body, and report the failing field', async () => {
    const server = await appWith(createSchemaCompilers(defaultSerializerCompiler()));
    expect((await server.inject({ method: 'POST', url: '/a?limit=10', payload: { stock: 1 } })).statusCode).toBe(200);
    const textStock = await server.inject({ method: 'POST', url: '/a', payload: { stock: '10' } });
    expect(textStock.statusCode).toBe(400);
    expect(textStock.json<{ message: string }>().message).toMatch(/body\/stock must be integer/);
    const badLimit = await server.inject({ method: 'POST', url: '/a?limit=ten', payload: { stock: 1 } });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json<{ message: string }>().message).toMatch(/querystring\/limit must be integer/);
  });

  it('compileAll compiles what is left and throws for a schema that cannot compile', async () => {
    const compilers = createSchemaCompilers(defaultSerializerCompiler());
    app = Fastify({ schemaController: { compilersFactory: compilers.factory } });
    app.get('/broken', { schema: { querystring: { type: 'object', properties: { n: { type: 'no-such-type' } } } } }, async () => 'ok');
    await app.ready();
    expect(() => compilers.compileAll()).toThrow(/no-such-type/);
  });

  it('warmUp compiles every pending schema in the background and reports failures', async () => {
    const serializerCompiler = defaultSerializerCompiler();
    const compile = vi.fn(serializerCompiler);
    const compilers = createSchemaCompilers(compile);
    app = Fastify({ schemaController: { compilersFactory: compilers.factory } });
    app.get('/ok', { schema: { response: { 200: REPLY } } }, async () => ({ stock: 1 }));
    app.get('/broken', { schema: { querystring: { type: 'object', properties: { n: { type: 'no-such-type' } } } } }, async () => 'ok');
    await app.ready();
    const failures: unknown[] = [];
    compilers.warmUp((error) => failures.push(error));
    await vi.waitFor(() => {
      expect(compile).toHaveBeenCalledTimes(1);
      expect(failures).toHaveLength(1);
    });
    expect(String(failures[0])).toMatch(/no-such-type/);
  });
});
