/**
 * `/api/Field` — asset field definitions (reference/halopsa/NOTES.md §4.5): a bare array (the notes
 * allow a bare array or `{fields}`; the simulator answers a bare array), `type_id` lists one asset
 * type's fields. A field may carry a `type` (field-types.ts), a `lookup` and, for a selection, its
 * options `values: [{id, name}]`. Writes need `admin`; a posted `values` list replaces the options
 * whole — an entry with the id of an existing option keeps (and may rename) it, one without gets a
 * new id. `POST /api/Field/AddFieldToAll/{id}` puts the field on every asset type that lacks it
 * (Halo's "Add to all asset types").
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloFieldOption } from '../../seed.js';
import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import { fieldTypeList, isFieldType, isSelection, renderOptions } from '../field-types.js';
import { requireText, type ItemReader } from '../item-reader.js';
import type { Query } from '../query.js';
import type { FieldRecord } from '../records.js';
import type { HaloStore } from '../store.js';
import { patched, toUpdate } from './common.js';

/** A field row; `type`, `lookup` and `values` only when the field has them. */
export function renderField(field: FieldRecord): Record<string, unknown> {
  return {
    id: field.id,
    name: field.name,
    type: field.type,
    lookup: field.lookup,
    values: isSelection(field.type) ? (renderOptions(field.values) ?? []) : undefined,
  };
}

/** A posted `type`: one of the codes of field-types.ts. */
export function readFieldType(item: ItemReader): number | null | undefined {
  const type = item.int('type');
  if (type !== undefined && type !== null && !isFieldType(type)) throw badRequest(`Unknown field type ${type}; the types are ${fieldTypeList()}. Path '${item.at('type')}'.`);
  return type;
}

/**
 * A posted option list, replacing `current`: `[{name}]` adds an option (a new id), `[{id, name}]`
 * keeps (or renames) the option with that id. Names must be given, and differ.
 */
export function readOptions(store: HaloStore, item: ItemReader, current: readonly HaloFieldOption[]): HaloFieldOption[] | null | undefined {
  const entries = item.objects('values');
  if (entries === undefined || entries === null) return entries;
  let nextId = store.nextOptionId();
  const seen = new Set<string>();
  return entries.map((entry) => {
    const name = entry.string('name');
    if (name === undefined || name === null || name.trim() === '') throw badRequest(`Each option needs a name. Path '${entry.at('name')}'.`);
    const key = name.trim().toLowerCase();
    if (seen.has(key)) throw badRequest(`The option "${name}" is listed twice. Path '${entry.at('name')}'.`);
    seen.add(key);
    const id = entry.int('id');
    const kept = id === undefined || id === null ? undefined : current.find((o) => o.id === id);
    return { id: kept?.id ?? nextId++, name };
  });
}

export function saveField(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.fields, id, 'Field');
  const name = item.string('name');
  if (name !== undefined && (name === null || name.trim() === '')) throw badRequest(`name cannot be empty. Path '${item.at('name')}'.`);
  if (name) {
    const clash = store.fields.find('name', name.trim().toLowerCase()).find((f) => f.id !== existing?.id);
    if (clash) throw badRequest(`A field named "${clash.name}" already exists (id ${clash.id}). Path '${item.at('name')}'.`);
  }
  const typeIn = readFieldType(item);
  const type = typeIn === undefined ? existing?.type : (typeIn ?? undefined);
  const options = readOptions(store, item, existing?.values ?? []);
  if (options && options.length > 0 && !isSelection(type)) {
    throw badRequest(`values are the options of a selection field (type 3 or 4); this field's type is ${type ?? 'not set'}. Path '${item.at('values')}'.`);
  }
  const lookupIn = item.int('lookup');
  const patch: Record<string, unknown> = {
    name,
    type: typeIn,
    lookup: lookupIn === undefined ? undefined : lookupIn === null || lookupIn <= 0 ? null : lookupIn,
    values: options,
  };
  const base: FieldRecord = existing ?? { id: store.fields.nextId(), name: requireText(name, `name is required to create a field. Path '${item.at('name')}'.`) };
  const next = patched(base, patch);
  if (isSelection(next.type)) {
    next.values ??= [];
    // A selection posted without a lookup gets the next lookup id: the simulator's choice [unverified].
    next.lookup ??= Math.max(0, ...store.fields.all().map((f) => f.lookup ?? 0)) + 1;
  } else {
    // Only a selection has options.
    delete next.values;
  }
  store.fields.put(next);
  return next.id;
}

/** `GET /api/Field`: every field, or one asset type's (`type_id`) in its layout order. */
export function selectFields(ctx: HaloContext, query: Query): FieldRecord[] {
  const { store } = ctx;
  const typeId = query.int('type_id');
  const type = typeId === undefined ? undefined : store.assetTypes.get(typeId);
  return typeId === undefined ? store.fields.all() : (type?.field_ids ?? []).map((id) => store.fields.get(id)).filter((f) => f !== undefined);
}

/** `POST /api/Field/AddFieldToAll/{id}`: the field goes on every asset type that lacks it. */
export function addFieldToAll(ctx: HaloContext, field: FieldRecord): void {
  for (const type of ctx.store.assetTypes.all()) {
    if (!type.field_ids.includes(field.id)) ctx.store.assetTypes.put({ ...type, field_ids: [...type.field_ids, field.id] });
  }
}

/** A deleted field leaves every asset type's layout (and key field) and every asset's values. */
export function beforeDeleteField(ctx: HaloContext, field: FieldRecord): void {
  const { store } = ctx;
  for (const type of store.assetTypes.all()) {
    if (type.field_ids.includes(field.id) || type.keyfield_id === field.id) {
      store.assetTypes.put(patched(type, { field_ids: type.field_ids.filter((id) => id !== field.id), keyfield_id: type.keyfield_id === field.id ? null : undefined }));
    }
  }
  for (const asset of store.assets.all()) {
    if (asset.fields.some((f) => f.id === field.id)) store.assets.put({ ...asset, fields: asset.fields.filter((f) => f.id !== field.id) });
  }
}
