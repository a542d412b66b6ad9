/**
 * What kind of value a Halo field holds. Halo's swagger gives `/api/Field` no type at all and
 * `/api/FieldInfo` an integer `type` whose codes it does not list, so haloform reads every hint
 * there is, in order: a numeric `type` (the codes below, [unverified] — the sandbox uses them), the
 * `type` text of the field in an asset type's layout (TypeInfo, e.g. "Date"), a `lookup` or option
 * list (a selection) — else it assumes text and says so (`typeKnown: false`), and a mapping's own
 * `type:` decides. reference/halopsa/NOTES.md §4.5.
 */

import type { HaloFieldType } from './types.js';

/** Halo's field type codes as haloform reads and writes them ([unverified]; one table for client and sandbox). */
export const HALO_FIELD_TYPE_CODES: Readonly<Record<number, HaloFieldType>> = {
  0: 'text',
  1: 'date',
  2: 'number',
  3: 'select',
  4: 'multiselect',
  5: 'datetime',
  6: 'boolean',
  7: 'memo',
};

/** The code a field of `type` is created with. */
export function haloFieldTypeCode(type: HaloFieldType): number {
  const hit = Object.entries(HALO_FIELD_TYPE_CODES).find(([, t]) => t === type);
  return hit ? Number(hit[0]) : 0;
}

/** A TypeInfo `type` text ("Date", "Date Time", "Number", "Lookup", "Checkbox", ...) as a field type, when it is one. */
export function fieldTypeFromText(text: string | undefined): HaloFieldType | undefined {
  if (!text) return undefined;
  const t = text.trim().toLowerCase().replace(/[\s_-]+/g, '');
  if (t === '') return undefined;
  if (/^(datetime|timestamp)$/.test(t)) return 'datetime';
  if (t === 'date') return 'date';
  if (/^(number|numeric|integer|int|decimal|money|currency)$/.test(t)) return 'number';
  if (/^(checkbox|boolean|bool|yesno)$/.test(t)) return 'boolean';
  if (/^(multiselect|multipleselection|multiselection|multilookup)$/.test(t)) return 'multiselect';
  if (/^(select|singleselect|singleselection|selection|lookup|dropdown)$/.test(t)) return 'select';
  if (/^(memo|richtext|longtext|multiline)$/.test(t)) return 'memo';
  if (/^(text|string|singlelinetext)$/.test(t)) return 'text';
  return undefined;
}

/** The words a person reads for a type, in messages. */
export const FIELD_TYPE_WORDS: Readonly<Record<HaloFieldType, string>> = {
  text: 'text',
  memo: 'text',
  number: 'a number',
  date: 'a date',
  datetime: 'a date and time',
  boolean: 'a checkbox (true or false)',
  select: 'one of its options',
  multiselect: 'some of its options',
};
