/**
 * Checks spec data against the JSON Schema and turns ajv's errors into diagnostics a person can
 * act on: one message per problem, located at the offending key or value, with "did you mean"
 * for unknown keys and misspelt values, and oneOf/anyOf alternatives collapsed into one line.
 */

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { error, formatPath, type Diagnostic, type SpecPath } from '../diagnostics/diagnostic.js';
import { didYouMean, suggest } from '../diagnostics/suggest.js';
import { specSchema } from './schema.js';

type SchemaNode = Record<string, unknown>;

export interface SchemaCheck {
  diagnostics: Diagnostic[];
  /** A copy of the data with the schema's defaults filled in (only meaningful without errors). */
  withDefaults: unknown;
  /** Paths where a map or a list belongs but something else is written: no text, so no variable, can be right there. */
  needsCollection?: SpecPath[];
}

export interface SchemaCheckOptions {
  /** Describes how a value was written, e.g. for values that came from `${VAR}`; keeps secrets out of messages. */
  describeOrigin?: (path: SpecPath) => string | undefined;
  /** The text an unquoted `${VAR}` substituted, for values YAML then read as a number or boolean. */
  textOf?: (path: SpecPath) => string | undefined;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, useDefaults: true, verbose: true });
    addFormats.default(ajv, ['uri']);
    compiled = ajv.compile(specSchema());
  }
  return compiled;
}

export function checkSchema(data: unknown, options: SchemaCheckOptions = {}): SchemaCheck {
  let withDefaults = structuredClone(data);
  const validate = validator();
  if (validate(withDefaults)) return { diagnostics: [], withDefaults };
  // An unquoted ${VAR} that read as a number where text belongs (an all-digit client id) was
  // meant as text: give it back its text and check again.
  const asText = (validate.errors ?? []).filter((e) => e.keyword === 'type' && [(e.params as { type: string | string[] }).type].flat().includes('string'));
  const restored = asText.map((e) => toSpecPath(e.instancePath, withDefaults)).filter((p) => options.textOf?.(p) !== undefined);
  if (restored.length > 0) {
    const patched = structuredClone(data);
    for (const p of restored) setAt(patched, p, options.textOf!(p));
    withDefaults = structuredClone(patched);
    if (validate(withDefaults)) return { diagnostics: [], withDefaults };
  }
  const errors = (validate.errors ?? [])
    // A key that fails propertyNames also yields the inner error (pattern); the propertyNames one says it better.
    .filter((e) => e.propertyName === undefined)
    .map((e) => ({ ...e, path: toSpecPath(e.instancePath, withDefaults) }));
  const describe = options.describeOrigin ?? (() => undefined);
  const needsCollection = errors
    .filter((e) => e.keyword === 'type' && [(e.params as { type: string | string[] }).type].flat().every((t) => t === 'object' || t === 'array'))
    .map((e) => e.path);
  return { needsCollection, diagnostics: dropImpliedRequired(dedupe(collapse(errors).map((e) => toDiagnostic(e, describe)))), withDefaults };
}

interface LocatedError extends ErrorObject {
  path: (string | number)[];
}

/**
 * Replaces every failing oneOf/anyOf and the errors of its branches by the errors of the branch
 * the user most likely meant: one whose shape matches the value. When no branch's shape matches,
 * the oneOf error stays and is reported as "must be X or Y".
 */
