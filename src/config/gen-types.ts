/**
 * Generates src/config/spec-file.generated.ts — the TypeScript shape of a spec file as written —
 * from schema/haloform.schema.json. `npm run gen:types` writes it; `--check` (run by lint and a
 * test) fails when the committed file is out of date.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import { specSchema } from './schema.js';

/** The generated file, in src/ whichever of src/ or dist/ this module runs from. */
export const GENERATED_PATH = fileURLToPath(new URL('../../src/config/spec-file.generated.ts', import.meta.url));

const BANNER = `/* eslint-disable */
/**
 * Generated from schema/haloform.schema.json by \`npm run gen:types\`. Do not edit by hand:
 * change the schema and regenerate. A test fails when this file is out of date.
 */`;

export async function generateSpecTypes(schema: Record<string, unknown> = specSchema()): Promise<string> {
  return compile(structuredClone(schema) as never, 'HaloformSpec', {
    bannerComment: BANNER,
    additionalProperties: false,
    strictIndexSignatures: true,
    unreachableDefinitions: false,
    format: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

/** Whether the committed file matches what `schema` generates. */
export async function generatedTypesUpToDate(schema: Record<string, unknown> = specSchema()): Promise<boolean> {
  return readFileSync(GENERATED_PATH, 'utf8') === (await generateSpecTypes(schema));
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--check')) {
    if (!(await generatedTypesUpToDate())) {
      process.stderr.write(`${GENERATED_PATH} is out of date with schema/haloform.schema.json. Run: npm run gen:types\n`);
      return 1;
    }
    return 0;
  }
  writeFileSync(GENERATED_PATH, await generateSpecTypes());
  process.stderr.write(`wrote ${GENERATED_PATH}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
