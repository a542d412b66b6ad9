/**
 * The normalised spec: what the YAML asks for, with defaults applied, references resolved into
 * tagged forms and secrets wrapped. Everything after config/ reads this, never the raw file.
 */

import type { SpecPath } from '../diagnostics/diagnostic.js';
import type { Secret } from './secret.js';
import type { HaloformSpec } from './spec-file.generated.js';

/** A NinjaOne object named in the spec: by id or by exact name. */
export type NinjaRef = { kind: 'id'; id: number } | { kind: 'name'; name: string };

export type OrganisationPolicy = 'create' | 'skip' | 'error';
export type LocationPolicy = 'create' | 'skip' | 'main-site' | 'catch-all' | 'error';
export type NodeClassPolicy = 'create' | 'skip' | 'error';
export type AssetMatch = 'ninjaId' | 'serialNumber';
export type UserMatch = 'login' | 'email' | 'name';
export type Severity = 'CRITICAL' | 'MAJOR' | 'MODERATE' | 'MINOR' | 'NONE';

export interface Spec {
  version: 1;
  connections: { ninjaone: NinjaOneConnection; halo: HaloConnection };
  settings: HaloSettings;
  customers: Customers;
  assetTypes: AssetTypes;
  assets: Assets;
  /** Undefined when the spec has no `alerts`: serve refuses to start. */
  alerts?: Alerts;
  /** Undefined when the spec has no `sync`: no sync cycle runs. */
  sync?: Sync;
}

export interface NinjaOneConnection {
  /** The API host, e.g. https://eu.ninjarmm.com, without a trailing slash. */
  baseUrl: string;
  /**
   * baseUrl as people open it: no userinfo (a password in the spec's URL must never be written
   * into Halo's asset links or ticket text, where every technician reads it).
   */
  webUrl: string;
  /** The region it came from, when given as `instance`. */
  instance?: string;
  clientId: string;
  clientSecret: Secret;
  scopes: string[];
  timeoutSeconds: number;
}

export interface HaloConnection {
  /** The Halo web address without a trailing slash; the API is `${url}/api`. */
  url: string;
  /** Where tokens come from: `authUrl`, else `${url}/auth`. */
  authUrl: string;
  tenant?: string;
  clientId: string;
  clientSecret: Secret;
  scope: string;
  /** Undefined when pacing is off. */
  rateLimit?: { requests: number; perSeconds: number };
  batchSize: number;
  timeoutSeconds: number;
}

/** Halo settings haloform manages; a setting left undefined is not touched. */
export interface HaloSettings {
  assetTagMustBeUnique?: boolean;
}

export interface Customers {
  topLevel?: string;
  unmapped: OrganisationPolicy;
  unmappedLocations: LocationPolicy;
  map: OrganisationMapping[];
  catchAll?: { client: string; site: string };
}

export interface OrganisationMapping {
  organisation: NinjaRef;
  /** The Halo client name; undefined means "the organisation's name". */
  client?: string;
  /** The linked client's current name, when `client` renames it (a rename is never implied). */
  renameFrom?: string;
  skip: boolean;
  sites: SiteMapping[];
  unmappedLocations: LocationPolicy;
  /** Where the entry is in the spec, for diagnostics. */
  path: SpecPath;
}

export interface SiteMapping {
  location: NinjaRef;
  site: string;
  /** The linked site's current name, when `site` renames it. */
  renameFrom?: string;
  path: SpecPath;
}

export interface AssetTypes {
  /** Node class → Halo asset type name, in spec order. */
  map: { nodeClass: string; assetType: string; path: SpecPath }[];
  unmapped: NodeClassPolicy;
  group?: string;
}

export interface Assets {
  match: AssetMatch[];
  serialField: string;
  ignoreSerials: string[];
  /** Where a device's serial comes from, in order: the first value that is no placeholder wins. */
  serial: { from: DevicePath[]; fromText: string[] };
  /** What a device is called (asset tag fallback, plan lines, tickets): the first source it has, else "NinjaOne device <id>". */
  name: { from: string[] };
  /** Templates of the asset's NinjaOne links ({url}, {id}, {uid}); undefined leaves the link alone. */
  links: { deviceUrl?: string; remoteUrl?: string };
  fields: FieldMapping[];
  addMissingFieldsToTypes: boolean;
  user?: { from: DevicePath; matchBy: UserMatch[]; path: SpecPath };
  removed: 'deactivate' | 'keep';
}

