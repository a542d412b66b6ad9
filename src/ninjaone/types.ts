/**
 * NinjaOne as haloform reads it (`Live` data): the fields haloform uses, validated at the
 * boundary by the client. Devices keep their whole record, since field mappings may reach
 * anywhere into it (`system.serialNumber`, `os.name`, `ipAddresses[0]`).
 */

export interface NinjaOrganization {
  id: number;
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
  organizationId: number;
  locationId: number;
  nodeClass: string;
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
  /** Custom field name → its NinjaOne type (DATE, TEXT, ...), for formatting values. */
  customFieldTypes: ReadonlyMap<string, string>;
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
