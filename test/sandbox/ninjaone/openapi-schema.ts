/**
 * OpenAPI 3.0 schemas → JSON Schema (draft-07) for ajv, without weakening them: `nullable`
 * becomes a `null` type, OpenAPI-only keywords (`example`, `xml`, `discriminator`,
 * `externalDocs`) go, `type`/`properties`/`required` stay. `closed` also forbids properties a
 * schema does not declare (merging `allOf` parts first), so the simulator cannot invent fields.
 */

import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;

const OPENAPI_ONLY = new Set(['example', 'xml', 'discriminator', 'externalDocs']);

export interface ConvertOptions {
  /** Add `additionalProperties: false` to every object schema that lists properties and says nothing else. */
  closed?: boolean;
}

export function toJsonSchema(schema: unknown, options: ConvertOptions = {}): Schema {
  return convert(schema, options) as Schema;
}

function convert(node: unknown, options: ConvertOptions): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, options));
  if (typeof node !== 'object' || node === null) return node;
  let source = node as Schema;
  if (options.closed && Array.isArray(source.allOf)) source = mergeAllOf(source);
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (OPENAPI_ONLY.has(key) || key === 'nullable') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, convert(s, options)]));
    } else if (key === 'additionalProperties' && isJavaObject(value)) {
      // The generator writes Java's Map<String, Object> values as a bare {"type": "object"};
      // the API sends strings, numbers and booleans there (NOTES §4: "assetTag": "A-123").
      out.additionalProperties = {};
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      out[key] = typeof value === 'object' ? convert(value, options) : value;
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as unknown[]).map((s) => convert(s, options));
    } else {
      out[key] = value;
    }
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  if (options.closed && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** `{"type": "object"}` and nothing else (a description aside). */
function isJavaObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value).filter((k) => k !== 'description');
  return keys.length === 1 && (value as Schema).type === 'object';
}

/** One object schema from `allOf` parts that are all object schemas (how the spec builds device subtypes). */
function mergeAllOf(schema: Schema): Schema {
  const { allOf, ...rest } = schema;
  const merged: Schema = { ...rest, type: 'object', properties: {} };
  const required: string[] = [];
  for (const part of allOf as Schema[]) {
    const resolved = Array.isArray(part.allOf) ? mergeAllOf(part) : part;
    if (resolved.type !== undefined && resolved.type !== 'object') throw new Error('allOf with a non-object part cannot be closed');
    Object.assign(merged.properties as Schema, resolved.properties ?? {});
    required.push(...((resolved.required as string[] | undefined) ?? []));
  }
  if (required.length > 0) merged.required = [...new Set(required)];
  return merged;
}

/** Ajv for converted schemas: formats checked, including OpenAPI's numeric ones. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv, ['uuid', 'date-time', 'email', 'uri']);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('binary', { type: 'string', validate: () => true });
  return ajv;
}

/** Validates and returns ajv's errors as readable lines ([] when valid). */
export function problems(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}
