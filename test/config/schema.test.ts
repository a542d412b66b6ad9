import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedTypesUpToDate } from '../../src/config/gen-types.js';
import { specSchema } from '../../src/config/schema.js';

type Node = Record<string, unknown>;

/** Every subschema with where it sits, to check the rules each must follow. */
function subschemas(node: unknown, where = '#'): { where: string; node: Node }[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const out = [{ where, node: node as Node }];
  const n = node as Node;
  for (const [key, child] of Object.entries((n.properties as Node | undefined) ?? {})) out.push(...subschemas(child, `${where}/properties/${key}`));
  for (const [key, child] of Object.entries((n.$defs as Node | undefined) ?? {})) out.push(...subschemas(child, `${where}/$defs/${key}`));
  for (const key of ['items', 'additionalProperties', 'propertyNames']) out.push(...subschemas(n[key], `${where}/${key}`));
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    ((n[key] as unknown[] | undefined) ?? []).forEach((child, i) => out.push(...subschemas(child, `${where}/${key}/${i}`)));
  }
  return out;
}

describe('schema/haloform.schema.json', () => {
  const all = subschemas(specSchema());

  it('describes every property', () => {
    const undocumented = all
      .filter(({ where }) => /\/properties\/[^/]+$/.test(where))
      .filter(({ node }) => typeof node.description !== 'string' || node.description.length < 10)
      .map(({ where }) => where);

    expect(undocumented).toEqual([]);
  });

  it('refuses unknown keys in every object', () => {
    const open = all
      .filter(({ node }) => node.type === 'object' && node.properties !== undefined)
      .filter(({ node }) => node.additionalProperties !== false)
      .map(({ where }) => where);

    expect(open).toEqual([]);
  });

  it('is JSON Schema 2020-12', () => {
    expect(specSchema().$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});

describe('src/config/spec-file.generated.ts', () => {
  it('is what `npm run gen:types` makes from the schema today', async () => {
    expect(await generatedTypesUpToDate()).toBe(true);
  });

  it('is reported out of date when the schema changes without regenerating', async () => {
    const changed = structuredClone(specSchema()) as Node;
    (changed.properties as Node).extra = { description: 'A new option nobody regenerated the types for.', type: 'string' };

    expect(await generatedTypesUpToDate(changed)).toBe(false);
  });

  it('says it is generated and how to regenerate it', () => {
    const text = readFileSync(new URL('../../src/config/spec-file.generated.ts', import.meta.url), 'utf8');

    expect(text).toContain('npm run gen:types');
  });
});
