/**
 * Holds request bodies to Halo's own OpenAPI file (reference/halopsa/swagger-2025-03.json): the
 * request schema of a path, converted from OpenAPI 3.0 to JSON Schema and checked with ajv, so the
 * simulator's tests — and later the Halo client's — only send what the real API declares
 * (`additionalProperties: false` everywhere, so a property Halo does not know is an error).
 *
 * The full swagger lives outside the repository; the POST bodies and schemas haloform needs are
 * kept in `swagger-2025-03.subset.json` beside this file, extracted verbatim by
 * `extractSwaggerSubset` (the contract test re-extracts and compares when the full file is there).
 */

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The Halo paths (relative to /api) whose request bodies the subset keeps. */
export const SUBSET_PATHS: readonly string[] = [
  '/Client', '/Site', '/Users', '/Asset', '/AssetType', '/AssetGroup', '/Field', '/Field/AddFieldToAll/{id}', '/TicketType', '/Status',
  '/Priority', '/Outcome', '/TopLevel', '/Tickets', '/Actions', '/Control', '/Notify/Ninja/Alerts', '/Notify/Ninja',
];

export const SUBSET_FILE = new URL('./swagger-2025-03.subset.json', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface SwaggerDoc {
  openapi: string;
  info: JsonObject;
  paths: Record<string, Record<string, JsonObject>>;
  components: { schemas: Record<string, JsonObject> };
}

/** The selected paths' write operations (requestBody and parameters kept verbatim) and every schema they reach. */
export function extractSwaggerSubset(full: SwaggerDoc, paths: readonly string[] = SUBSET_PATHS): SwaggerDoc {
  const schemas: Record<string, JsonObject> = {};
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        if (!(name in schemas)) {
          schemas[name] = full.components.schemas[name]!;
          visit(schemas[name]!);
        }
      } else {
        visit(value);
      }
    }
  };
  const kept: SwaggerDoc['paths'] = {};
  for (const path of paths) {
    const item = full.paths[path];
    if (!item) throw new Error(`swagger has no path ${path}`);
    kept[path] = {};
    for (const method of ['post', 'put', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const slim: JsonObject = {};
      if (op['parameters']) slim['parameters'] = op['parameters'];
      if (op['requestBody']) slim['requestBody'] = op['requestBody'];
      kept[path]![method] = slim;
      visit(slim);
    }
  }
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((name) => [name, schemas[name]!]));
  return { openapi: full.openapi, info: full.info, paths: kept, components: { schemas: sorted } };
}

/** The subset as written to disk: one path or schema per line, so a diff shows what changed. */
export function formatSubset(doc: SwaggerDoc): string {
  const block = (entries: Record<string, unknown>) =>
    Object.entries(entries)
      .map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(',\n');
  return [
    '{',
    `  "openapi": ${JSON.stringify(doc.openapi)},`,
    `  "info": ${JSON.stringify(doc.info)},`,
    '  "paths": {',
    block(doc.paths) + '\n  },',
    '  "components": { "schemas": {',
    block(doc.components.schemas) + '\n  } }',
    '}',
    '',
  ].join('\n');
}

export function loadSwaggerSubset(): SwaggerDoc {
  return JSON.parse(readFileSync(SUBSET_FILE, 'utf8')) as SwaggerDoc;
}

/**
 * OpenAPI 3.0 schema → JSON Schema (draft-07): `nullable: true` adds `null` to `type` (and to
 * `enum`); `nullable` without a type says nothing and is dropped; `$ref`s point into `refBase`.
 * Everything else — type, properties, additionalProperties, items, format, enum, maxLength — is kept.
 */
export function openApiToJsonSchema(node: Json, refBase: string): Json {
  if (Array.isArray(node)) return node.map((n) => openApiToJsonSchema(n, refBase));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/components/schemas/', `${refBase}#/definitions/`);
    else if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, openApiToJsonSchema(schema, refBase)]));
    } else out[key] = openApiToJsonSchema(value, refBase);
  }
  if (node['nullable'] === true && typeof node['type'] === 'string') {
    out['type'] = [node['type'], 'null'];
    if (Array.isArray(node['enum'])) out['enum'] = [...node['enum'], null];
  }
  return out;
}

const INT32 = 2 ** 31;

function createValidator(doc: SwaggerDoc): (method: string, path: string, body: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv, ['uuid', 'uri', 'byte', 'binary']);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  // Halo writes and reads date-times without an offset (NOTES §4); an offset is allowed too.
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i);
  ajv.addFormat('date-span', true);
  const base = 'halo-swagger.json';
  const definitions = Object.fromEntries(Object.entries(doc.components.schemas).map(([name, schema]) => [name, openApiToJsonSchema(schema, base)]));
  ajv.addSchema({ $id: base, definitions } as object);

  const compiled = new Map<string, ValidateFunction | null>();
  const templates = Object.keys(doc.paths).map((p) => ({ path: p, pattern: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`, 'i') }));

  return (method, path, body) => {
    const relative = path.replace(/^\/api(?=\/)/i, '').replace(/\?.*$/, '');
    const template = templates.find((t) => t.pattern.test(relative));
    const op = template ? doc.paths[template.path]?.[method.toLowerCase()] : undefined;
    if (!template || !op) return [`swagger-2025-03 has no ${method.toUpperCase()} ${path} (in the subset: ${SUBSET_PATHS.join(', ')})`];
    const key = `${method.toLowerCase()} ${template.path}`;
    if (!compiled.has(key)) {
      const content = (op['requestBody'] as JsonObject | undefined)?.['content'] as JsonObject | undefined;
      const schema = (content?.['application/json'] as JsonObject | undefined)?.['schema'];
      compiled.set(key, schema === undefined ? null : ajv.compile(openApiToJsonSchema(schema, base) as object));
    }
    const validate = compiled.get(key)!;
    if (validate === null) return body === undefined ? [] : [`${method.toUpperCase()} ${template.path} takes no body`];
    return validate(body) ? [] : (validate.errors ?? []).map(describe);
  };
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(body)' : error.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.').replace(/^\./, '');
  if (error.keyword === 'additionalProperties') return `${at}: unknown property "${String(error.params['additionalProperty'])}"`;
  return `${at}: ${error.message ?? error.keyword}`;
}

let shared: ((method: string, path: string, body: unknown) => string[]) | undefined;

/**
 * The errors of `body` against Halo's request schema for `method path` (`/api/Client` or `/Client`;
 * ids in templated paths match `{id}`); an empty array when it conforms.
 */
export function validateHaloRequest(method: string, path: string, body: unknown): string[] {
  shared ??= createValidator(loadSwaggerSubset());
  return shared(method, path, body);
}
