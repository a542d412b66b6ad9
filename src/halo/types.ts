/**
 * HaloPSA as haloform reads it (`Live` data), normalised at the boundary by the client: ids as
 * integers (Halo sends some as `21.0`), `-1` as absent, names trimmed as Halo stores them.
 */

export interface HaloTopLevel {
  id: number;
  name: string;
}

export interface HaloClient {
  id: number;
  name: string;
  topLevelId?: number;
  inactive: boolean;
  mainSiteId?: number;
  /** The NinjaOne organisation id Halo stores (Client.ninjarmmid). */
  ninjaId?: number;
}

export interface HaloSite {
  id: number;
  name: string;
  clientId: number;
  inactive: boolean;
  /** The NinjaOne location id Halo stores (Site.ninjarmmid). */
  ninjaId?: number;
}

export interface HaloUser {
  id: number;
  name: string;
  login?: string;
  email?: string;
  siteId: number;
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
  /** Halo's field type code, when it says: 1 is a date. */
  type?: number;
}

export interface HaloAssetType {
  id: number;
  name: string;
  assetGroupId?: number;
  /** Ids of the asset fields the type shows. */
  fieldIds: number[];
}

export interface HaloAsset {
  id: number;
  inventoryNumber?: string;
  clientId: number;
  siteId: number;
  assetTypeId: number;
  inactive: boolean;
  /** The NinjaOne device id Halo stores (Asset.ninjarmm_id). */
  ninjaId?: number;
  /** Asset field values by field id; every field the asset has, since writes replace the whole list. */
  fields: ReadonlyMap<number, unknown>;
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
}
