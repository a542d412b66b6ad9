/**
 * The Desired Halo state: what Halo should hold according to the spec and the RMM, each
 * object already tied to the live Halo object it is (or will become). Computed by the
 * resolvers in this folder; diffed into a Plan by src/plan/. Pure data.
 */

import type { PlanRoute } from './routing-table.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HaloAsset, HaloAssetType, HaloClient, HaloField, HaloFieldOption, HaloFieldType, HaloSite, HaloUser } from '../halo/types.js';
import type { RmmDevice } from '../rmm/snapshot.js';
import type { TargetType } from './convert.js';
import type { RmmId } from '../rmm/snapshot.js';
import type { RmmProvider } from '../rmm/provider.js';

export interface DesiredClient {
  address: string;
  name: string;
  live?: HaloClient;
  /** How it was found: by the RMM id Halo stores, by name, or not at all. */
  match: 'ninja-id' | 'name' | 'new';
  /** The RMM organisation id it should carry; undefined for the catch-all client. */
  rmmId?: RmmId;
  /** The organisation's name, for messages. */
  organisation?: string;
  /** For creates: the Halo top level. */
  topLevel?: { id: number; name: string };
  /** For creates: the name of the main site Halo creates with the client. */
  mainSiteName?: string;
  /** The spec names the client explicitly, so a different live name is renamed. */
  explicitName: boolean;
}

export interface DesiredSite {
  address: string;
  name: string;
  client: DesiredClient;
  live?: HaloSite;
  match: 'ninja-id' | 'name' | 'main-site' | 'new';
  /** The RMM location id it should carry; undefined for main and catch-all sites. */
  rmmId?: RmmId;
  /** Created by Halo together with a new client (its main site): apply updates it instead of creating it. */
  asMainSite: boolean;
  explicitName: boolean;
  location?: string;
}

export interface DesiredAssetType {
  address: string;
  name: string;
  live?: HaloAssetType;
  /** For creates: the asset group. */
  group?: { id: number; name: string };
  /** Node classes whose devices get this type. */
  nodeClasses: string[];
}

export interface DesiredField {
  address: string;
  name: string;
  live?: HaloField;
  /** What it holds (for a field haloform creates: the type it is created with). */
  type: HaloFieldType;
  /** Its options, for a selection (a field haloform creates gets the RMM field's). */
  options: HaloFieldOption[];
  /** Asset types (existing ones) that lack the field and receive devices with a value for it. */
  missingFrom: HaloAssetType[];
  /** Names of the Halo asset types that show the field now. */
  presentOn: string[];
  /** Apply adds the field to every asset type (Halo's "Add to all asset types"). */
  addToAll: boolean;
}

/** One mapped value for an asset: a Halo property, asset field or custom field, in its display form (src/model/convert.ts). */
export interface DesiredValue {
  target: string;
  kind: 'property' | 'field' | 'customfield';
  value: string;
  type: TargetType;
}

export interface DesiredAsset {
  address: string;
  name: string;
  device: RmmDevice;
  live?: HaloAsset;
  match: 'ninja-id' | 'serial' | 'new';
  /** The serial it was matched by. */
  serial?: string;
  client: DesiredClient;
  site: DesiredSite;
  type: DesiredAssetType;
  values: DesiredValue[];
  user?: HaloUser;
}

export interface Deactivation {
  address: string;
  name: string;
  live: HaloAsset;
  client?: HaloClient;
}

export interface Desired {
  /** The RMM the devices are from (its words and addresses in the plan). */
  rmm: RmmProvider;
  settings: { assetTagMustBeUnique?: { live?: boolean; desired: boolean } };
  fields: DesiredField[];
  assetTypes: DesiredAssetType[];
  clients: DesiredClient[];
  sites: DesiredSite[];
  assets: DesiredAsset[];
  deactivations: Deactivation[];
  /** alerts.routes as a table, the default route last; undefined when the spec routes nothing. */
  routing?: PlanRoute[];
  /** Halo's webhook to serve (alerts.haloWebhook). */
  haloWebhook?: { url: string };
  webhook?: { url: string; header: string; organizationIds?: RmmId[]; /** Device lifecycle activities too, for the sync controller (the spec has sync:). */ lifecycle: boolean };
  errors: Diagnostic[];
  warnings: Diagnostic[];
}