/** A path into a NinjaOne device, parsed: `ipAddresses[0]` → [{name:'ipAddresses', index:0}]. */
export type DevicePath = { name: string; index?: number }[];

/** What a mapped value is converted to on the Halo side. */
export type ValueType = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'select' | 'multiselect';
export type DateFormat = 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'MM/DD/YYYY';

export interface FieldMapping {
  /** A Halo asset property (`inventory_number`), asset field name (`Serial Number`) or custom field name (after `customfields.`). */
  to: string;
  /** Where `to` lives on the asset. */
  target: 'property' | 'field' | 'customfield';
  /** Whether `to` is one of Halo's asset properties rather than an asset field. */
  toProperty: boolean;
  /**
   * What the value is: a device path, the device's serial (`serial`, or a path among
   * assets.serial.from) or its name (`deviceName`, or a name source mapped to inventory_number).
   */
  source: 'path' | 'serial' | 'name';
  from: DevicePath;
  /** `from` as written, for messages. */
  fromText: string;
  /** customFields.<name>: fall back to the location's, then the organisation's value. */
  inherit: boolean;
  /** The Halo side's type when Halo does not say. */
  type?: ValueType;
  dateFormat?: DateFormat;
  path: SpecPath;
}

/** A change kind and action a sync cycle may apply on its own: `asset.create`. */
export type SyncKind = NonNullable<NonNullable<HaloformSpec['sync']>['autoApply']>[number];

export interface Sync {
  everyMinutes: number;
  resyncHours: number;
  /** What a cycle applies on its own (the defaults filled in); anything else is held. */
  autoApply: SyncKind[];
  /** Whether autoApply was written in the spec (else it is the defaults). */
  autoApplyGiven: boolean;
}

export type WeekDay = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A weekly maintenance window: from `from` to `to` (minutes into the day) in `timezone`, on `days` (the start's day). */
export interface MaintenanceWindow {
  name?: string;
  organisations?: NinjaRef[];
  days: WeekDay[];
  from: number;
  to: number;
  timezone: string;
}

/** What a route matches: every criterion given must hold; a list holds when any value does. */
export interface RouteMatch {
  severities?: Severity[];
  priorities?: string[];
  activityTypes?: string[];
  /** Condition names (case-folded equality) or regular expressions (`/…/flags`), as written. */
  conditions?: string[];
  organisations?: NinjaRef[];
  deviceClasses?: string[];
  deviceRoles?: number[];
  tags?: string[];
}

/** What a route sets on the ticket; left out = the default route's (alerts.ticketType, alerts.priority) or Halo's. */
export interface RouteSettings {
  ticketType?: string;
  team?: string;
  agent?: string | number;
  category?: string;
  priority?: string | number;
  status?: string;
  sla?: string;
}

/** One of alerts.routes. */
export interface AlertRoute {
  /** Its name, or `routes[N]`. */
  name: string;
  /** Its position in alerts.routes. */
  index: number;
  match: RouteMatch;
  suppress: boolean;
  set: RouteSettings;
}

export interface StormThreshold {
  alerts: number;
  withinMinutes: number;
  per: 'organisation+condition' | 'condition';
}

export interface Alerts {
  ticketType: string;
  priority: Record<Severity, number>;
  endUser: 'assetUser' | 'generalUser';
  onReset: 'close' | 'note' | 'none';
  /** A person closed the ticket while its alert is active: reset the alert in NinjaOne, or leave it. */
  onTicketClosed: 'resetAlert' | 'nothing';
  /** The ticket's summary and the opening of its details, with {placeholders} (src/serve/ticket-content.ts). */
  template?: { summary?: string; details?: string };
  /** Weekly windows in which an alert opens no ticket (suppressed). */
  maintenanceWindows: MaintenanceWindow[];
  /** A firing within this many minutes of its ticket closing reopens it (0: off). */
  reopenWithinMinutes: number;
  /** Routing rules, first match wins; an alert none matches takes the default route. */
  routes: AlertRoute[];
  /** Storm roll-up; undefined: off. */
  stormThreshold?: StormThreshold;
  /** apply registers Halo's webhook to serve's POST /halo/webhook (the fast path of onTicketClosed). */
  haloWebhook: boolean;
  closeOnlyUntouched: boolean;
  include: { activityTypes: string[]; severities?: Severity[]; nodeClasses?: string[] };
  poll: { enabled: boolean; everyMinutes: number };
  webhook?: { publicUrl: string; header: string; organisations?: NinjaRef[] };
}
