/**
 * `/api/Asset` (Halo's Device, reference/halopsa/NOTES.md §4.4): list `{record_count, assets}`;
 * `fields[]` values only with `includeassetfields=true` (always on GET by id), selections shown by
 * option name in `display`; writes take field refs by `id` or `name` (names that are no field are
 * ignored, as observed), replace `fields`, `users` and `customfields` whole, store `ninjarmm_id`,
 * `ninja_url` and `ninja_remote_url`, and enforce "Asset tag must be unique" when Control
 * `allowduplicateinv` is false (kbid 1340). Stock assets (client and site -1) render and are
 * simply not matched by a client or site filter.
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import { displayValue, storedValue } from '../field-types.js';
import type { ItemReader } from '../item-reader.js';
import { candidates, matches, readIdFilters, type IdFilters } from '../listing.js';
import type { Query } from '../query.js';
import type { AssetRecord } from '../records.js';
import { tagKey } from '../store.js';
import { dattoFields, dattoPatch, integrationId, orNone, patched, referenced, required, toUpdate } from './common.js';
import { readAssetCustomFields, renderAssetCustomFields } from './custom-fields.js';
import { renderUserRow } from './users.js';

/** The message of kbid 1340. */
export const ASSET_TAG_NOT_UNIQUE = 'Asset tag must be unique';

/** The asset's field values in the type's layout order, then any others. */
function orderedFields(ctx: HaloContext, asset: AssetRecord): AssetRecord['fields'] {
  const layout = ctx.store.assetTypes.get(asset.assettype_id)?.field_ids ?? [];
  const rank = new Map(layout.map((id, i) => [id, i]));
  return [...asset.fields].sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity));
}

/** A field value as Halo shows it: selections by option name. */
function fieldDisplay(ctx: HaloContext, fieldId: number, value: unknown): string {
  const field = ctx.store.fields.get(fieldId);
  return displayValue(field?.type, field?.values, value);
}

function keyField(ctx: HaloContext, asset: AssetRecord): string | undefined {
  const keyFieldId = ctx.store.assetTypes.get(asset.assettype_id)?.keyfield_id;
  if (keyFieldId === undefined) return undefined;
  const value = asset.fields.find((f) => f.id === keyFieldId)?.value;
  return value === undefined ? undefined : fieldDisplay(ctx, keyFieldId, value);
}

/** Halo's "none" for an asset's NinjaOne id: absent, 0 or -1. */
function hasNinjaId(asset: AssetRecord): boolean {
  return asset.ninjarmm_id !== undefined && asset.ninjarmm_id > 0;
}

export function renderAsset(ctx: HaloContext, asset: AssetRecord, withFields: boolean): Record<string, unknown> {
  const { store } = ctx;
  const users = asset.user_ids.map((id) => store.users.get(id)).filter((u) => u !== undefined);
  return {
    id: asset.id,
    inventory_number: asset.inventory_number,
    key_field: keyField(ctx, asset),
    client_id: asset.client_id,
    client_name: store.clients.get(asset.client_id)?.name,
    site_id: asset.site_id,
    site_name: store.sites.get(asset.site_id)?.name,
    assettype_id: asset.assettype_id,
    assettype_name: store.assetTypes.get(asset.assettype_id)?.name,
    inactive: asset.inactive,
    notes: asset.notes,
    username: users[0]?.name,
    users: users.map((u) => renderUserRow(ctx, u)),
    fields: withFields
      ? orderedFields(ctx, asset).map((f) => ({ id: f.id, name: store.fields.get(f.id)?.name, value: f.value, display: fieldDisplay(ctx, f.id, f.value) }))
      : undefined,
    customfields: renderAssetCustomFields(ctx, asset.customfields),
    ninjarmm_id: orNone(asset.ninjarmm_id),
    ninja_url: asset.ninja_url,
    ninja_remote_url: asset.ninja_remote_url,
    ...dattoFields(asset),
    third_party_id: asset.third_party_id,
    warranty_start: asset.warranty_start,
    warranty_end: asset.warranty_end,
    labour_warranty_start: asset.labour_warranty_start,
    labour_warranty_end: asset.labour_warranty_end,
    supplier_purchasedate: asset.supplier_purchasedate,
    commissiondate: asset.commissiondate,
    datecreated: asset.datecreated,
    last_modified: asset.last_modified,
  };
}

