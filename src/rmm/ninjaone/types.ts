/**
 * NinjaOne as haloform reads it (`Live` data): the fields haloform uses, validated at the
 * boundary by the client. Devices keep their whole record, since field mappings may reach
 * anywhere into it (`system.serialNumber`, `os.name`, `ipAddresses[0]`). What NinjaOne left out
 * of a row is absent here, and reported in the snapshot's problems; a row is never a failed read.
 */

import type { ReadProblem } from '../../http/rows.js';

export interface NinjaOrganization {
  id: number;
  /** "" when NinjaOne sent none. */
  name: string;
}

export interface NinjaLocation {
  id: number;
  organizationId: number;
  name: string;
}

/** A device from `/v2/devices-detailed`: the record as NinjaOne sent it, with the ids checked. */
export interface NinjaDevice {
  id: number;
  /** Undefined when NinjaOne did not say: the device cannot be placed, but it still exists (it is never deactivated for it). */
  organizationId?: number;
  locationId?: number;
  /** Undefined when NinjaOne did not say; an unknown class is kept as sent (enums grow). */
  nodeClass?: string;
  displayName?: string;
  /** The whole record, for field mappings. */
  record: Readonly<Record<string, unknown>>;
}

/** Everything plan needs from NinjaOne, read in one go. */
export interface NinjaSnapshot {
  organizations: NinjaOrganization[];
  locations: NinjaLocation[];
  devices: NinjaDevice[];
  /** Device id → custom field values (only the fields the spec maps). */
  customFields: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Organisation id → its own custom field values (read when a mapping inherits or names organization.customFields). */
  organizationCustomFields: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Location id → its own custom field values. */
  locationCustomFields: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Custom field name → its definition (type, options), for converting values. */
  customFieldDefinitions: ReadonlyMap<string, NinjaCustomFieldDefinition>;
  /** What was wrong with rows NinjaOne sent. */
  problems: ReadProblem[];
}

/** A custom field definition (`/v2/device-custom-fields`, NOTES §4.1). */
export interface NinjaCustomFieldDefinition {
  name: string;
  /** DATE, DATE_TIME, NUMERIC, DECIMAL, CHECKBOX, DROPDOWN, MULTI_SELECT, TEXT, ... (open). */
  type: string;
  /** Option id (uuid) → option name, for DROPDOWN and MULTI_SELECT. */
  options: ReadonlyMap<string, string>;
}

/** An active alert (`/v2/alerts`). */
export interface NinjaAlert {
  uid: string;
  deviceId: number;
  message: string;
  severity: string;
  priority: string;
  sourceType: string;
  sourceConfigUid: string;
  createTime: number;
  record: Readonly<Record<string, unknown>>;
}
