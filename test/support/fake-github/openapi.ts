/**
 * GitHub's REST description (api.github.com, from @octokit/openapi) as a router and validator.
 *
 * Loading reads the 13 MB plain (not dereferenced) description once per process and indexes its
 * paths; JSON Schema validators are compiled only for the operations a test touches and cached
 * here, so a test file pays for parsing once and for each operation once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
  'x-multi-segment'?: boolean;
}

interface OperationObject {
  operationId: string;
  parameters?: (ParameterObject | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonObject }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: JsonObject }> }>;
  externalDocs?: { url?: string };
}

interface Description {
  paths: Record<string, Record<string, OperationObject | ParameterObject[]>>;
  components: {
    schemas: Record<string, JsonObject>;
    parameters: Record<string, ParameterObject>;
    responses: Record<string, { content?: Record<string, { schema?: JsonObject }> }>;
    examples: Record<string, { value: Json }>;
  };
}

type Segment = { literal: string } | { param: string; multi: boolean };

/** One operation of the description: `GET /repos/{owner}/{repo}/pulls/{pull_number}`. */
export interface Operation {
  method: string;
  template: string;
  operationId: string;
  documentationUrl: string;
  parameters: ParameterObject[];
  object: OperationObject;
  segments: Segment[];
  literalCount: number;
}

export interface RouteMatch {
  operation: Operation;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

const require = createRequire(import.meta.url);
const descriptionPath = require.resolve('@octokit/openapi/generated/api.github.com.json');
const description = JSON.parse(readFileSync(descriptionPath, 'utf8')) as Description;

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'];

function resolveParameter(p: ParameterObject | { $ref: string }): ParameterObject {
  if ('$ref' in p) {
    const name = p.$ref.replace('#/components/parameters/', '');
    const resolved = description.components.parameters[name];
    if (!resolved) throw new Error(`GitHub's description references a missing parameter ${p.$ref}`);
    return resolved;
  }
  return p;
}

function parseTemplate(template: string, parameters: ParameterObject[]): Segment[] {
  return template
    .split('/')
    .slice(1)
    .map((part) => {
      const m = /^\{(.+)\}$/.exec(part);
      if (!m?.[1]) return { literal: part };
      const name = m[1];
      const multi = parameters.some(
        (p) => p.in === 'path' && p.name === name && p['x-multi-segment'] === true,
      );
      return { param: name, multi };
    });
}

const operations: Operation[] = [];
for (const [template, item] of Object.entries(description.paths)) {
  const shared = ((item['parameters'] as ParameterObject[] | undefined) ?? []).map(resolveParameter);
  for (const method of METHODS) {
    const object = item[method] as OperationObject | undefined;
    if (!object) continue;
    const parameters = [...shared, ...(object.parameters ?? []).map(resolveParameter)];
    const segments = parseTemplate(template, parameters);
    operations.push({
      method: method.toUpperCase(),
      template,
      operationId: object.operationId,
      documentationUrl: object.externalDocs?.url ?? 'https://docs.github.com/rest',
      parameters,
      object,
      segments,
      literalCount: segments.filter((s) => 'literal' in s).length,
    });
  }
}

/** Every operationId in the description. */
export function operationIds(): Set<string> {
  return new Set(operations.map((o) => o.operationId));
}

/** Matches raw (still percent-encoded) path segments against a template; multi-segment params may span several. */
function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const walk = (si: number, pi: number, acc: Record<string, string>): Record<string, string> | undefined => {
    if (si === segments.length) return pi === parts.length ? acc : undefined;
    const seg = segments[si];
    if (!seg || pi >= parts.length) return undefined;
    if ('literal' in seg) return parts[pi] === seg.literal ? walk(si + 1, pi + 1, acc) : undefined;
    const maxEnd = seg.multi ? parts.length : pi + 1;
    for (let end = maxEnd; end > pi; end--) {
      const raw = parts.slice(pi, end);
      if (raw.some((r) => r === '')) continue;
      let value: string;
      try {
        value = raw.map((r) => decodeURIComponent(r)).join('/');
      } catch {
        return undefined;
      }
      const found = walk(si + 1, end, { ...acc, [seg.param]: value });
      if (found) return found;
    }
    return undefined;
  };
  return walk(0, 0, {});
}

/**
 * The operation a request addresses. Among several templates that match (`/commits/{ref}` against
 * `/commits/{ref}/check-runs`), the one with the most literal segments wins, as on GitHub.
 * `methodsForPath` lists the methods the path supports when the method itself has no operation.
 */