function collapse(errors: LocatedError[]): LocatedError[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  if (alternatives.length === 0) return errors;
  // Innermost first, so a nested oneOf is settled before the one around it.
  alternatives.sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  let remaining = errors;
  for (const alt of alternatives) {
    if (!remaining.includes(alt)) continue;
    const prefix = `${alt.schemaPath}/`;
    const inBranch = remaining.filter((e) => e !== alt && e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(alt.instancePath));
    const rest = remaining.filter((e) => e !== alt && !inBranch.includes(e));
    const branches = new Map<number, LocatedError[]>();
    for (const e of inBranch) {
      const index = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      branches.set(index, [...(branches.get(index) ?? []), e]);
    }
    const shapeMismatch = (list: LocatedError[]) =>
      list.some((e) => e.instancePath === alt.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum'));
    const plausible = [...branches.values()].filter((list) => !shapeMismatch(list));
    const onlyRequired = [...branches.values()].every((list) => list.every((e) => e.keyword === 'required' && e.instancePath === alt.instancePath));
    if (branches.size === 0 || onlyRequired || plausible.length === 0) {
      remaining = [...rest, alt];
      continue;
    }
    plausible.sort((a, b) => a.length - b.length);
    remaining = [...rest, ...plausible[0]!];
  }
  return remaining;
}

function toDiagnostic(e: LocatedError, describeOrigin: (path: SpecPath) => string | undefined): Diagnostic {
  const where = e.path.length === 0 ? 'the top level of the spec' : formatPath(e.path);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const found = () => describeValue(e.data, describeOrigin(e.path));
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((parent.properties as SchemaNode | undefined) ?? {});
      const hint = key === '<<' ? ' YAML merge keys (<<) are not supported; write the keys out.' : didYouMean(key, allowed) || elsewhere(key, where);
      return { ...error('Unknown key', `"${key}" is not a valid key in ${where}.${hint} Valid keys: ${allowed.join(', ')}.`, [...e.path, key]), subject: 'key' };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const about = describeProperty(parent, missing);
      return { ...error('Missing required key', `${where === 'the top level of the spec' ? 'The spec' : where} needs "${missing}".${about}`, e.path), subject: 'key' };
    }
    case 'enum': {
      const allowed = ((e.schema as unknown[]) ?? []).map(String);
      const value = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
      return error(
        'Invalid value',
        `${found()} is not a valid value for ${where}. Expected one of: ${allowed.join(', ')}.${didYouMean(value, allowed)}`,
        e.path,
      );
    }
    case 'const': {
      // `version: "1"`: the right value as text. Say so, since "must be 1, but found "1"" reads as nonsense.
      const asText = typeof e.data === 'string' && typeof e.schema !== 'string' && e.data.trim() === String(e.schema);
      return error(
        'Invalid value',
        asText
          ? `${where} must be the number ${JSON.stringify(e.schema)}, but found the text "${e.data as string}" (it is quoted). Write it without quotes: ${e.path.at(-1) ?? where}: ${JSON.stringify(e.schema)}.`
          : `${where} must be ${JSON.stringify(e.schema)}, but found ${found()}.`,
        e.path,
      );
    }
    case 'type': {
      const expected = typeNames((e.params as { type: string | string[] }).type);
      return error('Wrong type', `${where} must be ${expected}, but found ${found()}.${typeHint(e.data, expected, describeOrigin(e.path))}`, e.path);
    }
    case 'minLength':
      return error('Empty value', `${where} must not be empty.${describeOrigin(e.path) ? ` It comes from ${describeOrigin(e.path)}, which is empty.` : ''}`, e.path);
    case 'minItems':
      return error('Empty list', `${where} must list at least ${(e.params as { limit: number }).limit} item(s).`, e.path);
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const list = e.data as unknown[];
      return error('Duplicate list item', `${JSON.stringify(list[j])} is listed twice in ${where}. Remove one.`, [...e.path, Math.max(i, j)]);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { comparison, limit } = e.params as { comparison: string; limit: number };
      const words: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' };
      return error('Value out of range', `${where} must be ${words[comparison] ?? comparison} ${limit}, but found ${found()}.`, e.path);
    }
    case 'pattern':
      return error('Invalid format', `${found()} is not valid for ${where}: ${patternHint(e.schema as string, e.data)}`, e.path);
    case 'format':
      return error('Invalid URL', `${found()} is not a valid URL for ${where}. Write a full address such as https://acme.halopsa.com.`, e.path);
    case 'propertyNames': {
      const name = String((e.params as { propertyName: string }).propertyName);
      const upper = name.toUpperCase().replace(/[\s-]+/g, '_');
      const hint = upper !== name ? ` Did you mean "${upper}"?` : '';
      return {
        ...error('Invalid key', `"${name}" is not a valid key in ${where}: keys here are NinjaOne names in capitals, such as WINDOWS_WORKSTATION.${hint}`, [...e.path, name]),
        subject: 'key',
      };
    }
    case 'oneOf':
    case 'anyOf':
      return alternativesDiagnostic(e, where, found);
    default:
      return error('Invalid value', `${where} ${e.message ?? 'is not valid'}.`, e.path);
  }
}

