import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/** One answer of the API, as `inject` gives it. */
export interface Exchange {
  method: string;
  url: string;
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Headers a client relies on: each one an answer carries must be documented for its operation and status. */
export const CONTRACT_HEADERS = ['etag', 'location', 'x-event-seq', 'x-event-epoch', 'idempotent-replayed', 'set-cookie', 'retry-after', 'www-authenticate', 'ratelimit', 'ratelimit-policy', 'preference-applied'];

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks answers against an OpenAPI document: the operation exists, the status is listed (not left to
 * `default`), every contract header is documented for that status, and a JSON body validates against the
 * documented schema (JSON Schema 2020-12, the document's own components).
 */
export function conformance(document: Json): (exchange: Exchange) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const validators = new Map<string, ValidateFunction>();
  const paths = document.paths as Record<string, Record<string, Json>>;
  // Literal segments before parameters: /v1/products/bulk is not /v1/products/{id}.
  const templates = Object.keys(paths)
    .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`), params: (template.match(/\{/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);
  const resolve = (value: unknown): Json => {
    if (!isRecord(value) || typeof value.$ref !== 'string') return value as Json;
    let target: unknown = document;
    for (const key of value.$ref.slice(2).split('/')) target = (target as Json)[key];
    return resolve(target);
  };

  return ({ method, url, statusCode, headers, body }) => {
    const path = new URL(url, 'http://x').pathname;
    const template = templates.find(({ pattern }) => pattern.test(path))?.template;
    const name = `${method} ${template ?? path} → ${statusCode}`;
    const operation = template === undefined ? undefined : paths[template]?.[method.toLowerCase()];
    if (operation === undefined) return [`${name}: no such operation in the document`];
    const responses = operation.responses as Json;
    if (responses[String(statusCode)] === undefined) return [`${name}: the status is not documented`];
    const response = resolve(responses[String(statusCode)]);
    const documented = Object.keys((response.headers as Json | undefined) ?? {}).map((header) => header.toLowerCase());
    const problems = CONTRACT_HEADERS.filter((header) => headers[header] !== undefined && !documented.includes(header)).map((header) => `${name}: header ${header} is not documented`);
    const schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
    if (method !== 'HEAD' && body !== '' && isRecord(schema)) {
      const key = JSON.stringify(schema);
      let validate = validators.get(key);
      if (validate === undefined) {
        validate = ajv.compile(typeof schema.$ref === 'string' ? { $ref: `openapi.json${schema.$ref}` } : schema);
        validators.set(key, validate);
      }
      if (!validate(JSON.parse(body))) problems.push(`${name}: the body does not match its schema: ${ajv.errorsText(validate.errors)}`);
    }
    return problems;
  };
}