export function matchOperation(
  method: string,
  pathname: string,
): { match: RouteMatch } | { match?: undefined; methodsForPath: string[] } {
  const parts = pathname.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  let best: RouteMatch | undefined;
  const methodsForPath = new Set<string>();
  for (const operation of operations) {
    const params = matchSegments(operation.segments, parts);
    if (!params) continue;
    if (operation.method !== method) {
      methodsForPath.add(operation.method);
      continue;
    }
    if (!best || operation.literalCount > best.operation.literalCount) best = { operation, params };
  }
  return best ? { match: best } : { methodsForPath: [...methodsForPath] };
}

// --- JSON Schema conversion --------------------------------------------------------------------

const COMPONENT_SCHEMA = '#/components/schemas/';

/**
 * OpenAPI 3.0 schema → JSON Schema draft-07 that Ajv compiles: `nullable` becomes an explicit
 * null alternative, component refs point into `definitions`, and `oneOf` becomes `anyOf`
 * because GitHub's oneOf branches overlap (a content-file also matches content-symlink), so
 * "exactly one" would reject GitHub's own answers.
 */
function toJsonSchema(root: Json): JsonObject {
  const definitions: Record<string, Json> = {};
  const pending: string[] = [];
  const convert = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(convert);
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples' || key === 'nullable' || key.startsWith('x-')) continue;
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_SCHEMA)) {
        const name = value.slice(COMPONENT_SCHEMA.length);
        if (!(name in definitions) && !pending.includes(name)) pending.push(name);
        out[key] = `#/definitions/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      } else if (key === 'oneOf') {
        out['anyOf'] = convert(value);
      } else if (
        key === 'properties' &&
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value)
      ) {
        // Property names are not schemas: a property called "example" must survive.
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
      } else {
        out[key] = convert(value);
      }
    }
    if (node['nullable'] === true) return { anyOf: [out, { type: 'null' }] };
    return out;
  };
  const converted = convert(root);
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    const schema = description.components.schemas[name];
    if (!schema)
      throw new Error(`GitHub's description references a missing schema ${COMPONENT_SCHEMA}${name}`);
    definitions[name] = null; // reserve before converting, so cycles terminate
    definitions[name] = convert(schema);
  }
  return { definitions, allOf: [converted] };
}

function newAjv(coerceTypes: boolean): Ajv {
  // verbose: errors carry the offending data, which GitHub-style messages quote.
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    coerceTypes: coerceTypes ? 'array' : false,
    logger: false,
  });
  addFormatsModule.default(ajv);
  ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
  return ajv;
}

const bodyAjv = newAjv(false);
const paramAjv = newAjv(true);

const bodyValidators = new Map<string, ValidateFunction | null>();
const paramValidators = new Map<string, { path: ValidateFunction; query: ValidateFunction }>();
const responseValidators = new Map<string, ValidateFunction | null>();

export interface Problem {
  /** For the violation record, e.g. `body/event must be one of: APPROVE, REQUEST_CHANGES, COMMENT`. */
  reason: string;
  /** For GitHub-style error bodies, e.g. `"name" wasn't supplied.` */
  message: string;
}

function describeErrors(where: string, errors: ErrorObject[] | null | undefined): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors ?? []) {
    // anyOf/allOf wrappers repeat what their branches said; keep the specific errors.
    if (e.keyword === 'anyOf' || e.keyword === 'allOf') continue;
    const at = `${where}${e.instancePath}`;
    let reason: string;
    let message: string;
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      reason = `${at}: required property "${missing}" is missing`;
      message = `"${missing}" wasn't supplied.`;
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues
        .map((v) => JSON.stringify(v))
        .join(', ');
      reason = `${at} must be one of: ${allowed}`;
      message = `For '${at}', ${JSON.stringify(e.data) ?? 'the value'} is not a member of [${allowed}].`;
    } else {
      reason = `${at} ${e.message ?? 'is invalid'}`;
      message = `For '${at}', ${JSON.stringify(e.data)?.slice(0, 80) ?? 'the value'} ${e.message ?? 'is invalid'}.`;
    }
    if (seen.has(reason)) continue;
    seen.add(reason);
    problems.push({ reason, message });
  }
  return problems;
}