/** The oneOf/anyOf errors left after collapsing: no branch fits, or (oneOf) more than one does. */
function alternativesDiagnostic(e: LocatedError, where: string, found: () => string): Diagnostic {
  const branches = ((e.schema as SchemaNode[]) ?? []).map((b) => b as SchemaNode);
  const requiredOnly = branches.every((b) => Array.isArray(b.required) && Object.keys(b).length === 1);
  if (requiredOnly) {
    const keys = branches.map((b) => `"${(b.required as string[])[0]}"`);
    const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
    const options = describeRequiredAlternatives(e.parentSchema as SchemaNode, branches);
    if (passing && passing.length > 1) {
      return error('Conflicting keys', `${where} sets ${keys.join(' and ')}; give only one of them.${options}`, e.path);
    }
    return { ...error('Missing required key', `${where} needs one of ${keys.join(' or ')}.${options}`, e.path), subject: 'key' };
  }
  const shapes = branches.map(describeShape);
  return error('Wrong type', `${where} must be ${shapes.join(', or ')}, but found ${found()}.`, e.path);
}

function describeRequiredAlternatives(parent: SchemaNode | undefined, branches: SchemaNode[]): string {
  const properties = (parent?.properties ?? {}) as Record<string, SchemaNode>;
  const lines = branches
    .map((b) => (b.required as string[])[0]!)
    .map((key) => (properties[key]?.description ? `\n  ${key}: ${String(properties[key]!.description)}` : ''))
    .join('');
  return lines;
}

function describeShape(branch: SchemaNode): string {
  if ('const' in branch) return JSON.stringify(branch.const);
  if (branch.type === 'object') {
    const required = (branch.required as string[] | undefined) ?? [];
    return required.length > 0 ? `a map with ${required.join(' and ')}` : 'a map';
  }
  if (branch.type !== undefined) return typeNames(branch.type as string | string[]);
  if (Array.isArray(branch.enum)) return `one of ${(branch.enum as unknown[]).map(String).join(', ')}`;
  return 'another form';
}

