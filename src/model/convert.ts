/**
 * An RMM value into the type of the Halo field it is mapped to — or a refusal that says why,
 * so the plan lists it instead of writing garbage (a number in a date field as 1970-01-01, a
 * text date that reads two ways, an option Halo's field does not have). Three forms of a value:
 * its *display* form is what the plan shows and a reviewer approves ("Gold", "2028-04-15",
 * "true"); its *wire* form is what Halo is sent (the option id 3, true); `comparable` reads a
 * live Halo value into the display form so the two can be diffed. Pure.
 */

import type { DateFormat, ValueType } from '../config/spec.js';
import { FIELD_TYPE_WORDS } from '../halo/field-types.js';
import type { HaloFieldOption, HaloFieldType } from '../halo/types.js';
import type { RmmCustomFieldDefinition } from '../rmm/snapshot.js';
import { foldName, indexByName } from '../halo/names.js';

/** The Halo side of a mapping: what it holds, and the options of a selection. */
export interface TargetType {
  type: HaloFieldType | ValueType;
  options: readonly HaloFieldOption[];
  /** For messages: `Halo field "Support Tier"`. */
  label: string;
}

/** What is known of an RMM value besides the value. */
export interface SourceMeta {
  /** The custom field's definition, for customFields.* paths. */
  definition?: RmmCustomFieldDefinition;
  /** The path names a point in time in epoch seconds (lastContact, created, ...). */
  timestamp?: boolean;
  dateFormat?: DateFormat;
}

/** A refusal: `reason` is the whole sentence; `shown` the value as quoted in it, `why` what is wrong with it, `holds` what the target takes. */
export type Converted = { ok: true; value: string } | { ok: false; reason: string; shown: string; why: string; holds: string };

/** Epoch seconds within 1973–2286, or milliseconds within the same span: what a timestamp looks like. */
function epochMs(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  if (n >= 1e8 && n < 1e10) return n * 1000;
  if (n >= 1e11 && n < 1e13) return n;
  return undefined;
}

/**
 * The display form of `raw` for `target`, or undefined when there is nothing to write (absent,
 * null, empty: "a value the RMM does not have leaves the Halo value alone").
 */
export function convert(raw: unknown, target: TargetType, meta: SourceMeta = {}): Converted | undefined {
  const value = resolveOptions(raw, meta.definition);
  if (isEmpty(value)) return undefined;
  switch (target.type) {
    case 'date':
    case 'datetime':
      return toDate(value, target, meta);
    case 'number':
      return toNumber(value, target);
    case 'boolean':
      return toBoolean(value, target);
    case 'select':
      return toSelect(value, target);
    case 'multiselect':
      return toMultiselect(value, target);
    default:
      return toText(value, meta);
  }
}

/** Select and multiselect option ids (NinjaOne: uuids) read as their names; anything else as it is. */
function resolveOptions(raw: unknown, definition: RmmCustomFieldDefinition | undefined): unknown {
  if (!definition || definition.options.size === 0) return raw;
  const name = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? definition.options.get(String(v).trim()) ?? v : v);
  if (Array.isArray(raw)) return raw.map(name);
  if (typeof raw === 'string' && definition.kind === 'multiselect' && raw.includes(',')) return raw.split(',').map((s) => name(s.trim()));
  return name(raw);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every(isEmpty);
  return false;
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? JSON.stringify(value) : typeof value === 'object' ? 'an object' : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function refuse(value: unknown, target: TargetType, why: string): Converted {
  const holds = `${target.label} holds ${FIELD_TYPE_WORDS[target.type as HaloFieldType] ?? target.type}`;
  return { ok: false, reason: `${shown(value)} ${why} (${holds})`, shown: shown(value), why, holds };
}

function toText(value: unknown, meta: SourceMeta): Converted | undefined {
  if (typeof value === 'boolean') return { ok: true, value: value ? 'Yes' : 'No' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const kind = meta.definition?.kind;
    const ms = meta.timestamp || kind === 'date' || kind === 'datetime' ? epochMs(value) : undefined;
    if (ms !== undefined) return { ok: true, value: isoDate(ms, kind === 'date') };
    return { ok: true, value: String(value) };
  }
  if (typeof value === 'string') return value.trim() === '' ? undefined : { ok: true, value: value.trim() };
  if (Array.isArray(value)) {
    const parts = [...new Set(value.map((v) => toText(v, meta)).filter((c): c is { ok: true; value: string } => c !== undefined && c.ok).map((c) => c.value))];
    return parts.length > 0 ? { ok: true, value: parts.join(', ') } : undefined;
  }
  return { ok: true, value: JSON.stringify(value) };
}

