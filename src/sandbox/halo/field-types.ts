/**
 * The one table of Halo field type codes the simulator knows, and what a value of each type looks
 * like on the wire: the `type` of `/api/Field` and `/api/FieldInfo` rows, the `value` a selection
 * holds (option ids) and the `display` Halo shows beside it. Halo's swagger gives `/api/Field` no
 * type and lists no codes for `/api/FieldInfo`'s, so these codes are haloform's own [unverified]
 * (the same as src/halo/field-types.ts; reference/halopsa/NOTES.md §4.5).
 */

import type { HaloFieldOption } from '../seed.js';

/** Code → what the field holds. Values: text/memo strings, dates "YYYY-MM-DD", date-times "YYYY-MM-DDTHH:MM:SS", numbers, true/false, option ids. */
export const HALO_FIELD_TYPES: Readonly<Record<number, string>> = {
  0: 'text',
  1: 'date',
  2: 'number',
  3: 'single selection',
  4: 'multiple selection',
  5: 'date-time',
  6: 'checkbox',
  7: 'memo',
};

export const SINGLE_SELECTION = 3;
export const MULTIPLE_SELECTION = 4;

/** `0 text, 1 date, …`, for messages. */
export function fieldTypeList(): string {
  return Object.entries(HALO_FIELD_TYPES)
    .map(([code, what]) => `${code} ${what}`)
    .join(', ');
}

export function isFieldType(code: number): boolean {
  return Object.prototype.hasOwnProperty.call(HALO_FIELD_TYPES, code);
}

/** A field whose values are option ids (and that has `values[]`). */
export function isSelection(type: number | undefined): boolean {
  return type === SINGLE_SELECTION || type === MULTIPLE_SELECTION;
}

/**
 * A posted value as stored: a selection's option ids become numbers (`"2"` → 2) and a multiple
 * selection is always an array (`2` → [2], `"11, 13"` → [11, 13]); anything else is kept as sent.
 * Option ids are not checked against the options — an unknown one is shown by its number [unverified].
 */
export function storedValue(type: number | undefined, value: unknown): unknown {
  const id = (v: unknown) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v);
  if (type === SINGLE_SELECTION) return id(value);
  if (type !== MULTIPLE_SELECTION || value === null || value === undefined) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\s*,\s*-?\d+)+\s*$/.test(value)) return value.split(',').map(id);
  return (Array.isArray(value) ? value : [value]).map(id);
}

/** A value as Halo shows it (`display`): option names for selections, joined with ", "; else the value as text. */
export function displayValue(type: number | undefined, options: readonly HaloFieldOption[] | undefined, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (isSelection(type)) {
    const name = (v: unknown) => options?.find((o) => o.id === v)?.name ?? plain(v);
    return Array.isArray(value) ? value.map(name).join(', ') : name(value);
  }
  return plain(value);
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Renders options as Halo's Lookup rows: `[{id, name}]`. */
export function renderOptions(options: readonly HaloFieldOption[] | undefined): { id: number; name: string }[] | undefined {
  return options?.map((o) => ({ id: o.id, name: o.name }));
}
