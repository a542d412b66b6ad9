/**
 * Custom fields (Halo's FieldInfo, reference/halopsa/NOTES.md §4.5): `GET /api/FieldInfo` — a bare
 * array, `typeid` choosing the entity (1 ticket, 2 client, 3 site, 5 asset [unverified]; only asset
 * custom fields are modelled, so another typeid lists none) — and `/api/FieldInfo/{id}`. Rows are
 * `{id, name (CF-prefixed), label, type, usage, values?}`. An asset's `customfields[]` are read
 * and written here too: by `id` or API `name`, the array replaced whole (NOTES §2), refs to no
 * custom field ignored as asset field refs are; rendered `{id, name, label, type, value, display}`.
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { displayValue, renderOptions, storedValue } from '../field-types.js';
import type { ItemReader } from '../item-reader.js';
import type { Query } from '../query.js';
import type { CustomFieldDefinitionRecord, CustomFieldValue } from '../records.js';

/** FieldInfo `usage` / `typeid` of asset custom fields ([unverified]: redanthrax n8n docs). */
export const ASSET_CUSTOM_FIELD_USAGE = 5;

export function renderFieldInfo(definition: CustomFieldDefinitionRecord): Record<string, unknown> {
  return {
    id: definition.id,
    name: definition.name,
    label: definition.label,
    type: definition.type,
    usage: ASSET_CUSTOM_FIELD_USAGE,
    values: definition.values && definition.values.length > 0 ? renderOptions(definition.values) : undefined,
  };
}

/** The definition an entry of `customfields[]` names: by `id`, else by API `name` (case-insensitive). */
function definitionOf(ctx: HaloContext, entry: ItemReader): CustomFieldDefinitionRecord | undefined {
  const { customFieldDefinitions } = ctx.store;
  const id = entry.int('id');
  if (id !== undefined && id !== null && id > 0) return customFieldDefinitions.get(id);
  const name = entry.string('name')?.trim().toLowerCase();
  return name ? customFieldDefinitions.find('name', name)[0] : undefined;
}

/** An asset's posted `customfields[]`, by definition id; null clears them all. */
export function readAssetCustomFields(ctx: HaloContext, item: ItemReader): CustomFieldValue[] | null | undefined {
  const entries = item.objects('customfields');
  if (entries === undefined || entries === null) return entries === null ? [] : undefined;
  const values = new Map<number, unknown>();
  for (const entry of entries) {
    const definition = definitionOf(ctx, entry);
    if (definition) values.set(definition.id, storedValue(definition.type, entry.raw('value') ?? null));
  }
  return [...values].sort(([a], [b]) => a - b).map(([id, value]) => ({ id, value }));
}

/** An asset's `customfields[]` as Halo shows them, named and typed from their definitions. */
export function renderAssetCustomFields(ctx: HaloContext, values: readonly CustomFieldValue[] | undefined): unknown[] | undefined {
  return values?.map((v) => {
    const definition = ctx.store.customFieldDefinitions.get(v.id);
    return {
      id: v.id,
      name: definition?.name ?? v.name,
      label: definition?.label,
      type: definition?.type,
      value: v.value,
      display: displayValue(definition?.type, definition?.values, v.value),
    };
  });
}

/** `GET /api/FieldInfo`: asset custom fields, for no `typeid` or typeid 5; none for another entity. */
export function selectFieldInfo(ctx: HaloContext, query: Query): CustomFieldDefinitionRecord[] {
  const typeId = query.int('typeid');
  return typeId === undefined || typeId === ASSET_CUSTOM_FIELD_USAGE ? ctx.store.customFieldDefinitions.all() : [];
}
