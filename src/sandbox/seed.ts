/**
 * What a simulator starts with: records in the shape each API returns them (NinjaOne's field
 * names and epoch-second timestamps; Halo's snake_case and decimal-id quirks are applied by the
 * Halo simulator on output, not stored here). The demo generator writes a Seed; tests write small
 * ones by hand.
 */

import type { HaloTopLevel as HaloTopLevelRow } from '../halo/types.js';

/** A NinjaOne API client app (Administration → Apps → API). */
export interface NinjaClientApp {
  clientId: string;
  clientSecret: string;
  /** Scopes the app may request: monitoring, management, control. */
  scopes: string[];
}

/** reference/ninjaone/NOTES.md §2. Absent values are omitted, never null. */
export interface NinjaOrganization {
  id: number;
  name: string;
  description?: string;
  nodeApprovalMode: 'AUTOMATIC' | 'MANUAL' | 'REJECT';
  userData?: Record<string, unknown>;
}

export interface NinjaLocation {
  id: number;
  organizationId: number;
  name: string;
  address?: string;
  description?: string;
  userData?: Record<string, unknown>;
}

/**
 * A device as `/v2/devices-detailed` returns it (NOTES §3.3–3.4): the base node fields plus the
 * detail of its `deviceType`. Kept open because the detail differs by type.
 */
export interface NinjaDevice {
  id: number;
  uid?: string;
  parentDeviceId?: number;
  organizationId: number;
  locationId: number;
  nodeClass: string;
  nodeRoleId: number;
  rolePolicyId: number;
  policyId?: number;
  approvalStatus: 'PENDING' | 'STAGED' | 'APPROVED' | 'DECOMMISSIONED';
  offline: boolean;
  displayName?: string;
  systemName?: string;
  dnsName?: string;
  netbiosName?: string;
  created: number;
  lastContact?: number;
  lastUpdate?: number;
  tags?: string[];
  ipAddresses?: string[];
  macAddresses?: string[];
  publicIP?: string;
  /** AgentDevice, VMHost, VMGuest, MdmDevice, CloudMonitorHTTP, ..., NMSTarget, NMSServer, UnmanagedDevice. */
  deviceType: string;
  /** Type-specific detail (os, system, memory, processors, volumes, lastLoggedInUser, cpuMhz, ...). */
  [detail: string]: unknown;
}

/** One option of a DROPDOWN or MULTI_SELECT custom field (`content.values[]`, NOTES §4.1). */
export interface NinjaCustomFieldOption {
  /** A uuid: what a device's value holds for this option. */
  id: string;
  name: string;
  active?: boolean;
  system?: boolean;
}

/** A custom field definition (`/v2/device-custom-fields`). */
export interface NinjaCustomFieldDefinition {
  id?: number;
  name: string;
  label: string;
  /** TEXT, TEXT_MULTILINE, DATE, DATE_TIME, CHECKBOX, NUMERIC, DECIMAL, DROPDOWN, MULTI_SELECT, EMAIL, URL, ... (open: NinjaOne adds types). */
  type: string;
  /** NONE hides the field from the API (NOTES §4.1). */
  apiPermission: 'NONE' | 'READ_ONLY' | 'WRITE_ONLY' | 'READ_WRITE';
  /** Where the field can hold values: NODE, LOCATION, ORGANIZATION, END_USER. Left out: NODE. */
  definitionScope?: string[];
  /** The options of a DROPDOWN or MULTI_SELECT field. */
  content?: { values: NinjaCustomFieldOption[] };
}

/** An active alert (`/v2/alerts`, NOTES §5). `uid` is the webhook's seriesUid. */
export interface NinjaAlert {
  uid: string;
  deviceId: number;
  message: string;
  createTime: number;
  updateTime: number;
  sourceType: string;
  sourceConfigUid: string;
  sourceName: string;
  subject: string;
  data: { message: { code: string; params: Record<string, unknown> } };
  priority: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
  severity: 'NONE' | 'MINOR' | 'MODERATE' | 'MAJOR' | 'CRITICAL';
  conditionName?: string;
  conditionHealthStatus?: 'UNKNOWN' | 'HEALTHY' | 'NEEDS_ATTENTION' | 'UNHEALTHY';
}

