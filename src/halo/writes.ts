/**
 * What haloform writes to Halo, typed, and the one place that turns it into Halo's wire format:
 * the bodies of `POST /api/Client`, `Site`, `Asset`, `AssetType`, `Field` and `Control` (Halo's
 * field names, `toplevel_id`, `newclient_sitename`, `_dontaddnewfields`, ...; an RMM's ids in the
 * fields its provider names, `ninjarmmid` for NinjaOne), and what Halo answers, read back as ids.
 * Apply says what to write in haloform's words; it never builds a body. reference/halopsa/NOTES.md §2, §4.
 */

import { haloFieldTypeCode } from './field-types.js';
import type { HaloIdentity, LinkProperty } from '../rmm/provider.js';
import type { RmmId } from '../rmm/snapshot.js';
import type { HaloFieldType } from './types.js';

/** A new client: Halo makes its main site with it, named `mainSiteName`. */
export interface ClientCreate {
  name: string;
  topLevelId?: number;
  rmmId?: RmmId;
  mainSiteName: string;
}

/** An existing client: only what is given is written. */
export interface ClientUpdate {
  id: number;
  name?: string;
  rmmId?: RmmId;
}

export type ClientWrite = ClientCreate | ClientUpdate;

/** A new site, or (with `id`) an existing one — the main site Halo made with a new client is named and linked this way. */
export interface SiteWrite {
  id?: number;
  name?: string;
  clientId?: number;
  rmmId?: RmmId;
}

/** The asset properties a field mapping may write (the asset's own columns, not its fields), besides the RMM's links. */
export const ASSET_PROPERTIES = ['inventory_number', 'notes', 'warranty_start', 'warranty_end', 'labour_warranty_start', 'labour_warranty_end', 'supplier_purchasedate', 'commissiondate'] as const;
/** An asset property: one of ASSET_PROPERTIES, or an RMM's link (`ninja_url`: HaloIdentity.links). */
export type AssetProperty = (typeof ASSET_PROPERTIES)[number] | LinkProperty;

/** The properties an asset of `identity`'s RMM may be written with: the asset's own, then its links. */
export function assetProperties(identity: HaloIdentity): AssetProperty[] {
  return [...ASSET_PROPERTIES, identity.links.device, identity.links.remote];
}

/** A field value as Halo stores it: the field's id and the converted value. */
export interface FieldValue {
  id: number;
  value: unknown;
}

/** A new asset (no `id`), an update, or a deactivation (`inactive: true`). */
export interface AssetWrite {
  id?: number;
  clientId?: number;
  siteId?: number;
  assetTypeId?: number;
  rmmId?: RmmId;
  inactive?: boolean;
  properties?: Partial<Record<AssetProperty, string>>;
  /** Every value of the asset's fields: Halo replaces the whole list. */
  fields?: FieldValue[];
  /** Every value of the asset's custom fields (`customfields[]`): replaced whole too. */
  customFields?: FieldValue[];
  userIds?: number[];
}

export interface AssetTypeWrite {
  name: string;
  assetGroupId?: number;
  /** The type's fields, in order. */
  fieldIds: number[];
}

export interface FieldCreate {
  name: string;
  type: HaloFieldType;
  /** A selection's options, by name. */
  options: string[];
}

/** What Halo answered for one saved object: its id, and for a new client the main site it made. */
export interface Saved {
  id?: number;
  mainSiteId?: number;
}

export function clientBody(write: ClientWrite, identity: HaloIdentity): Record<string, unknown> {
  if ('id' in write) return { id: write.id, ...(write.name !== undefined ? { name: write.name } : {}), ...(write.rmmId !== undefined ? { [identity.client]: write.rmmId } : {}) };
  return {
    name: write.name,
    ...(write.topLevelId !== undefined ? { toplevel_id: write.topLevelId } : {}),
    ...(write.rmmId !== undefined ? { [identity.client]: write.rmmId } : {}),
    newclient_sitename: write.mainSiteName,
  };
}

export function siteBody(write: SiteWrite, identity: HaloIdentity): Record<string, unknown> {
  return {
    ...(write.id !== undefined ? { id: write.id } : {}),
    ...(write.name !== undefined ? { name: write.name } : {}),
    ...(write.clientId !== undefined ? { client_id: write.clientId } : {}),
    ...(write.rmmId !== undefined ? { [identity.site]: write.rmmId } : {}),
  };
}

export function assetBody(write: AssetWrite, identity: HaloIdentity): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (write.id !== undefined) body.id = write.id;
  if (write.clientId !== undefined) body.client_id = write.clientId;
  if (write.siteId !== undefined) body.site_id = write.siteId;
  if (write.assetTypeId !== undefined) body.assettype_id = write.assetTypeId;
  if (write.rmmId !== undefined) body[identity.asset] = write.rmmId;
  if (write.inactive !== undefined) body.inactive = write.inactive;
  for (const key of assetProperties(identity)) if (write.properties?.[key] !== undefined) body[key] = write.properties[key];
  if (write.fields) {
    body.fields = write.fields.map(({ id, value }) => ({ id, value }));
    // Never let a write add fields to a type behind the plan's back.
    body._dontaddnewfields = true;
  }
  if (write.customFields) body.customfields = write.customFields.map(({ id, value }) => ({ id, value }));
  if (write.userIds) body.users = write.userIds.map((id) => ({ id }));
  return body;
}

export function assetTypeBody(write: AssetTypeWrite): Record<string, unknown> {
  return {
    name: write.name,
    ...(write.assetGroupId !== undefined ? { assetgroup_id: write.assetGroupId } : {}),
    fields: write.fieldIds.map((field_id, i) => ({ field_id, sequence: i + 1 })),
  };
}

/** The field's type, and a selection's options, go with it ([unverified]: Halo's Field has no documented type; see field-types.ts). */
export function fieldBody(write: FieldCreate): Record<string, unknown> {
  return { name: write.name, type: haloFieldTypeCode(write.type), ...(write.options.length > 0 ? { values: write.options.map((name) => ({ name })) } : {}) };
}

/** "Asset Tag must be unique" is Control.allowduplicateinv inverted (NOTES §4.4). */
export function assetTagSettingBody(mustBeUnique: boolean): Record<string, unknown> {
  return { allowduplicateinv: !mustBeUnique };
}

/** What Halo answered for a saved object, as ids (`21.0` is 21; `main_site_id` only when Halo made one). */
export function savedFrom(record: Record<string, unknown>): Saved {
  const id = wholeNumber(record.id);
  const mainSiteId = wholeNumber(record.main_site_id);
  return { ...(id !== undefined ? { id } : {}), ...(mainSiteId !== undefined && mainSiteId > 0 ? { mainSiteId } : {}) };
}

function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}