function parametersValidator(operation: Operation) {
  const key = `${operation.method} ${operation.template}`;
  let cached = paramValidators.get(key);
  if (!cached) {
    const build = (location: 'path' | 'query') => {
      const ps = operation.parameters.filter((p) => p.in === location);
      const properties: JsonObject = {};
      for (const p of ps) properties[p.name] = p.schema ?? {};
      const schema = toJsonSchema({
        type: 'object',
        properties,
        required: ps.filter((p) => p.required).map((p) => p.name),
      });
      return paramAjv.compile(schema);
    };
    cached = { path: build('path'), query: build('query') };
    paramValidators.set(key, cached);
  }
  return cached;
}

/** Path parameters of the wrong type: GitHub finds no such resource (404). */
export function checkPathParameters(operation: Operation, params: Record<string, string>): Problem[] {
  const validate = parametersValidator(operation).path;
  return validate({ ...params }) ? [] : describeErrors('path', validate.errors);
}

/**
 * Query parameters: wrong types are problems (422); names the operation does not declare are
 * returned separately, because GitHub silently ignores them, which hides a typo.
 * Values are coerced in place (`per_page: "100"` → 100), as GitHub reads them.
 */
export function checkQueryParameters(
  operation: Operation,
  query: Record<string, string | string[]>,
): { problems: Problem[]; unknown: string[]; coerced: Record<string, unknown> } {
  const declared = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  const unknown = Object.keys(query).filter((k) => !declared.has(k));
  const coerced: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) if (declared.has(k)) coerced[k] = v;
  const validate = parametersValidator(operation).query;
  const problems = validate(coerced) ? [] : describeErrors('query', validate.errors);
  return { problems, unknown, coerced };
}

function requestBodySchema(operation: Operation): JsonObject | undefined {
  return operation.object.requestBody?.content['application/json']?.schema;
}

/**
 * The JSON body against the operation's requestBody schema. Top-level properties the schema does
 * not declare are listed in `unknown`: GitHub ignores them, so they are usually a misspelt field.
 */
export function checkRequestBody(
  operation: Operation,
  body: unknown,
): { problems: Problem[]; unknown: string[] } {
  const requestBody = operation.object.requestBody;
  if (body === undefined) {
    return requestBody?.required
      ? {
          problems: [{ reason: 'body: required request body is missing', message: 'Invalid request.' }],
          unknown: [],
        }
      : { problems: [], unknown: [] };
  }
  const schema = requestBodySchema(operation);
  if (!schema) {
    const keys = body !== null && typeof body === 'object' ? Object.keys(body) : [];
    return { problems: [], unknown: keys };
  }
  let validate = bodyValidators.get(operation.operationId);
  if (validate === undefined) {
    validate = bodyAjv.compile(toJsonSchema(schema));
    bodyValidators.set(operation.operationId, validate);
  }
  const problems = validate && !validate(body) ? describeErrors('body', validate.errors) : [];
  const unknown: string[] = [];
  const declared = schema['properties'];
  if (
    declared !== null &&
    typeof declared === 'object' &&
    !Array.isArray(declared) &&
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    schema['additionalProperties'] === undefined
  ) {
    for (const key of Object.keys(body)) if (!(key in declared)) unknown.push(key);
  }
  return { problems, unknown };
}

function responseSchema(operation: Operation, status: number): JsonObject | undefined {
  let response = operation.object.responses[String(status)];
  if (response?.$ref) {
    response = description.components.responses[response.$ref.replace('#/components/responses/', '')];
  }
  return response?.content?.['application/json']?.schema;
}

/**
 * The fake's own answer against the description's response schema, so the fake keeps GitHub's
 * shapes. A success status the description does not list for the operation is reported too.
 */
export function checkResponseBody(operation: Operation, status: number, body: unknown): Problem[] {
  const key = `${operation.operationId} ${status}`;
  let validate = responseValidators.get(key);
  if (validate === undefined) {
    const schema = responseSchema(operation, status);
    validate = schema ? bodyAjv.compile(toJsonSchema(schema)) : null;
    responseValidators.set(key, validate);
  }
  if (!validate) {
    // GitHub answers many errors its description leaves out (422 on checks/create); only a success
    // status the description does not list is the fake's mistake.
    const undocumentedSuccess =
      status < 300 && body !== undefined && !(String(status) in operation.object.responses);
    return undocumentedSuccess
      ? [{ reason: `status ${status} is not a documented response`, message: '' }]
      : [];
  }
  return validate(body) ? [] : describeErrors('response', validate.errors);
}

/** A response example from the description (deep copy), the starting point for GitHub-shaped answers. */
export function example<T = JsonObject>(name: string): T {
  const found = description.components.examples[name];
  if (!found) throw new Error(`GitHub's description has no example named ${name}`);
  return structuredClone(found.value) as T;
}
