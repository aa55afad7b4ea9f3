/** The part of JSON Schema the api's OpenAPI document uses for its inputs. */
export interface JsonSchema {
  type?: string;
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: readonly JsonSchema[];
  default?: unknown;
}

export type ParameterLocation = 'path' | 'query' | 'header';

export interface Parameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  schema: JsonSchema;
}

/** One method on one path, as the document describes its input. */
export interface Operation {
  /** `PATCH /v1/products/{id}` */
  id: string;
  method: string;
  /** With `{name}` placeholders for path parameters. */
  pathTemplate: string;
  parameters: Parameter[];
  /** The `application/json` request body schema, if the operation takes one. */
  body: JsonSchema | undefined;
  /** Whether the document says it needs a credential (a staff session or an API key). */
  secured: boolean;
  /** Whether an API key may call it (its `security` names `apiKey`); otherwise only a staff session. */
  acceptsApiKey: boolean;
  /** Whether a valid call ends sessions (logout, sign out everywhere): it gets a session of its own. */
  endsSessions: boolean;
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];

interface RawOperation {
  parameters?: { name?: unknown; in?: unknown; required?: unknown; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  security?: unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value a local JSON pointer (`#/components/schemas/Product`) names in `document`. */
function pointee(document: unknown, pointer: string): unknown {
  if (!pointer.startsWith('#/')) throw new Error(`only local references are followed, not ${pointer}`);
  let value = document;
  for (const token of pointer.slice(2).split('/')) {
    const key = decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isRecord(value) || !(key in value)) throw new Error(`the OpenAPI document has nothing at ${pointer}`);
    value = value[key];
  }
  return value;
}

/**
 * `value` with every `$ref` replaced by what it names (keywords beside the `$ref` kept), so the fuzz reads
 * plain schemas and parameters. A reference met again inside its own expansion (a recursive schema) becomes
 * `{}`: any value.
 */
export function inlineRefs(document: unknown, value: unknown = document, expanding: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((item) => inlineRefs(document, item, expanding));
  if (!isRecord(value)) return value;
  const { $ref, ...rest } = value;
  const siblings = Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, inlineRefs(document, item, expanding)]));
  if (typeof $ref !== 'string') return siblings;
  if (expanding.has($ref)) return siblings;
  const target = inlineRefs(document, pointee(document, $ref), new Set([...expanding, $ref]));
  return isRecord(target) ? { ...target, ...siblings } : target;
}

/** Every operation of an OpenAPI 3 document; throws naming what is missing when it has an unexpected shape. */
export function operationsOf(raw: unknown): Operation[] {
  if (!isRecord(raw) || !isRecord(raw.paths)) throw new Error('the OpenAPI document has no "paths" object');
  const document = { ...raw, paths: inlineRefs(raw, raw.paths) as Record<string, unknown> };
  const operations: Operation[] = [];
  for (const [pathTemplate, pathItem] of Object.entries(document.paths)) {
    if (!isRecord(pathItem)) continue;
    for (const method of METHODS) {
      const raw = pathItem[method] as RawOperation | undefined;
      if (raw === undefined) continue;
      const id = `${method.toUpperCase()} ${pathTemplate}`;
      const parameters = (raw.parameters ?? []).map((parameter): Parameter => {
        const location = parameter.in;
        if (typeof parameter.name !== 'string' || (location !== 'path' && location !== 'query' && location !== 'header') || !isRecord(parameter.schema)) {
          throw new Error(`${id}: a parameter has no name, location or schema: ${JSON.stringify(parameter)}`);
        }
        return { name: parameter.name, in: location, required: parameter.required === true, schema: parameter.schema as JsonSchema };
      });
      const body = raw.requestBody?.content?.['application/json']?.schema;
      operations.push({
        id,
        method: method.toUpperCase(),
        pathTemplate,
        parameters,
        body: isRecord(body) ? (body as JsonSchema) : undefined,
        secured: Array.isArray(raw.security) && raw.security.length > 0,
        acceptsApiKey: Array.isArray(raw.security) && raw.security.some((entry) => isRecord(entry) && 'apiKey' in entry),
        endsSessions: /^\/v1\/auth\/logout/.test(pathTemplate),
      });
    }
  }
  if (operations.length === 0) throw new Error('the OpenAPI document describes no operation');
  return operations;
}

/** Fetches the document the running api serves and reads its operations. */
export async function fetchOperations(documentUrl: string): Promise<Operation[]> {
  const response = await fetch(documentUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${documentUrl} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return operationsOf(await response.json());
}
