/**
 * What the simulator stores: the seed's record types (src/sandbox/seed.ts) plus the properties the
 * API can write and the dates it stamps. `HaloState` — every table — is what `/_sandbox/state`
 * dumps, in the seed's shape, so a test can assert the final state or start a new simulator from it.
 */

import type {
  HaloAgent,
  HaloAsset,
  HaloAssetGroup,
  HaloAssetType,
  HaloCategory,
  HaloClient,
  HaloCustomFieldDefinition,
  HaloField,
  HaloOutcome,
  HaloPriority,
  HaloSite,
  HaloSla,
  HaloStatus,
  HaloTeam,
  HaloTicketType,
  HaloTopLevel,
  HaloUser,
} from '../seed.js';
import type { DattoIdentity } from './resources/common.js';

/** A value in a record's `customfields`, written as `[{id, value}]` (or by `name`) and replaced whole. */
export interface CustomFieldValue {
  id: number;
  name?: string;
  value: unknown;
}

/*
 * Halo's swagger makes every field but `id` optional and real tenants hold rows without them
 * (issue 13): the records allow a client without `toplevel_id` and a site without `name`, though
 * the seed types still ask for them. Ids Halo writes as "none" are kept as `-1`.
 */

export interface ClientRecord extends Omit<HaloClient, 'toplevel_id'>, DattoIdentity {
  toplevel_id?: number;
  colour?: string;
  website?: string;
  domain?: string;
  customfields?: CustomFieldValue[];
  datecreated: string;
}

export interface SiteRecord extends Omit<HaloSite, 'name'>, DattoIdentity {
  name?: string;
  phonenumber?: string;
  timezone?: string;
  notes?: string;
  customfields?: CustomFieldValue[];
  datecreated: string;
}

export interface UserRecord extends HaloUser {
  title?: string;
  phonenumber?: string;
  mobilenumber?: string;
  azureoid?: string;
  third_party_id?: string;
  notes?: string;
  customfields?: CustomFieldValue[];
  datecreated: string;
}

export interface AssetRecord extends HaloAsset, DattoIdentity {
  labour_warranty_start?: string;
  labour_warranty_end?: string;
  supplier_purchasedate?: string;
  commissiondate?: string;
  ninja_url?: string;
  ninja_remote_url?: string;
  third_party_id?: number;
  customfields?: CustomFieldValue[];
  datecreated: string;
  last_modified: string;
}

export type AssetTypeRecord = HaloAssetType;
export type FieldRecord = HaloField;
/** An asset custom field (`/api/FieldInfo`, usage 5). */
export type CustomFieldDefinitionRecord = HaloCustomFieldDefinition;
export type AssetGroupRecord = HaloAssetGroup;
export type TopLevelRecord = HaloTopLevel;
export type TicketTypeRecord = HaloTicketType;
export type StatusRecord = HaloStatus;
export type OutcomeRecord = HaloOutcome;
export type PriorityRecord = HaloPriority;
export type SlaRecord = HaloSla;
export type TeamRecord = HaloTeam;
export type AgentRecord = HaloAgent;
export type CategoryRecord = HaloCategory;

/** Ticket = Faults (NOTES §4.6). Absent ids are -1 on output. */
export interface TicketRecord {
  id: number;
  summary: string;
  details?: string;
  details_html?: string;
  tickettype_id: number;
  status_id: number;
  priority_id?: number;
  client_id?: number;
  site_id?: number;
  user_id?: number;
  /** Absent: unassigned. */
  agent_id?: number;
  /** The team's name as Halo holds it. */
  team?: string;
  /** Absent: none (rendered -1). */
  sla_id?: number;
  category_1?: string;
  categoryid_1?: number;
  source?: number;
  asset_ids: number[];
  ninja_alert_id?: string;
  ninja_device_id?: number;
  ninja_alert_type?: string;
  third_party_id?: number;
  third_party_id_string?: string;
  customfields?: CustomFieldValue[];
  dateoccurred: string;
  datecreated: string;
  lastactiondate: string;
  dateclosed?: string;
  hasbeenclosed: boolean;
}

/** Action (NOTES §4.6): a note on a ticket, by an agent, that may change the ticket's status. */
export interface ActionRecord {
  id: number;
  ticket_id: number;
  outcome_id: number;
  who_agentid: number;
  note?: string;
  note_html?: string;
  hiddenfromuser: boolean;
  new_status?: number;
  datetime: string;
}

/** Global settings (`/api/Control`); `allowduplicateinv: false` = "Asset Tag must be unique". */
export type ControlRecord = { allowduplicateinv: boolean; [setting: string]: unknown };

/** Every table, in the seed's shape (apps, which hold secrets, are left out). */
export interface HaloState {
  topLevels: TopLevelRecord[];
  clients: ClientRecord[];
  sites: SiteRecord[];
  users: UserRecord[];
  assetGroups: AssetGroupRecord[];
  fields: FieldRecord[];
  customFieldDefinitions: CustomFieldDefinitionRecord[];
  assetTypes: AssetTypeRecord[];
  assets: AssetRecord[];
  ticketTypes: TicketTypeRecord[];
  statuses: StatusRecord[];
  outcomes: OutcomeRecord[];
  priorities: PriorityRecord[];
  slas: SlaRecord[];
  teams: TeamRecord[];
  agents: AgentRecord[];
  categories: CategoryRecord[];
  tickets: TicketRecord[];
  actions: ActionRecord[];
  control: ControlRecord;
}

/** A table name of HaloState (the control API's `{resource}`). */
export type HaloResourceName = Exclude<keyof HaloState, 'control'>;