export interface NinjaSeed {
  apps: NinjaClientApp[];
  organizations: NinjaOrganization[];
  locations: NinjaLocation[];
  devices: NinjaDevice[];
  customFieldDefinitions: NinjaCustomFieldDefinition[];
  /** Device id → { field name: value }. Values as the API returns them (epoch seconds for dates, option ids for DROPDOWN). */
  customFields: Record<number, Record<string, unknown>>;
  /** Organisation id → { field name: value }: organisation-level values devices inherit. */
  organizationCustomFields?: Record<number, Record<string, unknown>>;
  /** Location id → { field name: value }: location-level values devices inherit. */
  locationCustomFields?: Record<number, Record<string, unknown>>;
  alerts: NinjaAlert[];
}

/** A Halo API application (Configuration → Integrations → Halo API). */
export interface HaloClientApp {
  clientId: string;
  clientSecret: string;
  /** Scopes the app may request (`all`, `edit:customers`, ...). */
  scopes: string[];
  /** The agent the app logs in as (actions it writes carry this agent). */
  agentId: number;
}

/** A top level (`/api/TopLevel`): the same two fields on the wire as haloform reads. */
export type HaloTopLevel = HaloTopLevelRow;

/** Client = Area (NOTES §4.1). `ninjarmmid` is the NinjaOne organisation id. */
export interface HaloClient {
  id: number;
  name: string;
  /** Absent on a client an old import made (real tenants have them). */
  toplevel_id?: number;
  inactive: boolean;
  main_site_id?: number;
  ninjarmmid?: number;
  notes?: string;
}

/** NOTES §4.2. `ninjarmmid` is the NinjaOne location id. */
export interface HaloSite {
  id: number;
  /** Absent on a site an old import made without one (real tenants have them). */
  name?: string;
  client_id: number;
  inactive: boolean;
  ninjarmmid?: number;
}

/** NOTES §4.3. Users belong to a site; one "General User" per site stands in for unknown end users. */
export interface HaloUser {
  id: number;
  name: string;
  firstname?: string;
  surname?: string;
  emailaddress?: string;
  login?: string;
  site_id: number;
  inactive: boolean;
  /** True for the site's General User. */
  isgeneraluser?: boolean;
  /** Set for users that are agents' linked accounts; not used by the demo. */
  isserviceaccount?: boolean;
}

export interface HaloAssetGroup {
  id: number;
  name: string;
}

/** One option of a Halo selection field (a `Lookup`: `values[]` of `/api/Field` and `/api/FieldInfo`). */
export interface HaloFieldOption {
  id: number;
  name: string;
}

/**
 * An asset field definition (`/api/Field`, NOTES §4.5). Halo's swagger gives `Field` no type;
 * haloform reads `type` when present, with the codes of HALO_FIELD_TYPE_CODES (src/halo/field-types.ts,
 * [unverified]): 0 text, 1 date, 2 number, 3 single selection, 4 multiple selection, 5 date-time,
 * 6 checkbox, 7 memo.
 */
export interface HaloField {
  id: number;
  name: string;
  type?: number;
  /** Non-zero for a field whose values come from a lookup (selection). */
  lookup?: number;
  /** The options of a selection field. */
  values?: HaloFieldOption[];
}

/** An asset custom field (`/api/FieldInfo?typeid=5`, NOTES §4.5): the `customfields[]` of an asset. Same type codes as HaloField. */
export interface HaloCustomFieldDefinition {
  id: number;
  /** The API name, `CF` prefixed (`CFsupportTier`). */
  name: string;
  label: string;
  type: number;
  values?: HaloFieldOption[];
}

/** Asset type = Xtype. `field_ids` lists the asset fields the type shows, in order. */
export interface HaloAssetType {
  id: number;
  name: string;
  assetgroup_id: number;
  field_ids: number[];
  keyfield_id?: number;
}