/**
 * Field values from `fields[]`: by `id`, else by `name` (case-insensitive); refs to fields that do
 * not exist are ignored (observed). A field the asset's type lacks is added to the type, unless
 * `_dontaddnewfields` is true, when its value is dropped [unverified].
 */
function readFieldValues(ctx: HaloContext, item: ItemReader, assetTypeId: number): { values: AssetRecord['fields'] | undefined; addToType: () => void } {
  const entries = item.objects('fields');
  if (entries === undefined || entries === null) return { values: entries === null ? [] : undefined, addToType: () => {} };
  const { store } = ctx;
  const dontAdd = item.bool('_dontaddnewfields') === true;
  const type = store.assetTypes.get(assetTypeId);
  const onType = new Set(type?.field_ids ?? []);
  const values = new Map<number, unknown>();
  const added: number[] = [];
  for (const entry of entries) {
    const id = entry.int('id');
    const name = entry.string('name');
    const field = id !== undefined && id !== null && id > 0 ? store.fields.get(id) : name ? store.fields.find('name', name.trim().toLowerCase())[0] : undefined;
    if (!field) continue;
    if (!onType.has(field.id)) {
      if (dontAdd) continue;
      onType.add(field.id);
      added.push(field.id);
    }
    values.set(field.id, storedValue(field.type, entry.raw('value') ?? null));
  }
  return {
    values: [...values].map(([id, value]) => ({ id, value })),
    addToType: () => {
      if (type && added.length > 0) store.assetTypes.put({ ...type, field_ids: [...type.field_ids, ...added] });
    },
  };
}

