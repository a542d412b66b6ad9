/**
 * HaloPSA as haloform reads it (`Live` data), normalised at the boundary by the client: ids as
 * integers (Halo sends some as `21.0`), `-1` as absent, names trimmed as Halo stores them. Real
 * tenants hold incomplete rows (a site without a name, a user on no site, a stock asset with no
 * client): what Halo did not say is absent here (a missing name is ""), and what was wrong with a
 * row is in `HaloSnapshot.problems`, never a failed read.
 */

import type { ReadProblem } from '../http/rows.js';
import type { RmmId } from '../rmm/snapshot.js';
import type { HaloRoutingLookups } from './routing-lookups.js';

export interface HaloTopLevel {
  id: number;
  name: string;
}

export interface HaloClient {
  id: number;
  /** "" when Halo sent none. */
  name: string;
  topLevelId?: number;
  inactive: boolean;
  mainSiteId?: number;
  /** The RMM organisation id Halo stores (HaloIdentity.client: NinjaOne's Client.ninjarmmid). */
  rmmId?: RmmId;
}

export interface HaloSite {
  id: number;
  /** "" when Halo sent none. */
  name: string;
  /** Undefined when Halo did not say (the row is reported in the snapshot's problems). */
  clientId?: number;
  inactive: boolean;
  /** The RMM location id Halo stores (HaloIdentity.site). */
  rmmId?: RmmId;
}

export interface HaloUser {
  id: number;
  name: string;
  login?: string;
  email?: string;
  /** Undefined for a user on no site. */
  siteId?: number;
  clientId?: number;
  inactive: boolean;
  isGeneralUser: boolean;
}

export interface HaloAssetGroup {
  id: number;
  name: string;
}

export interface HaloField {
  id: number;
  name: string;
  /** The kind of value the field holds, from what Halo says of it (src/halo/field-types.ts); `text` when it says nothing. */
  type: HaloFieldType;
  /** Whether the type was read from Halo (false: assumed text). */
  typeKnown: boolean;
  /** The options of a selection field (single or multiple). */
  options: HaloFieldOption[];
}

/** An asset custom field (`/api/FieldInfo`, the asset's `customfields[]`). */
export interface HaloCustomField extends HaloField {
  /** The label Halo shows. */
  label: string;
}

export type HaloFieldType = 'text' | 'memo' | 'number' | 'date' | 'datetime' | 'boolean' | 'select' | 'multiselect';

export interface HaloFieldOption {
  id: number;
  name: string;
}

export interface HaloAssetType {
  id: number;
  name: string;
  assetGroupId?: number;
  /** Ids of the asset fields the type shows. */
  fieldIds: number[];
  /** Field types its layout states (TypeInfo `type`), by field id. */
  fieldTypes?: ReadonlyMap<number, HaloFieldType>;
}

export interface HaloAsset {
  id: number;
  inventoryNumber?: string;
  /** Undefined for a stock asset with no client (Halo's -1). */
  clientId?: number;
  siteId?: number;
  /** Undefined when Halo did not say. */
  assetTypeId?: number;
  inactive: boolean;
  /** The RMM device id Halo stores (HaloIdentity.asset). */
  rmmId?: RmmId;
  /** Asset field values by field id; every field the asset has, since writes replace the whole list. */
  fields: ReadonlyMap<number, unknown>;
  /** Custom field values by FieldInfo id (`customfields[]`); replaced whole on write, like fields. */
  customFields: ReadonlyMap<number, unknown>;
  userIds: number[];
  /** Top-level properties haloform may write (notes, warranty_start, ...), as Halo returned them. */
  properties: Readonly<Record<string, unknown>>;
}

export interface HaloTicketType {
  id: number;
  name: string;
}

export interface HaloStatus {
  id: number;
  name: string;
}

export interface HaloOutcome {
  id: number;
  name: string;
}

export interface HaloSettings {
  /** "Asset Tag must be unique" (Control `allowduplicateinv` inverted); undefined when Control could not say. */
  assetTagMustBeUnique?: boolean;
}

/** Everything plan needs from Halo, read in one go. */
export interface HaloSnapshot {
  topLevels: HaloTopLevel[];
  clients: HaloClient[];
  sites: HaloSite[];
  users: HaloUser[];
  assetGroups: HaloAssetGroup[];
  fields: HaloField[];
  assetTypes: HaloAssetType[];
  /** Every asset, active and inactive, with field values. */
  assets: HaloAsset[];
  ticketTypes: HaloTicketType[];
  settings: HaloSettings;
  /** Asset custom fields (`/api/FieldInfo`); read only when the spec maps one. */
  customFields: HaloCustomField[];
  /** What was wrong with rows Halo sent: each kept with the value absent, or left out. */
  problems: ReadProblem[];
  /** The lists alerts.routes names (teams, agents, …); read by plan only when the spec routes alerts. */
  routing?: HaloRoutingLookups;
}
