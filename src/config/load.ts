/**
 * Loading a spec: read the file, parse YAML with positions, interpolate the environment, check
 * the schema, normalise, check the cross-field rules. Returns diagnostics located in the file;
 * never throws for anything a user can fix.
 */

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter } from 'yaml';
import { error, hasErrors, sortDiagnostics, type Diagnostic, type SpecPath } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../diagnostics/source.js';
import { normalise } from './normalise.js';
import { SECRET_NAME, stringsIn, urlPasswords } from './secret-values.js';
import { SECRET_PATHS } from './vocabulary.js';
import { parseYaml, pathKey } from './parse-yaml.js';
import { checkRules } from './rules.js';
import type { HaloformSpec } from './spec-file.generated.js';
import type { Spec } from './spec.js';
import { checkSchema } from './validate-schema.js';

export interface LoadedSpec {
  /** The normalised spec; undefined when there are errors. */
  spec?: Spec;
  /** Errors and warnings, in file order, located in `source`. */
  diagnostics: Diagnostic[];
  source: SourceFile;
  /** A hash of what the spec asks for (not of its comments or layout, nor secret values). */
  hash?: string;
  /** True when some `${VAR}` was not set (only possible with `missingEnv: 'warning'`): the spec can be read, not used. */
  incomplete?: boolean;
  /**
   * Values no output may show (src/config/secret-values.ts): what the secret fields and every
   * secret-named variable the spec reads hold, and the passwords of URLs in it.
   */
  secrets: string[];
}

export interface LoadOptions {
  /** See ParseOptions.missingEnv: validate uses 'warning', everything that calls an API 'error'. */
  missingEnv?: 'error' | 'warning';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Loads `path` (resolved against `cwd`); messages name the file as `path` is written. */
export function loadSpecFile(path: string, env: Env, cwd: string = process.cwd(), options: LoadOptions = {}): LoadedSpec {
  let bytes: Buffer;
  try {
    const file = resolve(cwd, path);
    const size = statSync(file).size;
    if (size > MAX_SPEC_BYTES) {
      return refused(path, 'Spec too large', `${path} is ${megabytes(size)}; a spec is at most ${megabytes(MAX_SPEC_BYTES)} (a large MSP's spec is well under 1 MB). Check that -c names the spec, not a data file.`);
    }
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const detail =
      code === 'ENOENT'
        ? `There is no file at ${path}. Pass the spec with -c <file>, or run \`haloform init ${path}\` to write a starter spec.`
        : code === 'EISDIR'
          ? `${path} is a directory. Pass the spec file itself with -c <file>.`
          : `${path} could not be read: ${(e as Error).message}.`;
    return refused(path, 'Cannot read spec', detail);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return {
      diagnostics: [
        {
          ...error('Not UTF-8', `${path} is not valid UTF-8: byte 0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')} at line ${line}, column ${column} (byte ${offset}) begins no character. Save the file as UTF-8 (most editors: "Save with encoding").`),
          file: path,
        },
      ],
      source: new SourceFile(path, '', new LineCounter(), undefined),
      secrets: [],
    };
  }
  return loadSpecText(path, text, env, options);
}

/** The largest spec read; bigger files are refused before parsing (a 23 MB spec once took 2 GB). */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function refused(path: string, summary: string, detail: string): LoadedSpec {
  return { diagnostics: [{ ...error(summary, detail), file: path }], source: new SourceFile(path, '', new LineCounter(), undefined), secrets: [] };
}

/** The offset of the first byte that does not begin (or continue) a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return 0;
}

export function loadSpecText(path: string, text: string, env: Env, options: LoadOptions = {}): LoadedSpec {
  const parsed = parseYaml(path, text, env, options);
  const { source } = parsed;
  const incomplete = parsed.unresolved.size > 0;
  const secrets = secretsOf(parsed, env);
  const finish = (diagnostics: Diagnostic[], spec?: Spec): LoadedSpec => {
    const located = sortDiagnostics(source.attach(diagnostics));
    if (!spec || hasErrors(located)) return { diagnostics: located, source, secrets, ...(incomplete ? { incomplete } : {}) };
    return { spec, diagnostics: located, source, secrets, hash: specHash(spec, secrets), ...(incomplete ? { incomplete } : {}) };
  };
  if (parsed.data === undefined || hasErrors(parsed.diagnostics)) return finish(parsed.diagnostics);

  const variablesAt = (p: SpecPath) => parsed.interpolated.get(pathKey(p));
  const describeOrigin = (p: SpecPath) => {
    const variables = variablesAt(p);
    return variables?.length ? variables.map((v) => `\${${v}}`).join(' and ') : undefined;
  };
  const checked = checkSchema(parsed.data, { describeOrigin, textOf: (p) => parsed.substituted.get(pathKey(p)) });
  // A value whose variable is not set cannot be judged yet; its warning already says so. Unless
  // a map or a list belongs there (`connections: ${X}`): no variable's text can be right.
  const structural = new Set((checked.needsCollection ?? []).map(pathKey));
  const schema = {
    ...checked,
    diagnostics: checked.diagnostics.filter((d) => d.subject === 'key' || d.path === undefined || !parsed.unresolved.has(pathKey(d.path)) || structural.has(pathKey(d.path))),
  };
  if (hasErrors(schema.diagnostics)) return finish([...parsed.diagnostics, ...schema.diagnostics]);

  const data = schema.withDefaults as HaloformSpec;
  const spec = normalise(data, { variablesAt, isNumericKey: (p) => parsed.numericKeys.has(pathKey(p)) });
  const rules = checkRules(spec, { data, variablesAt, rawAt: (p) => parsed.raw.get(pathKey(p)) });
  return finish([...parsed.diagnostics, ...schema.diagnostics, ...rules], spec);
}

/**
 * The secret values of a parsed spec: every variable a secret field reads, every secret-named
 * variable read anywhere, every URL password.
 */
function secretsOf(parsed: ReturnType<typeof parseYaml>, env: Env): string[] {
  const out = new Set<string>();
  const secretPaths = new Set(SECRET_PATHS.map((p) => pathKey([...p])));
  for (const [key, variables] of parsed.interpolated) {
    for (const name of variables) {
      const value = env[name];
      if (value !== undefined && value.length >= 4 && (secretPaths.has(key) || SECRET_NAME.test(name))) out.add(value);
    }
  }
  for (const [, text] of stringsIn(parsed.data)) for (const p of urlPasswords(text)) out.add(p);
  return [...out];
}

/** sha256 over the normalised spec without source positions; secrets serialise as "(sensitive)", secret values in other fields as "(secret)". */
export function specHash(spec: Spec, secrets: readonly string[] = []): string {
  const hide = (text: string) => secrets.reduce((t, s) => t.split(s).join('(secret)'), text);
  const canonical = JSON.stringify(spec, (key, value: unknown) => {
    if (key === 'path') return undefined;
    if (typeof value === 'string' && secrets.length > 0) return hide(value);
    if (value && typeof value === 'object' && !Array.isArray(value) && value.constructor === Object) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
