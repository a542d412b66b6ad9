/**
 * What a simulator starts with: records in the shape each API returns them (NinjaOne's field
 * names and epoch-second timestamps; Halo's snake_case and decimal-id quirks are applied by the
 * Halo simulator on output, not stored here). The demo generator writes a Seed; tests write small
 * ones by hand.
 */

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

/** A custom field definition (`/v2/device-custom-fields`). */
export interface NinjaCustomFieldDefinition {
  name: string;
  label: string;
  type: 'TEXT' | 'DATE' | 'DATE_TIME' | 'CHECKBOX' | 'NUMERIC' | 'DROPDOWN' | 'EMAIL';
  /** NONE hides the field from the API (NOTES §4.1). */
  apiPermission: 'NONE' | 'READ_ONLY' | 'WRITE_ONLY' | 'READ_WRITE';
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
  /** Device id → { field name: value }. Values as the API returns them (epoch seconds for dates). */
  customFields: Record<number, Record<string, unknown>>;
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

export interface HaloTopLevel {
  id: number;
  name: string;
}

/** Client = Area (NOTES §4.1). `ninjarmmid` is the NinjaOne organisation id. */
export interface HaloClient {
  id: number;
  name: string;
  toplevel_id: number;
  inactive: boolean;
  main_site_id?: number;
  ninjarmmid?: number;
  notes?: string;
}

/** NOTES §4.2. `ninjarmmid` is the NinjaOne location id. */
export interface HaloSite {
  id: number;
  name: string;
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

/** An asset field definition (`/api/Field`, NOTES §4.5). */
export interface HaloField {
  id: number;
  name: string;
  /** 0 text, 1 date, 2 number (display only in the simulator). */
  type?: number;
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
  /** Halo returns priority ids as strings (NOTES §4). */
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
  assetTypes: HaloAssetType[];
  assets: HaloAsset[];
  ticketTypes: HaloTicketType[];
  statuses: HaloStatus[];
  outcomes: HaloOutcome[];
  priorities: HaloPriority[];
  /** Global settings (`/api/Control`). `allowduplicateinv: false` = "Asset Tag must be unique" on. */
  control: { allowduplicateinv: boolean; [setting: string]: unknown };
}

export interface Seed {
  ninjaone: NinjaSeed;
  halo: HaloSeed;
}
