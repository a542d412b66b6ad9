/**
 * Reading one row of a list the way real tenants send it: every optional field may be absent,
 * `null`, `""`, `-1` (Halo's "none"), of the wrong type or repeated. A RowReader never throws for
 * a bad field: it reads it as absent and records a ReadProblem when the field mattered — the row
 * is kept (a gap: "this site cannot be matched by name") or, when its identity is missing, left
 * out ("no id: left out of the plan"). One odd row must never stop a plan, an apply or serve.
 */

/** What was wrong with one field of one row, and what haloform did about it. */
export interface ReadProblem {
  api: string;
  /** The request that returned the row: `GET /api/Site`. */
  label: string;
  /** What the row is: `site`, `asset`, `device`. */
  noun: string;
  /** The row as a person finds it: `site 12 "HQ"`, or `sites[3]` when it has no id. */
  row: string;
  field: string;
  /** `is missing`, `is -1 (none)`, `is "abc", not a whole number`. */
  problem: string;
  /** What follows for haloform and what to fix: `it cannot be matched by name; give it a name in Halo`. */
  effect: string;
  /** The row was left out (its identity is missing). */
  dropped: boolean;
  /**
   * What a left-out row still says it is (its name, its NinjaOne id): the plan creates nothing it
   * could be, since a row Halo sent without its id may be the very object it would duplicate.
   */
  lookalike?: { name?: string; rmmId?: number | string };
}

/** Where problems go; one per read. */
export type ProblemSink = (problem: ReadProblem) => void;

/** How a field matters: identity (missing: the row is left out), needed (missing: kept, with a warning), optional (missing: nothing to say). */
export type FieldRole = { identity: string } | { needed: string } | 'optional';

/** Why a value could not be read: absent kinds, or a bad value. */
type Bad = { absent: 'missing' | 'null' | 'empty' | 'none' } | { wrong: string };

export class RowReader {
  readonly #problems: Omit<ReadProblem, 'row'>[] = [];
  #dropped = false;
  #label: string | undefined;

  constructor(
    readonly record: Record<string, unknown>,
    readonly api: string,
    readonly label: string,
    /** `site`, `asset`: names the row in messages. */
    readonly noun: string,
    /** The row's position, for a row without an id: `sites[3]`. */
    readonly where: string,
  ) {}

  /** The fields a row's RMM id may be in, named when a left-out row is reported (Halo: the provider's identity fields). */
  rmmIdFields: readonly string[] = [];

  /** An integer id: 21, 21.0 and "21" are 21; `-1` is Halo's none. */
  int(field: string, role: FieldRole = 'optional'): number | undefined {
    const value = this.record[field];
    const bad = absence(value);
    if (bad) return this.#fail(field, bad, role);
    const n = typeof value === 'string' && /^\s*-?\d+(\.0+)?\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || !Number.isInteger(n)) return this.#fail(field, { wrong: `is ${describe(value)}, not a whole number` }, role);
    if (n === -1) return this.#fail(field, { absent: 'none' }, role);
    return n;
  }

  /** A text value; `""` and whitespace count as absent. */
  string(field: string, role: FieldRole = 'optional'): string | undefined {
    const value = this.record[field];
    const bad = absence(value);
    if (bad) return this.#fail(field, bad, role);
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') return this.#fail(field, { wrong: `is ${describe(value)}, not text` }, role);
    return value;
  }

  /** true/false, also "true"/"false" and 1/0. */
  boolean(field: string, role: FieldRole = 'optional'): boolean | undefined {
    const value = this.record[field];
    const bad = absence(value);
    if (bad) return this.#fail(field, bad, role);
    if (typeof value === 'boolean') return value;
    if (value === 1 || value === 0) return value === 1;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    return this.#fail(field, { wrong: `is ${describe(value)}, not true or false` }, role);
  }

  /** A list; anything else is absent. */
  list(field: string, role: FieldRole = 'optional'): unknown[] | undefined {
    const value = this.record[field];
    const bad = absence(value);
    if (bad) return this.#fail(field, bad, role);
    if (!Array.isArray(value)) return this.#fail(field, { wrong: `is ${describe(value)}, not a list` }, role);
    return value;
  }

  /** Sets how the row is named in problems once its id and name are known: `site 12 "HQ"`. */
  name(label: string): this {
    this.#label = label;
    return this;
  }

  /** Whether the row lost its identity and must be left out. */
  get dropped(): boolean {
    return this.#dropped;
  }

  /** Reports this row's problems to `sink`; returns whether the row is kept. */
  report(sink: ProblemSink | undefined): boolean {
    const row = this.#label ?? this.where;
    const lookalike = this.#dropped ? this.#lookalike() : undefined;
    for (const p of this.#problems) sink?.({ ...p, row, ...(lookalike && p.dropped ? { lookalike } : {}) });
    return !this.#dropped;
  }

  /** A left-out row's name and RMM id (in the first of `rmmIdFields` it has), when it has them. */
  #lookalike(): ReadProblem['lookalike'] {
    const r = this.record;
    const name = typeof r.name === 'string' && r.name.trim() !== '' ? r.name.trim() : undefined;
    const raw = this.rmmIdFields.map((f) => r[f]).find((v) => v !== undefined && v !== null);
    const rmmId = typeof raw === 'number' ? (Number.isInteger(raw) && raw > 0 ? raw : undefined) : typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
    if (name === undefined && rmmId === undefined) return undefined;
    return { ...(name !== undefined ? { name } : {}), ...(rmmId !== undefined ? { rmmId } : {}) };
  }

  /** Records a problem found by the caller (a nested value, a rule across fields). */
  problem(field: string, problem: string, role: Exclude<FieldRole, 'optional'>): void {
    this.#record(field, problem, role);
  }

  #fail(field: string, bad: Bad, role: FieldRole): undefined {
    if (role === 'optional' && !('wrong' in bad)) return undefined;
    this.#record(field, 'wrong' in bad ? bad.wrong : ABSENT[bad.absent], role === 'optional' ? { needed: 'the value is ignored' } : role);
    return undefined;
  }

  #record(field: string, problem: string, role: Exclude<FieldRole, 'optional'>): void {
    const dropped = 'identity' in role;
    if (dropped) this.#dropped = true;
    this.#problems.push({ api: this.api, label: this.label, noun: this.noun, field, problem, effect: 'identity' in role ? role.identity : role.needed, dropped });
  }
}

const ABSENT = { missing: 'is missing', null: 'is null', empty: 'is empty', none: 'is -1 (none)' } as const;

function absence(value: unknown): Bad | undefined {
  if (value === undefined) return { absent: 'missing' };
  if (value === null) return { absent: 'null' };
  if (typeof value === 'string' && value.trim() === '') return { absent: 'empty' };
  return undefined;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A row that is not even an object: always left out. */
export function notARow(value: unknown, api: string, label: string, where: string): ReadProblem {
  return { api, label, noun: 'row', row: where, field: '', problem: `is ${describe(value)}, not an object`, effect: 'left out', dropped: true };
}