function isoDate(ms: number, dateOnly: boolean): string {
  const iso = new Date(Math.round(ms)).toISOString();
  return dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
}

const DATE_FORMATS: Record<DateFormat, RegExp> = {
  'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})$/,
  'DD/MM/YYYY': /^(?<d>\d{1,2})[/.-](?<m>\d{1,2})[/.-](?<y>\d{4})$/,
  'MM/DD/YYYY': /^(?<m>\d{1,2})[/.-](?<d>\d{1,2})[/.-](?<y>\d{4})$/,
};

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function toDate(value: unknown, target: TargetType, meta: SourceMeta): Converted {
  const dateOnly = target.type === 'date';
  if (typeof value === 'number') {
    const ms = epochMs(value);
    if (ms === undefined) return refuse(value, target, 'is a number, not a point in time');
    return { ok: true, value: isoDate(ms, dateOnly) };
  }
  if (typeof value !== 'string') return refuse(value, target, 'is not a date');
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (iso) {
    const [, y, m, d, hh, mm, ss, zone] = iso;
    if (!validDate(Number(y), Number(m), Number(d))) return refuse(value, target, 'is not a real date');
    if (dateOnly) return { ok: true, value: `${y}-${m}-${d}` };
    if (hh === undefined) return { ok: true, value: `${y}-${m}-${d}T00:00:00Z` };
    const ms = Date.parse(`${y}-${m}-${d}T${hh}:${mm}:${ss ?? '00'}${zone ?? 'Z'}`);
    return Number.isNaN(ms) ? refuse(value, target, 'is not a real date and time') : { ok: true, value: isoDate(ms, false) };
  }
  if (/^\d+(\.\d+)?$/.test(text)) return toDate(Number(text), target, meta);
  const format = meta.dateFormat;
  const m = format ? DATE_FORMATS[format].exec(text) : undefined;
  if (m?.groups) {
    const y = Number(m.groups.y);
    const mo = Number(m.groups.m);
    const d = Number(m.groups.d);
    if (!validDate(y, mo, d)) return refuse(value, target, `is not a real date in ${format}`);
    const day = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return { ok: true, value: dateOnly ? day : `${day}T00:00:00Z` };
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$/.test(text)) {
    return refuse(value, target, `could be read as DD/MM/YYYY or MM/DD/YYYY${format ? ` and is not ${format}` : '; set dateFormat on the mapping to say which'}`);
  }
  return refuse(value, target, 'is not a date haloform can read (YYYY-MM-DD)');
}

function toNumber(value: unknown, target: TargetType): Converted {
  if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, value: String(value) } : refuse(value, target, 'is not a finite number');
  if (typeof value === 'boolean') return refuse(value, target, 'is true or false, not a number');
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return { ok: true, value: String(Number(value)) };
  return refuse(value, target, 'is not a number');
}

const TRUE = /^(true|yes|y|1|on|checked)$/i;
const FALSE = /^(false|no|n|0|off|unchecked)$/i;

function toBoolean(value: unknown, target: TargetType): Converted {
  if (typeof value === 'boolean') return { ok: true, value: String(value) };
  if (value === 1 || value === 0) return { ok: true, value: String(value === 1) };
  if (typeof value === 'string' && TRUE.test(value.trim())) return { ok: true, value: 'true' };
  if (typeof value === 'string' && FALSE.test(value.trim())) return { ok: true, value: 'false' };
  return refuse(value, target, 'is not true or false');
}

/** A selection's options indexed: by folded name and by id as text (the first of equals wins, as a search finds it), and their order. */
interface OptionIndex {
  byName: Map<string, HaloFieldOption>;
  byId: Map<string, HaloFieldOption>;
  rank: Map<number, number>;
  /** `comparable`'s answers for the text and number values read so far. */
  shown: Map<string | number, string | undefined>;
}

/** Indexes by options list: a read's lists are never changed in place, and every device's values are looked up in the same few. */
const optionIndexes = new WeakMap<readonly HaloFieldOption[], OptionIndex>();

function optionIndex(options: readonly HaloFieldOption[]): OptionIndex {
  let index = optionIndexes.get(options);
  if (index === undefined) {
    const byId = new Map<string, HaloFieldOption>();
    for (const o of options) if (!byId.has(String(o.id))) byId.set(String(o.id), o);
    index = { byName: indexByName(options), byId, rank: new Map(options.map((o, i) => [o.id, i])), shown: new Map() };
    optionIndexes.set(options, index);
  }
  return index;
}

/** The option named `value` (case and surrounding spaces do not count). */
function option(target: TargetType, value: unknown): HaloFieldOption | undefined {
  return optionIndex(target.options).byName.get(foldName(String(value)));
}