/** Asset = Device (NOTES §4.4). Field values by field id. */
export interface HaloAsset {
  id: number;
  inventory_number?: string;
  client_id: number;
  site_id: number;
  assettype_id: number;
  inactive: boolean;
  fields: { id: number; value: unknown }[];
  user_ids: number[];
  ninjarmm_id?: number;
  ninja_url?: string;
  ninja_remote_url?: string;
  /** Asset custom field values (`customfields[]`), by FieldInfo id. */
  customfields?: { id: number; value: unknown }[];
  notes?: string;
  warranty_start?: string;
  warranty_end?: string;
}

export interface HaloTicketType {
  id: number;
  name: string;
  initial_status?: number;
  default_priority?: number;
}

export interface HaloStatus {
  id: number;
  name: string;
  /** open | closed (Halo's type codes, simplified). */
  type: 'open' | 'closed';
}

export interface HaloOutcome {
  id: number;
  outcome: string;
}

export interface HaloPriority {
  /**
   * The ticket's `priority_id` (Policy's `priorityid`). The simulator renders it twice: as the
   * row's `id`, a string as Halo sends it (NOTES §4), and as `priorityid`.
   */
  id: number;
  name: string;
  /** The SLA the priority belongs to (Policy's `slaid`): priorities are per SLA (NOTES §4.6). Left out: rendered without one. */
  slaid?: number;
}

/**
 * A team (`/api/Team`; the swagger types its rows SectionDetail): tickets name it in `team`, by
 * name. `name` is null on a team an old import made without one (real tenants have them).
 */
export interface HaloTeam {
  id: number;
  name: string | null;
  inactive?: boolean;
  department_id?: number;
}

/** An agent (`/api/Agent`, swagger `Uname`): tickets carry its id in `agent_id`. Agent 1 is Halo's own API user. */
export interface HaloAgent {
  id: number;
  name: string;
  email?: string;
  /** A disabled agent (one who left) stays listed. */
  isdisabled: boolean;
  /** The agent's team, by name. */
  team?: string;
}

/**
 * A ticket category (`/api/Category`, swagger `CategoryDetail`): `value` is the text tickets carry
 * in `category_1` ("Hardware>Server"), `type_id` which of a ticket's category fields it is for
 * (1 = `category_1`). The row shape is read from the swagger, not observed [unverified].
 */
export interface HaloCategory {
  id: number;
  value: string | null;
  type_id: number;
  category_name?: string;
}

/** An SLA (`/api/SLA`, swagger `SlaHead`): tickets carry its id in `sla_id`; priorities belong to one. */
export interface HaloSla {
  id: number;
  name: string;
}

export interface HaloSeed {
  apps: HaloClientApp[];
  topLevels: HaloTopLevel[];
  clients: HaloClient[];
  sites: HaloSite[];
  users: HaloUser[];
  assetGroups: HaloAssetGroup[];
  fields: HaloField[];
  /** Asset custom fields (`/api/FieldInfo?typeid=5`). Left out: none. */
  customFieldDefinitions?: HaloCustomFieldDefinition[];
  assetTypes: HaloAssetType[];
  assets: HaloAsset[];
  ticketTypes: HaloTicketType[];
  statuses: HaloStatus[];
  outcomes: HaloOutcome[];
  priorities: HaloPriority[];
  /** Alert routing's lists (`/api/SLA`, `/api/Team`, `/api/Agent`, `/api/Category`). Left out: none. */
  slas?: HaloSla[];
  teams?: HaloTeam[];
  agents?: HaloAgent[];
  categories?: HaloCategory[];
  /** Global settings (`/api/Control`). `allowduplicateinv: false` = "Asset Tag must be unique" on. */
  control: { allowduplicateinv: boolean; [setting: string]: unknown };
}

export interface Seed {
  ninjaone: NinjaSeed;
  halo: HaloSeed;
}