function describeProperty(parent: SchemaNode, key: string): string {
  const property = ((parent.properties ?? {}) as Record<string, SchemaNode>)[key];
  const description = property?.description;
  return typeof description === 'string' ? ` ${key}: ${description}` : '';
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function typeNames(type: string | string[]): string {
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

function describeValue(value: unknown, origin: string | undefined): string {
  // A value from the environment may be a secret: name where it came from, never the value.
  if (origin !== undefined) return `the value of ${origin}`;
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

function typeHint(value: unknown, expected: string, origin: string | undefined): string {
  if (origin !== undefined && expected === 'text') return ` Quote it to keep the value as text: "${origin}".`;
  if (origin !== undefined && /^a (map|list)$/.test(expected)) return ` A variable holds text, a number or true/false, never ${expected}: write ${expected === 'a map' ? 'its keys' : 'the list'} out in the spec, with variables for single values inside.`;
  if (origin !== undefined) return ` Unquoted, ${origin} must hold ${expected}.`;
  if (expected === 'true or false' && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)) {
    return ` YAML 1.2 reads "${value}" as text: write ${/^(yes|on|y)$/i.test(value) ? 'true' : 'false'}.`;
  }
  if (expected === 'a whole number' && typeof value === 'string' && /^\d+$/.test(value)) return ' Remove the quotes to write a number.';
  if (expected === 'a list' && (typeof value === 'string' || typeof value === 'number')) return ` Write it as a list: [${String(value)}].`;
  if (value === null) return ' The key has no value; write one after the colon, or remove the key.';
  return '';
}

function patternHint(pattern: string, value: unknown): string {
  if (pattern === '^https?://') return 'write an address starting with https:// (or http:// for a local sandbox).';
  if (pattern.startsWith('^[A-Za-z_][A-Za-z0-9_]*(\\[')) {
    return 'a device path is names joined by dots, each optionally followed by [index], e.g. system.serialNumber or ipAddresses[0].';
  }
  if (pattern.startsWith('^(lastLoggedInUser')) {
    const near = typeof value === 'string' ? suggest(value, ['lastLoggedInUser']) : undefined;
    return `write lastLoggedInUser or customFields.<name>.${near ? ` Did you mean "${near}"?` : ''}`;
  }
  if (pattern === '^[A-Z][A-Z0-9_]*$') return 'write a NinjaOne name in capitals, such as CONDITION or WINDOWS_SERVER.';
  if (pattern === '^[A-Za-z0-9-]+$') return 'a header name has only letters, digits and dashes, e.g. X-Haloform-Token.';
  return `it must match ${pattern}.`;
}

function setAt(data: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = data as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

function toSpecPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

/**
 * `ticketTyp: Alert` yields "unknown key ticketTyp (did you mean ticketType?)" and "ticketType is
 * missing"; the first says it all, so the second goes.
 */
function dropImpliedRequired(diagnostics: Diagnostic[]): Diagnostic[] {
  const suggested = new Set(
    diagnostics
      .filter((d) => d.summary === 'Unknown key' && d.path)
      .map((d) => {
        const hit = /Did you mean "([^"]+)"\?/.exec(d.detail)?.[1];
        return hit ? JSON.stringify([...d.path!.slice(0, -1), hit]) : '';
      }),
  );
  return diagnostics.filter((d) => {
    if (d.summary !== 'Missing required key' || !d.path) return true;
    const missing = /needs "([^"]+)"/.exec(d.detail)?.[1];
    return !(missing && suggested.has(JSON.stringify([...d.path, missing])));
  });
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    // A URL that fails both `format` and `pattern` needs one message, not two.
    const key = d.summary === 'Invalid URL' || d.summary === 'Invalid format' ? `${JSON.stringify(d.path)}|url-or-format` : `${JSON.stringify(d.path)}|${d.summary}|${d.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** For a key written in the wrong place: where the schema has it (`connections.allowInsecureHttp` written under `connections.halo`). */
function elsewhere(key: string, where: string): string {
  const homes = (keyHomes ??= homesOf(specSchema())).get(key)?.filter((home) => home !== where) ?? [];
  if (homes.length === 0 || homes.length > 3) return '';
  return ` "${key}" is a key of ${homes.map((h) => (h === '' ? 'the top level' : h)).join(' or ')}: move it there.`;
}

let keyHomes: Map<string, string[]> | undefined;

/** Every property name of the schema, with the paths of the maps that have it (`connections`, `assets.fields[]`). */
function homesOf(root: Record<string, unknown>): Map<string, string[]> {
  const defs = (root.$defs ?? {}) as Record<string, SchemaNode>;
  const out = new Map<string, string[]>();
  const seen = new Set<SchemaNode>();
  const visit = (node: SchemaNode | undefined, path: string) => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const ref = typeof node.$ref === 'string' ? defs[node.$ref.replace('#/$defs/', '')] : undefined;
    if (ref) visit(ref, path);
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, SchemaNode>)) {
      out.set(name, [...new Set([...(out.get(name) ?? []), path])]);
      visit(child, path === '' ? name : `${path}.${name}`);
    }
    if (node.items) visit(node.items as SchemaNode, `${path}[]`);
    for (const branch of [...((node.oneOf ?? []) as SchemaNode[]), ...((node.anyOf ?? []) as SchemaNode[]), ...((node.allOf ?? []) as SchemaNode[])]) visit(branch, path);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') visit(node.additionalProperties as SchemaNode, `${path}.*`);
  };
  visit(root, '');
  return out;
}
