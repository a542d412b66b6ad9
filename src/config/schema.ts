/** The spec's JSON Schema (schema/haloform.schema.json), loaded once. */

import { readFileSync } from 'node:fs';

/** Where the schema lives; the same relative path from src/config and dist/config. */
export const SCHEMA_URL = new URL('../../schema/haloform.schema.json', import.meta.url);

let cached: Record<string, unknown> | undefined;

export function specSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  return cached;
}

export function specSchemaText(): string {
  return readFileSync(SCHEMA_URL, 'utf8');
}
