/**
 * Helpers the resource modules share: finding records for updates and references (with Halo-style
 * messages naming the JSON path), applying a partial update, custom-field values, and the `-1`
 * Halo writes for an unset integration id (reference/halopsa/NOTES.md §4).
 */

import { badRequest, notFound } from '../errors.js';
import type { ItemReader } from '../item-reader.js';
import type { CustomFieldValue } from '../records.js';
import type { Table } from '../table.js';

/** The record an item with `id` updates; 404 when there is none. */
export function toUpdate<T extends { id: number }>(table: Table<T>, id: number, what: string): T {
  const row = table.get(id);
  if (!row) throw notFound(`${what} ${id} not found`);
  return row;
}

/** A record an item refers to (`client_id`, …); 400 naming the path when it does not exist. */
export function referenced<T extends { id: number }>(table: Table<T>, id: number, item: ItemReader, key: string, what: string): T {
  const row = table.get(id);
  if (!row) throw badRequest(`${what} ${id} does not exist. Path '${item.at(key)}'.`);
  return row;
}

/** A required reference on create; 400 naming the path when missing. */
export function required<T>(value: T | null | undefined, item: ItemReader, key: string, action: string): T {
  if (value === undefined || value === null) throw badRequest(`${key} is required to ${action}. Path '${item.at(key)}'.`);
  return value;
}

/** A whole-number id from a double field (`site_id` on users, `client_id` on sites accept `21.0`). */
export function wholeId(value: number | null | undefined, item: ItemReader, key: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Number.isInteger(value)) throw badRequest(`${key} must be a whole number, got ${value}. Path '${item.at(key)}'.`);
  return value;
}

/**
 * Copies `row` with `patch` applied: undefined = not sent (kept), null = cleared (the key removed).
 * Rows are replaced, never mutated, so the store's journal can put the old one back.
 */
export function patched<T extends object>(row: T, patch: Record<string, unknown>): T {
  const next: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as T;
}

/** `customfields: [{id, value}]` or `[{name, value}]`, replaced whole (NOTES §4). */
export function readCustomFields(item: ItemReader): CustomFieldValue[] | null | undefined {
  const entries = item.objects('customfields');
  if (entries === undefined || entries === null) return entries;
  return entries.map((entry) => {
    const id = entry.int('id') ?? 0;
    const name = entry.string('name') ?? undefined;
    const value: CustomFieldValue = { id, value: entry.raw('value') ?? null };
    if (name !== undefined) value.name = name;
    return value;
  });
}

export function renderCustomFields(values: CustomFieldValue[] | undefined): unknown[] | undefined {
  return values?.map((v) => ({ id: v.id, name: v.name, value: v.value, display: display(v.value) }));
}

/** A field value as Halo shows it. */
export function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Halo's "none" for integration ids: -1 (NOTES §4, panoramicdata FlexibleInt32Converter). */
export function orNone(id: number | undefined): number {
  return id === undefined ? -1 : id;
}

/** An integration id as posted: 0, negative or null clear it. */
export function integrationId(value: number | null | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  return value === null || value <= 0 ? null : value;
}

/**
 * Datto RMM's ids and links as Halo keeps them (reference/dattormm/NOTES.md, "Identity in Halo"):
 * `datto_id` (a site or device uid, text), `datto_alternate_id` (the numeric id), `datto_url`;
 * on assets also `datto_site_uid` and `datto_remote_url`. Stored as posted; "" or null clears.
 */
export interface DattoIdentity {
  datto_id?: string;
  datto_alternate_id?: number;
  datto_url?: string;
  datto_site_uid?: string;
  datto_remote_url?: string;
}

const DATTO_TEXT = ['datto_id', 'datto_url', 'datto_site_uid', 'datto_remote_url'] as const;

/** The Datto fields of a posted item (`asset` adds the asset-only ones), as a patch. */
export function dattoPatch(item: ItemReader, asset: boolean): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of DATTO_TEXT) {
    if (!asset && (key === 'datto_site_uid' || key === 'datto_remote_url')) continue;
    const value = item.string(key);
    patch[key] = value === null || (typeof value === 'string' && value.trim() === '') ? null : value;
  }
  patch.datto_alternate_id = integrationId(item.int('datto_alternate_id'));
  return patch;
}

/** The Datto fields a row has, for rendering (absent ones are left out). */
export function dattoFields(row: DattoIdentity): DattoIdentity {
  const out: DattoIdentity = {};
  for (const key of DATTO_TEXT) if (row[key] !== undefined) out[key] = row[key];
  if (row.datto_alternate_id !== undefined) out.datto_alternate_id = row.datto_alternate_id;
  return out;
}
