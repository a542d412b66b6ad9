/**
 * The `df` device filter (reference/ninjaone/NOTES.md §3.2): `org = 1`, `org in (1, 2)`,
 * `org != 20`, `loc`, `role`, `id`, `class`, `status` with `=`/`eq`/`!=`/`in`/`nin`, `online`,
 * `offline`, `created after|before <date>`, joined by `AND`. Keywords are case-insensitive.
 * Parsing returns a predicate or a message; it never throws.
 */

import type { NinjaDevice } from '../seed.js';

export type DevicePredicate = (device: NinjaDevice) => boolean;

export type ParsedFilter = { ok: true; matches: DevicePredicate } | { ok: false; message: string };

/** df field → device property, and whether its values are integers. */
const FIELDS: Record<string, { property: keyof NinjaDevice & string; numeric: boolean }> = {
  org: { property: 'organizationId', numeric: true },
  loc: { property: 'locationId', numeric: true },
  role: { property: 'nodeRoleId', numeric: true },
  id: { property: 'id', numeric: true },
  class: { property: 'nodeClass', numeric: false },
  status: { property: 'approvalStatus', numeric: false },
};

const TOKEN = /\s*(!=|=|\(|\)|,|[^\s=!(),]+)/y;

export function parseDeviceFilter(text: string): ParsedFilter {
  const tokens: string[] = [];
  let at = 0;
  while (at < text.length) {
    if (text.slice(at).trim() === '') break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) return { ok: false, message: `unexpected character "${text.slice(at).trim()[0]}"` };
    tokens.push(m[1]!);
    at = TOKEN.lastIndex;
  }
  if (tokens.length === 0) return { ok: true, matches: () => true };

  const clauses: DevicePredicate[] = [];
  let i = 0;
  const next = () => tokens[i++];
  for (;;) {
    const clause = parseClause();
    if (typeof clause === 'string') return { ok: false, message: clause };
    clauses.push(clause);
    if (i >= tokens.length) break;
    const joiner = next()!;
    if (joiner.toLowerCase() !== 'and') return { ok: false, message: `expected AND between conditions, found "${joiner}"` };
    if (i >= tokens.length) return { ok: false, message: 'a condition must follow AND' };
  }
  return { ok: true, matches: (device) => clauses.every((c) => c(device)) };

  function parseClause(): DevicePredicate | string {
    const word = next()!;
    const key = word.toLowerCase();
    if (key === 'online') return (d) => !d.offline;
    if (key === 'offline') return (d) => d.offline;
    if (key === 'created') return parseCreated();
    const field = FIELDS[key];
    if (!field) return `unknown filter "${word}"; known: ${[...Object.keys(FIELDS), 'online', 'offline', 'created'].join(', ')}`;
    const op = next();
    if (op === undefined) return `"${word}" needs an operator (=, !=, eq, in, nin) and a value`;
    const operator = op.toLowerCase();
    if (operator === '=' || operator === 'eq' || operator === '!=' || operator === 'ne' || operator === 'neq') {
      const value = parseValue(word, field.numeric);
      if (typeof value === 'object') return value.error;
      const equal = (d: NinjaDevice) => same(d[field.property], value, field.numeric);
      return operator === '=' || operator === 'eq' ? equal : (d) => !equal(d);
    }
    let negate = operator === 'nin' || operator === 'notin';
    if (operator === 'not') {
      if (next()?.toLowerCase() !== 'in') return `expected "not in" after "${word}"`;
      negate = true;
    } else if (operator !== 'in' && !negate) {
      return `unknown operator "${op}" after "${word}"; use =, !=, eq, in or nin`;
    }
    const values = parseList(word, field.numeric);
    if (typeof values === 'string') return values;
    const inList = (d: NinjaDevice) => values.some((v) => same(d[field.property], v, field.numeric));
    return negate ? (d) => !inList(d) : inList;
  }

  function parseValue(field: string, numeric: boolean): string | number | { error: string } {
    const token = next();
    if (token === undefined || token === '(' || token === ')' || token === ',') return { error: `"${field}" needs a value` };
    if (!numeric) return token.toUpperCase();
    if (!/^-?\d+$/.test(token)) return { error: `"${field}" expects a number, got "${token}"` };
    return Number(token);
  }

  function parseList(field: string, numeric: boolean): (string | number)[] | string {
    if (next() !== '(') return `expected "(" after "${field} in"`;
    const values: (string | number)[] = [];
    for (;;) {
      const value = parseValue(field, numeric);
      if (typeof value === 'object') return value.error;
      values.push(value);
      const sep = next();
      if (sep === ')') return values;
      if (sep !== ',') return `expected "," or ")" in the list after "${field}"${sep === undefined ? '' : `, found "${sep}"`}`;
    }
  }

  function parseCreated(): DevicePredicate | string {
    const direction = next()?.toLowerCase();
    if (direction !== 'after' && direction !== 'before') return 'expected "created after <date>" or "created before <date>"';
    const date = next();
    const ms = date === undefined ? NaN : Date.parse(date);
    if (Number.isNaN(ms)) return `"created ${direction}" expects a date like 2024-01-01, got "${date ?? ''}"`;
    const seconds = ms / 1000;
    return direction === 'after' ? (d) => d.created > seconds : (d) => d.created < seconds;
  }

}

function same(actual: unknown, expected: string | number, numeric: boolean): boolean {
  if (numeric) return actual === expected;
  return typeof actual === 'string' && actual.toUpperCase() === expected;
}