function readUserIds(ctx: HaloContext, item: ItemReader): number[] | undefined {
  const entries = item.objects('users');
  if (entries === undefined) return undefined;
  if (entries === null) return [];
  const ids: number[] = [];
  for (const entry of entries) {
    const id = required(entry.int('id'), entry, 'id', 'link a user');
    referenced(ctx.store.users, id, entry, 'id', 'User');
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function checkTagUnique(ctx: HaloContext, asset: AssetRecord): void {
  if (ctx.store.control.allowduplicateinv !== false || asset.inactive) return;
  const key = tagKey(asset.inventory_number);
  if (key === undefined) return;
  if (ctx.store.assets.find('tag', key).some((other) => other.id !== asset.id && !other.inactive)) throw badRequest(ASSET_TAG_NOT_UNIQUE);
}

export function saveAsset(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.assets, id, 'Asset');
  let clientId = item.int('client_id');
  const siteId = item.int('site_id');
  const typeId = item.int('assettype_id');
  if (!existing) {
    required(clientId, item, 'client_id', 'create an asset');
    required(siteId, item, 'site_id', 'create an asset');
    required(typeId, item, 'assettype_id', 'create an asset');
  } else {
    for (const [key, value] of [['client_id', clientId], ['site_id', siteId], ['assettype_id', typeId]] as const) {
      if (value === null) throw badRequest(`${key} cannot be cleared. Path '${item.at(key)}'.`);
    }
  }
  if (clientId !== undefined && clientId !== null) referenced(store.clients, clientId, item, 'client_id', 'Client');
  if (siteId !== undefined && siteId !== null) {
    const site = referenced(store.sites, siteId, item, 'site_id', 'Site');
    // Moving an asset to another site moves it to that site's client.
    if (clientId === undefined) clientId = site.client_id;
    if (site.client_id !== clientId) throw badRequest(`Site ${siteId} belongs to client ${site.client_id}, not client ${clientId}. Path '${item.at('site_id')}'.`);
  }
  if (typeId !== undefined && typeId !== null) referenced(store.assetTypes, typeId, item, 'assettype_id', 'Asset type');
  const finalType = typeId ?? existing!.assettype_id;
  const now = ctx.time();
  const fields = readFieldValues(ctx, item, finalType);
  const patch: Record<string, unknown> = {
    inventory_number: item.string('inventory_number'),
    client_id: clientId,
    site_id: siteId,
    assettype_id: typeId,
    inactive: item.bool('inactive'),
    notes: item.string('notes'),
    ninjarmm_id: integrationId(item.int('ninjarmm_id')),
    ninja_url: item.string('ninja_url'),
    ninja_remote_url: item.string('ninja_remote_url'),
    ...dattoPatch(item, true),
    third_party_id: item.int('third_party_id'),
    warranty_start: item.date('warranty_start'),
    warranty_end: item.date('warranty_end'),
    labour_warranty_start: item.date('labour_warranty_start'),
    labour_warranty_end: item.date('labour_warranty_end'),
    supplier_purchasedate: item.date('supplier_purchasedate'),
    commissiondate: item.date('commissiondate'),
    fields: fields.values,
    user_ids: readUserIds(ctx, item),
    customfields: readAssetCustomFields(ctx, item),
    last_modified: now,
  };
  if (existing && clientId !== undefined && siteId === undefined) {
    const site = store.sites.get(existing.site_id);
    if (!site) throw badRequest(`The asset is on no site; send a site_id of client ${clientId} too. Path '${item.at('site_id')}'.`);
    if (site.client_id !== clientId) throw badRequest(`Site ${existing.site_id} belongs to client ${site.client_id}; send the new client's site_id too. Path '${item.at('client_id')}'.`);
  }
  const next: AssetRecord = existing
    ? patched(existing, patch)
    : patched({ id: store.assets.nextId(), client_id: 0, site_id: 0, assettype_id: 0, inactive: false, fields: [], user_ids: [], datecreated: now, last_modified: now }, patch);
  checkTagUnique(ctx, next);
  fields.addToType();
  store.assets.put(next);
  return next.id;
}

/** The id filters of `GET /api/Asset`. */
const ASSET_ID_FILTERS = {
  client_id: (a) => a.client_id, site_id: (a) => a.site_id, assettype_id: (a) => a.assettype_id, user_id: (a) => a.user_ids,
} satisfies IdFilters<AssetRecord, string>;

/** `GET /api/Asset`: filters `client_id`, `site_id`, `assettype_id`, `user_id`, `inventory_number`, `integration_type`, `search`; inactive assets only with `includeinactive`. */
export function selectAssets(ctx: HaloContext, query: Query): AssetRecord[] {
  const { store, behaviour } = ctx;
  const { ids, accepts } = readIdFilters(query, ASSET_ID_FILTERS);
  const tag = query.string('inventory_number');
  const search = query.string('search');
  const integration = query.string('integration_type')?.toLowerCase();
  const includeInactive = query.bool('includeinactive');
  const tagged = tag === undefined ? undefined : (tagKey(tag) ?? '');
  const rows = candidates(store.assets, [['site', ids.site_id], ['tag', tagged], ['user', ids.user_id], ['client', ids.client_id], ['type', ids.assettype_id]]);
  return rows.filter((a) => {
    if ((!includeInactive && a.inactive) || !accepts(a)) return false;
    if (tag !== undefined && tagKey(a.inventory_number) !== tagKey(tag)) return false;
    // NinjaOne's and Datto RMM's ids are modelled; another integration_type matches nothing.
    if (integration !== undefined && !(integration === 'ninjarmm' ? hasNinjaId(a) : integration === 'datto' && a.datto_id !== undefined)) return false;
    if (search === undefined) return true;
    // Halo's search covers the tag and key fields; other field values only with assetSearchCoversFields [unverified].
    const searched = behaviour.assetSearchCoversFields ? a.fields.map((f) => fieldDisplay(ctx, f.id, f.value)) : [keyField(ctx, a)];
    return matches(search, a.inventory_number, ...searched);
  });
}

/** A listed asset: `fields[]` only with `includeassetfields=true` (and, per listAssetFieldsRequireTypeFilter, an `assettype_id` filter). */
export function renderListedAsset(ctx: HaloContext, asset: AssetRecord, query: Query): Record<string, unknown> {
  const withFields = query.bool('includeassetfields') && (!ctx.behaviour.listAssetFieldsRequireTypeFilter || query.int('assettype_id') !== undefined);
  return renderAsset(ctx, asset, withFields);
}
