/**
 * What a plan reads of an RMM (`Live` data), the same for every RMM: organisations, their
 * locations, devices with the record their fields are mapped from, custom fields and their
 * definitions, and what was wrong with the rows sent. What an RMM left out of a row is absent
 * here and reported in `problems`; a row is never a failed read. NinjaOne's reads fill it
 * (src/rmm/ninjaone/client.ts).
 */

import type { ReadProblem } from '../http/rows.js';

export interface RmmOrganization {
  id: number;
  /** "" when the RMM sent none. */
  name: string;
}

export interface RmmLocation {
  id: number;
  organizationId: number;
  name: string;
}

/** A device: the record as the RMM sent it (NinjaOne: `/v2/devices-detailed`), with the ids checked. */
export interface RmmDevice {
  id: number;
  /** Undefined when the RMM did not say: the device cannot be placed, but it still exists (it is never deactivated for it). */
  organizationId?: number;
  locationId?: number;
  /** Undefined when the RMM did not say; an unknown class is kept as sent (enums grow). */
  nodeClass?: string;
  displayName?: string;
  /** The whole record, for field mappings. */
  record: Readonly<Record<string, unknown>>;
}

/** Everything plan needs from the RMM, read in one go. */
export interface RmmSnapshot {
  organizations: RmmOrganization[];
  locations: RmmLocation[];
  devices: RmmDevice[];
  /** Device id → custom field values (only the fields the spec maps). */
  customFields: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Organisation id → its own custom field values (read when a mapping inherits or names organization.customFields). */
  organizationCustomFields: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Location id → its own custom field values. */
  locationCustomFields: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Custom field name → its definition (type, options), for converting values. */
  customFieldDefinitions: ReadonlyMap<string, RmmCustomFieldDefinition>;
  /** What was wrong with rows the RMM sent. */
  problems: ReadProblem[];
}

/** A custom field definition (NinjaOne: `/v2/device-custom-fields`, reference/ninjaone/NOTES.md §4.1). */
export interface RmmCustomFieldDefinition {
  name: string;
  /** The RMM's type name (NinjaOne: DATE, DATE_TIME, NUMERIC, DECIMAL, CHECKBOX, DROPDOWN, MULTI_SELECT, TEXT, ...; open). */
  type: string;
  /** Option id (uuid) → option name, for DROPDOWN and MULTI_SELECT. */
  options: ReadonlyMap<string, string>;
}
