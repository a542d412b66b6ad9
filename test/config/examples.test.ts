import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFile, loadSpecText } from '../../src/config/load.js';
import { STARTER_VARIABLES, starterSpec } from '../../src/config/starter.js';

const root = new URL('../../', import.meta.url).pathname;
const secrets = Object.fromEntries(STARTER_VARIABLES.map((v) => [v, `value-of-${v}`]));

describe('the specs haloform ships', () => {
  it('config/demo.yaml validates with no environment at all (the sandbox defaults)', () => {
    const loaded = loadSpecFile('config/demo.yaml', {}, root);

    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.spec?.connections.ninjaone.baseUrl).toBe('http://127.0.0.1:7101');
    expect(loaded.spec?.connections.halo.url).toBe('http://127.0.0.1:7102');
  });

  it('config/haloform.example.yaml validates once its variables are set', () => {
    const loaded = loadSpecFile('config/haloform.example.yaml', secrets, root);

    expect(loaded.diagnostics).toEqual([]);
  });

  it('config/haloform.example.yaml uses every option of the schema', () => {
    const text = readFileSync(join(root, 'config/haloform.example.yaml'), 'utf8');
    const schema = JSON.parse(readFileSync(join(root, 'schema/haloform.schema.json'), 'utf8')) as Record<string, unknown>;
    const keys = new Set<string>();
    const collect = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      for (const [k, v] of Object.entries((n.properties as Record<string, unknown>) ?? {})) {
        keys.add(k);
        collect(v);
      }
      for (const v of Object.values((n.$defs as Record<string, unknown>) ?? {})) collect(v);
      for (const v of (n.oneOf as unknown[]) ?? []) collect(v);
    };
    collect(schema);
    // The two NinjaOne endpoint forms are exclusive; the example shows `url` in a comment.
    const unused = [...keys].filter((k) => !new RegExp(`(^|[\\s{,#])${k}:`, 'm').test(text));

    expect(unused).toEqual([]);
  });

  it('the starter spec of `haloform init` validates with its variables set', () => {
    const loaded = loadSpecText('haloform.yaml', starterSpec('./schema.json'), secrets);

    expect(loaded.diagnostics).toEqual([]);
  });

  it('the starter spec validates without them, with a warning for each', () => {
    const loaded = loadSpecText('haloform.yaml', starterSpec('./schema.json'), {}, { missingEnv: 'warning' });

    expect(loaded.diagnostics.map((d) => `${d.severity} ${d.summary}`)).toEqual(STARTER_VARIABLES.map(() => 'warning Environment variable not set'));
  });

  it('every spec file is read without touching anything else (a temp dir stays empty)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haloform-'));

    const loaded = loadSpecFile(join(dir, 'missing.yaml'), {}, dir);

    expect(loaded.diagnostics.map((d) => d.summary)).toEqual(['Cannot read spec']);
  });
});
