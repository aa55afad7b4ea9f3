import fc from 'fast-check';
import type { JsonSchema, Operation, Parameter } from './openapi.js';
import {
  BROKEN_JSON,
  CONTENT_TYPES,
  fetchSafeHeader,
  headerJunk,
  invalidUtf8Json,
  oversizedJson,
  pathSegmentJunk,
  queryJunk,
  wrongAuthorization,
  wrongSessionCookie,
} from './request-junk.js';
import { invalidValue, validValue, type KnownValues } from './schema-values.js';
import { percentEncode, queryString, urlText, type QueryPart } from './url-encoding.js';

/** One request to send, kept exactly as sent so a failure can be reported (and replayed) in full. */
export interface HttpCase {
  /** The OpenAPI operation it was derived from, e.g. `PATCH /v1/products/{id}`. */
  operation: string;
  /** What was made hostile: path, query, header, body-field, body-raw, content-type, method, auth, headers or valid. */
  kind: string;
  method: string;
  /** Path and query string, percent-encoded as they go on the wire. */
  target: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface CaseContext {
  apiKey: string;
  /** `livecart_session=…` of a signed-in admin: the credential of operations no API key may call. */
  adminCookie: string;
  /** Another admin's session, for the operations that end sessions (so the first one stays valid). */
  expendableCookie: string;
  known: KnownValues;
}

/** The real credential, none, or a wrong `Authorization` or `Cookie` header. */
type Auth = 'valid' | 'none' | { authorization: string } | { cookie: string };

interface Parts {
  method: string;
  path: Record<string, string>;
  query: QueryPart[];
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'FOO', 'M-SEARCH', 'patch', 'Get'];
const BODYLESS = new Set(['GET', 'HEAD']);

function byLocation(operation: Operation, location: Parameter['in']): Parameter[] {
  return operation.parameters.filter((parameter) => parameter.in === location);
}

function json(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** Valid values for every path parameter, some optional query and header parameters, and the body. */
function validParts(operation: Operation, context: CaseContext): fc.Arbitrary<Parts> {
  const path = fc.record(
    Object.fromEntries(byLocation(operation, 'path').map((p) => [p.name, validValue(p.schema, p.name, context.known).map((v) => percentEncode(urlText(v)))])),
  );
  const query = fc
    .tuple(...byLocation(operation, 'query').map((p) => fc.option(validValue(p.schema, p.name, context.known).map((v): QueryPart => ({ key: p.name, value: urlText(v) })))))
    .map((parts) => parts.filter((part): part is QueryPart => part !== null));
  const headers = fc
    .tuple(...byLocation(operation, 'header').map((p) => fc.option(validValue(p.schema, p.name, context.known).map((v) => [p.name, urlText(v)] as const))))
    .map((pairs) => Object.fromEntries(pairs.filter((pair) => pair !== null)));
  const body = operation.body === undefined ? fc.constant(undefined) : validValue(operation.body, 'body', context.known).map(json);
  return fc.record({ method: fc.constant(operation.method), path, query, headers, body });
}

function hostileParameter(operation: Operation, location: Parameter['in'], context: CaseContext): fc.Arbitrary<[Parameter, unknown]> | undefined {
  const parameters = byLocation(operation, location);
  if (parameters.length === 0) return undefined;
  return fc.oneof(...parameters.map((p) => invalidValue(p.schema, p.name, context.known).map((value): [Parameter, unknown] => [p, value])));
}

/** The mutations that apply to `operation`, each turning valid parts into hostile ones. */
function mutations(operation: Operation, context: CaseContext): [string, fc.Arbitrary<(parts: Parts) => Parts>][] {
  const list: [string, fc.Arbitrary<(parts: Parts) => Parts>][] = [];
  const hostilePath = hostileParameter(operation, 'path', context);
  if (hostilePath !== undefined) {
    const encoded = fc.oneof(hostilePath.map(([p, value]) => [p.name, percentEncode(urlText(value))] as const), fc.tuple(fc.constant(byLocation(operation, 'path')[0]!.name), pathSegmentJunk));
    list.push(['path', encoded.map(([name, value]) => (parts) => ({ ...parts, path: { ...parts.path, [name]: value } }))]);
  }
  const hostileQuery = hostileParameter(operation, 'query', context);
  if (hostileQuery !== undefined) {
    const part = fc.oneof(hostileQuery.map(([p, value]): QueryPart => ({ key: p.name, value: urlText(value) })), queryJunk);
    list.push(['query', fc.array(part, { minLength: 1, maxLength: 3 }).map((extra) => (parts) => ({ ...parts, query: [...parts.query, ...extra] }))]);
  } else {
    list.push(['query', queryJunk.map((extra) => (parts) => ({ ...parts, query: [...parts.query, extra] }))]);
  }
  const hostileHeader = hostileParameter(operation, 'header', context);
  if (hostileHeader !== undefined) {
    list.push(['header', hostileHeader.map(([p, value]) => (parts) => ({ ...parts, headers: { ...parts.headers, [p.name]: fetchSafeHeader(urlText(value)) } }))]);
  }
  if (operation.body !== undefined) {
    const body: JsonSchema = operation.body;
    list.push(['body-field', invalidValue(body, 'body', context.known).map((value) => (parts) => ({ ...parts, body: json(value) }))]);
  }
  if (!BODYLESS.has(operation.method)) {
    const raw = fc.oneof(fc.constantFrom(...BROKEN_JSON), invalidUtf8Json, oversizedJson, fc.constant(Buffer.alloc(0)));
    list.push(['body-raw', raw.map((body) => (parts) => ({ ...parts, body }))]);
    list.push([
      'content-type',
      fc.constantFrom(...CONTENT_TYPES).map((type) => (parts) => ({ ...parts, headers: { ...parts.headers, 'content-type': type }, body: parts.body ?? 'a=b' })),
    ]);
  }
  list.push([
    'method',
    fc.constantFrom(...OTHER_METHODS.filter((method) => method !== operation.method)).map((method) => (parts) => ({
      ...parts,
      method,
      body: BODYLESS.has(method.toUpperCase()) ? undefined : (parts.body ?? '{}'),
    })),
  ]);
  list.push(['headers', fc.array(headerJunk, { minLength: 1, maxLength: 3 }).map((pairs) => (parts) => ({ ...parts, headers: { ...parts.headers, ...Object.fromEntries(pairs) } }))]);
  list.push(['valid', fc.constant((parts: Parts) => parts)]);
  return list;
}

function wrongAuth(context: CaseContext): fc.Arbitrary<Auth> {
  return fc.oneof(
    wrongAuthorization(context.apiKey).map((authorization) => ({ authorization })),
    wrongSessionCookie(context.adminCookie).map((cookie) => ({ cookie })),
  );
}

function authArbitrary(operation: Operation, context: CaseContext, kind: string): fc.Arbitrary<Auth> {
  if (kind === 'auth') return fc.oneof(fc.constant<Auth>('none'), wrongAuth(context));
  if (kind === 'valid') return fc.constant('valid');
  // Most requests carry a real credential, so validation behind authentication is reached; the rest do not.
  return fc.oneof({ weight: 3, arbitrary: fc.constant<Auth>('valid') }, { weight: 1, arbitrary: fc.constant<Auth>('none') }, { weight: 1, arbitrary: wrongAuth(context) });
}

/** The real credential an operation takes: the API key where keys are accepted, else an admin's session. */
function validCredential(operation: Operation, context: CaseContext): Record<string, string> {
  if (operation.acceptsApiKey || !operation.secured) return { authorization: `Bearer ${context.apiKey}` };
  return { cookie: operation.endsSessions ? context.expendableCookie : context.adminCookie };
}

function toCase(operation: Operation, kind: string, parts: Parts, auth: Auth, context: CaseContext): HttpCase {
  const path = operation.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => parts.path[name] ?? '');
  const headers: Record<string, string> = {};
  if (parts.body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, parts.headers);
  if (auth === 'valid') Object.assign(headers, validCredential(operation, context));
  else if (auth !== 'none') Object.assign(headers, auth);
  const body = BODYLESS.has(parts.method.toUpperCase()) ? undefined : parts.body;
  return { operation: operation.id, kind, method: parts.method, target: `${path}${queryString(parts.query)}`, headers, ...(body === undefined ? {} : { body }) };
}

/** Hostile requests for one operation, each derived from its parameter and body schemas. */
export function httpCaseArbitrary(operation: Operation, context: CaseContext): fc.Arbitrary<HttpCase> {
  const kinds = mutations(operation, context).map(([kind, mutate]) => ({
    weight: kind === 'valid' ? 1 : 3,
    arbitrary: fc.tuple(fc.constant(kind), mutate),
  }));
  const withAuth = fc.oneof(...kinds, { weight: operation.secured ? 3 : 1, arbitrary: fc.tuple(fc.constant('auth'), fc.constant((parts: Parts) => parts)) });
  return fc
    .tuple(validParts(operation, context), withAuth)
    .chain(([parts, [kind, mutate]]) => authArbitrary(operation, context, kind).map((auth) => toCase(operation, kind, mutate(parts), auth, context)));
}

/** `count` cases spread evenly over the operations, the same ones for the same seed. */
export function sampleHttpCases(operations: readonly Operation[], context: CaseContext, count: number, seed: number): HttpCase[] {
  const arbitrary = fc.oneof(...operations.map((operation) => httpCaseArbitrary(operation, context)));
  return fc.sample(arbitrary, { seed, numRuns: count });
}