function optionList(target: TargetType): string {
  return target.options.length === 0 ? 'it has no options in Halo' : `its options: ${target.options.map((o) => o.name).join(', ')}`;
}

function toSelect(value: unknown, target: TargetType): Converted {
  const one = Array.isArray(value) ? value.filter((v) => !isEmpty(v)) : [value];
  if (one.length !== 1) return refuse(value, target, 'holds several values, and the field takes one');
  if (typeof one[0] === 'object') return refuse(value, target, 'is not an option');
  const hit = option(target, one[0]);
  return hit ? { ok: true, value: hit.name } : refuse(one[0], target, `is not an option of it (${optionList(target)})`);
}

function toMultiselect(value: unknown, target: TargetType): Converted {
  const items = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value]).filter((v) => !isEmpty(v));
  const hits: HaloFieldOption[] = [];
  for (const item of items) {
    const hit = typeof item === 'object' ? undefined : option(target, item);
    if (!hit) return refuse(item, target, `is not an option of it (${optionList(target)})`);
    if (!hits.includes(hit)) hits.push(hit);
  }
  return { ok: true, value: ordered(hits, target).join(', ') };
}

/** Option names in the field's own order. */
function ordered(hits: readonly HaloFieldOption[], target: TargetType): string[] {
  const { rank } = optionIndex(target.options);
  return [...hits].sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0)).map((o) => o.name);
}

/**
 * A live Halo value in the display form of `target`, for the diff; undefined when empty. A value
 * that does not read as the type is compared as its text (so a change is shown, not hidden).
 */
export function comparable(live: unknown, target: TargetType): string | undefined {
  if (isEmpty(live)) return undefined;
  switch (target.type) {
    case 'date':
    case 'datetime': {
      const text = typeof live === 'string' ? live.trim() : String(live);
      const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2}))?)?/.exec(text);
      if (!m) return text;
      if (target.type === 'date') return m[1]!;
      // Halo stores times without a zone (NOTES §4): read as UTC, as haloform writes them.
      return `${m[1]}T${m[2] ?? '00:00'}:${m[3] ?? '00'}Z`;
    }
    case 'number': {
      const n = typeof live === 'number' ? live : Number(String(live).trim());
      return Number.isFinite(n) ? String(n) : String(live).trim();
    }
    case 'boolean': {
      if (typeof live === 'boolean') return String(live);
      if (live === 1 || live === 0) return String(live === 1);
      const text = String(live).trim();
      return TRUE.test(text) ? 'true' : FALSE.test(text) ? 'false' : text;
    }
    case 'select':
    case 'multiselect': {
      if (typeof live !== 'string' && typeof live !== 'number') return selectionShown(live, target);
      // Thousands of assets hold one of a few option ids (or names): each is read once per options list.
      const { shown } = optionIndex(target.options);
      if (!shown.has(live)) shown.set(live, selectionShown(live, target));
      return shown.get(live);
    }
    default:
      return typeof live === 'string' ? live.trim() || undefined : typeof live === 'object' ? JSON.stringify(live) : String(live);
  }
}

/** A selection's option names in the field's order, then what names no option; undefined when nothing is left. */
function selectionShown(live: unknown, target: TargetType): string | undefined {
  const items = Array.isArray(live) ? live : typeof live === 'string' ? live.split(',') : [live];
  const { byId } = optionIndex(target.options);
  const names: HaloFieldOption[] = [];
  const unknown: string[] = [];
  for (const item of items) {
    const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : item;
    const hit = byId.get(String(id).trim()) ?? option(target, id);
    if (hit) names.push(hit);
    else if (!isEmpty(id)) unknown.push(String(id).trim());
  }
  const known = ordered([...new Set(names)], target);
  return [...known, ...unknown].join(', ') || undefined;
}

/** What Halo is sent for a display value: option ids for selections, booleans and numbers as such, text as text. */
export function toWire(display: string, target: TargetType): unknown {
  switch (target.type) {
    case 'number':
      return Number(display);
    case 'boolean':
      return display === 'true';
    case 'select':
      return option(target, display)?.id ?? display;
    case 'multiselect':
      return splitOptions(display, target).map((o) => o.id);
    default:
      return display;
  }
}

/** The options named in "A, B, C", where an option's own name may hold ", " (matched longest first). */
function splitOptions(display: string, target: TargetType): HaloFieldOption[] {
  const parts = display.split(', ');
  const out: HaloFieldOption[] = [];
  for (let i = 0; i < parts.length; ) {
    let matched = false;
    for (let j = parts.length; j > i; j--) {
      const hit = option(target, parts.slice(i, j).join(', '));
      if (hit) {
        out.push(hit);
        i = j;
        matched = true;
        break;
      }
    }
    if (!matched) i += 1;
  }
  return out;
}
