/**
 * What a plan reads of an RMM (`Live` data), the same for every RMM: organisations, their
 * locations, devices with the record their fields are mapped from, custom fields and their
 * definitions, and what was wrong with the rows sent. What an RMM left out of a row is absent
 * here and reported in `problems`; a row is never a failed read. NinjaOne's reads fill it
 * (src/rmm/ninjaone/client.ts).
 */

import type { ReadProblem } from '../http/rows.js';
import type { RmmProvider } from './provider.js';

/** An id as the RMM gives it: NinjaOne's are integers, Datto RMM's uids are text. */
export type RmmId = number | string;

export interface RmmOrganization {
  id: RmmId;
  /** "" when the RMM sent none. */
  name: string;
}

export interface RmmLocation {
  id: RmmId;
  organizationId: RmmId;
  name: string;
}

/** A device: the record as the RMM sent it (NinjaOne: `/v2/devices-detailed`), with the ids checked. */
export interface RmmDevice {
  id: RmmId;
  /** Undefined when the RMM did not say: the device cannot be placed, but it still exists (it is never deactivated for it). */
  organizationId?: RmmId;
  locationId?: RmmId;
  /** Undefined when the RMM did not say; an unknown class is kept as sent (enums grow). */
  nodeClass?: string;
  displayName?: string;
  /** The whole record, for field mappings. */
  record: Readonly<Record<string, unknown>>;
}

/** Everything plan needs from the RMM, read in one go. */
export interface RmmSnapshot {
  /** The RMM it was read from. */
  provider: RmmProvider;
  /** The RMM's web address, that device links start with (`{url}` in assets.links). */
  webUrl: string;
  organizations: RmmOrganization[];
  locations: RmmLocation[];
  devices: RmmDevice[];
  /** Device id → custom field values (only the fields the spec maps). */
  customFields: ReadonlyMap<RmmId, Readonly<Record<string, unknown>>>;
  /** Organisation id → its own custom field values (read when a mapping inherits or names organization.customFields). */
  organizationCustomFields: ReadonlyMap<RmmId, Readonly<Record<string, unknown>>>;
  /** Location id → its own custom field values. */
  locationCustomFields: ReadonlyMap<RmmId, Readonly<Record<string, unknown>>>;
  /** Custom field name → its definition (type, options), for converting values. */
  customFieldDefinitions: ReadonlyMap<string, RmmCustomFieldDefinition>;
  /** What was wrong with rows the RMM sent. */
  problems: ReadProblem[];
}

/** What a custom field's values are, in Halo's field types' terms. */
export type RmmFieldKind = 'text' | 'memo' | 'number' | 'date' | 'datetime' | 'boolean' | 'select' | 'multiselect';

/** A custom field definition (NinjaOne: `/v2/device-custom-fields`, reference/ninjaone/NOTES.md §4.1). */
export interface RmmCustomFieldDefinition {
  name: string;
  /** The RMM's own type name, for messages (NinjaOne: DATE, DROPDOWN, ...; open). */
  type: string;
  /** What the values are, when the provider knows the type (a Halo field haloform creates for it is of this type); undefined is text. */
  kind?: RmmFieldKind;
  /** Option id → option name, for select and multiselect fields. */
  options: ReadonlyMap<string, string>;
}
