/**
 * `/api/AssetType` (Halo's Xtype, reference/halopsa/NOTES.md §4.5): a bare array; each type carries
 * `assetgroup_name` and its field layout `fields[]` (TypeInfo: `id`, `field_id`, `field_name`,
 * `sequence`). POST needs the `admin` scope and replaces `fields` whole.
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import { requireText, type ItemReader } from '../item-reader.js';
import type { Query } from '../query.js';
import type { AssetTypeRecord } from '../records.js';
import { patched, referenced, required, toUpdate } from './common.js';

export function renderAssetType(ctx: HaloContext, type: AssetTypeRecord): Record<string, unknown> {
  const { store } = ctx;
  return {
    id: type.id,
    name: type.name,
    assetgroup_id: type.assetgroup_id,
    assetgroup_name: store.assetGroups.get(type.assetgroup_id)?.name,
    keyfield_id: type.keyfield_id,
    keyfield_name: type.keyfield_id === undefined ? undefined : store.fields.get(type.keyfield_id)?.name,
    fields: type.field_ids.map((fieldId, i) => ({ id: fieldId, field_id: fieldId, field_name: store.fields.get(fieldId)?.name, sequence: i + 1 })),
  };
}

/** The layout from `fields[]`: each entry names a field by `field_id` (or `id`), ordered by `sequence`, else as sent. */
function readLayout(ctx: HaloContext, item: ItemReader): number[] | undefined {
  const entries = item.objects('fields');
  if (entries === undefined) return undefined;
  if (entries === null) return [];
  const rows = entries.map((entry, i) => {
    const fieldId = entry.number('field_id') ?? entry.number('id');
    if (fieldId === undefined || fieldId === null || !Number.isInteger(fieldId)) {
      throw badRequest(`Each entry of fields needs the field's id in field_id. Path '${entry.path}'.`);
    }
    referenced(ctx.store.fields, fieldId, entry, entry.has('field_id') ? 'field_id' : 'id', 'Field');
    return { fieldId, sequence: entry.int('sequence') ?? Number.MAX_SAFE_INTEGER, i };
  });
  rows.sort((a, b) => a.sequence - b.sequence || a.i - b.i);
  return [...new Set(rows.map((r) => r.fieldId))];
}

export function saveAssetType(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.assetTypes, id, 'Asset type');
  const name = item.string('name');
  if (name !== undefined && (name === null || name.trim() === '')) throw badRequest(`name cannot be empty. Path '${item.at('name')}'.`);
  const groupId = item.int('assetgroup_id');
  if (groupId !== undefined && groupId !== null) referenced(store.assetGroups, groupId, item, 'assetgroup_id', 'Asset group');
  const keyFieldId = item.int('keyfield_id');
  if (keyFieldId !== undefined && keyFieldId !== null && keyFieldId > 0) referenced(store.fields, keyFieldId, item, 'keyfield_id', 'Field');
  const patch: Record<string, unknown> = {
    name,
    assetgroup_id: groupId,
    keyfield_id: keyFieldId === undefined ? undefined : keyFieldId === null || keyFieldId <= 0 ? null : keyFieldId,
    field_ids: readLayout(ctx, item),
  };
  if (existing) {
    if (groupId === null) throw badRequest(`assetgroup_id cannot be cleared. Path '${item.at('assetgroup_id')}'.`);
    const next = patched(existing, patch);
    store.assetTypes.put(next);
    return next.id;
  }
  requireText(name, `name is required to create an asset type. Path '${item.at('name')}'.`);
  // Halo needs a group; without one the simulator uses the first [unverified].
  const group = groupId ?? required(store.assetGroups.all()[0]?.id, item, 'assetgroup_id', 'create an asset type');
  const type: AssetTypeRecord = patched({ id: store.assetTypes.nextId(), name: name!, assetgroup_id: group, field_ids: [] }, patch);
  store.assetTypes.put(type);
  return type.id;
}

/** `GET /api/AssetType`: every type, or one group's (`assetgroup_id`). */
export function selectAssetTypes(ctx: HaloContext, query: Query): AssetTypeRecord[] {
  const groupId = query.int('assetgroup_id');
  return groupId === undefined ? ctx.store.assetTypes.all() : ctx.store.assetTypes.find('group', groupId);
}

/** A type assets use cannot be deleted. */
export function beforeDeleteAssetType(ctx: HaloContext, type: AssetTypeRecord): void {
  const assets = ctx.store.assets.count('type', type.id);
  if (assets > 0) throw badRequest(`Asset type ${type.id} is used by ${assets} asset(s) and cannot be deleted.`);
}
