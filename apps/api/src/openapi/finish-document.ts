import { STATUS_CODES } from 'node:http';
import { ErrorEnvelopeSchema, openApiSchemas, type JsonSchema, type OpenApiSchemas } from '@livecart/schemas';
import { zodSchemaOf } from '../routes/schemas.js';
import { headerComponents, headerRef, parameterComponents, RATE_LIMIT_HEADERS, REFUSALS, refusalResponse, responseComponents, securitySchemes } from './http-components.js';
import { refusalsOf, type DocumentedRoute } from './refusals.js';
import { REQUEST_HEADERS, RESPONSE_HEADERS } from './route-docs.js';
import { webhookDocs } from './webhook-docs.js';

type Operation = Record<string, unknown> & { operationId?: string; responses?: Record<string, JsonSchema>; requestBody?: { content?: Record<string, JsonSchema> } };
type Document = Record<string, unknown> & { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'] as const;

/** `METHOD /path/{param}`, as the document spells a route. */
export function operationKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

/** A body or response schema as a reference to the component made from the same zod schema; unchanged if none is. */
function named(schemas: OpenApiSchemas, routeSchema: unknown, io: 'input' | 'output', fallback: unknown): unknown {
  const zod = zodSchemaOf(routeSchema);
  const name = zod === undefined ? undefined : schemas.componentOf(zod, io);
  return name === undefined ? fallback : { $ref: `#/components/schemas/${name}` };
}

/** A response's headers: those of the route's response schema and of `config.openapi`, each named component by `$ref`. */
function headersOf(generated: unknown, declared: readonly string[]): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const [name, header] of Object.entries((generated ?? {}) as Record<string, unknown>)) {
    const component = RESPONSE_HEADERS[name.toLowerCase() as keyof typeof RESPONSE_HEADERS];
    if (component === undefined) headers[name] = header;
    else headers[component] = headerRef(component);
  }
  for (const component of declared) headers[component] = headerRef(component as keyof typeof headerComponents);
  return headers;
}

function responsesOf(schemas: OpenApiSchemas, route: DocumentedRoute, method: string, generated: Record<string, JsonSchema>, refusals: number[]): Record<string, unknown> {
  const docs = route.config?.openapi;
  const limited = route.config?.rateLimited === true;
  const routeResponses = (route.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(generated)) {
    if (status === 'default') continue;
    const code = Number(status);
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    const media = content?.['application/json'];
    // A refusal answered with the envelope is the named response of its status.
    if (code >= 400 && zodSchemaOf(routeResponses[status]) === ErrorEnvelopeSchema && REFUSALS[code] !== undefined) {
      responses[status] = refusalResponse(code, limited);
      continue;
    }
    const declared = [...(docs?.headers?.[code] ?? []).map((header) => RESPONSE_HEADERS[header]), ...(limited ? RATE_LIMIT_HEADERS : [])];
    const headers = headersOf(response.headers, declared);
    const schema = media === undefined ? undefined : named(schemas, routeResponses[status], 'output', media.schema);
    let body: Record<string, unknown> | undefined;
    if (code !== 304 && code !== 204 && method !== 'head') {
      if (docs?.mediaType !== undefined && code < 300) body = { [docs.mediaType]: { schema: { type: 'string' } } };
      else if (schema !== undefined) body = { 'application/json': { ...media, schema } };
    }
    responses[status] = {
      // @fastify/swagger's placeholder for a response schema without a description
      description: response.description === 'Default Response' ? (STATUS_CODES[code] ?? status) : response.description,
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
      ...(body === undefined ? {} : { content: body }),
    };
  }
  for (const status of refusals) responses[String(status)] ??= refusalResponse(status, limited);
  responses.default = refusalResponse('default', limited);
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

export interface FinishOptions {
  /** The routes the document was generated from, by `operationKey`. */
  routes: ReadonlyMap<string, DocumentedRoute>;
  servers: { url: string; description?: string }[];
}

/**
 * The OpenAPI document as @fastify/swagger generated it from the route schemas, made fit to generate
 * clients from: every payload a named component (from @livecart/schemas) referenced by `$ref`, every
 * status a route can answer, its headers, and `security` on every operation (`[]` where it is public);
 * and the webhook deliveries the API sends (`webhooks`).
 */
export function finishDocument(document: Document, { routes, servers }: FinishOptions): Document {
  const schemas = openApiSchemas();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const key = operationKey(method, path);
      const route = routes.get(key);
      if (route === undefined) throw new Error(`${key}: the document has an operation no route registered`);
      const docs = route.config?.openapi;
      // @fastify/swagger names a HEAD twin `<getId>-head`: not camelCase.
      if (method === 'head') operation.operationId = `${(operation.operationId ?? '').replace(/-head$/, '')}Head`;
      operation.security ??= [];
      const media = operation.requestBody?.content?.['application/json'];
      if (media !== undefined) media.schema = named(schemas, (route.schema as { body?: unknown }).body, 'input', media.schema);
      const parameters = (operation.parameters as { schema?: unknown }[] | undefined) ?? [];
      for (const parameter of parameters) {
        const shared = schemas.sharedComponentOf(parameter.schema);
        if (shared !== undefined) parameter.schema = { $ref: `#/components/schemas/${shared}` };
      }
      for (const header of docs?.requestHeaders ?? []) parameters.push({ $ref: `#/components/parameters/${REQUEST_HEADERS[header]}` } as { schema?: unknown });
      if (parameters.length > 0) operation.parameters = parameters;
      operation.responses = responsesOf(schemas, route, method, operation.responses ?? {}, refusalsOf(route)) as Record<string, JsonSchema>;
    }
  }
  const paths = JSON.stringify(document.paths);
  return {
    ...document,
    servers,
    webhooks: webhookDocs(),
    components: {
      schemas: schemas.schemas,
      // Only the refusals some operation answers.
      responses: Object.fromEntries(Object.entries(responseComponents()).filter(([name]) => paths.includes(`"#/components/responses/${name}"`))),
      parameters: parameterComponents,
      headers: headerComponents,
      securitySchemes,
    },
  };
}
