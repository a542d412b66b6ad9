/**
 * NinjaOne as haloform reads it (`Live` data): the fields haloform uses, validated at the
 * boundary by the client. Devices keep their whole record, since field mappings may reach
 * anywhere into it (`system.serialNumber`, `os.name`, `ipAddresses[0]`). What NinjaOne left out
 * of a row is absent here, and reported in the snapshot's problems; a row is never a failed read.
 */

import type { RmmCustomFieldDefinition, RmmDevice, RmmLocation, RmmOrganization, RmmSnapshot } from '../snapshot.js';

/** NinjaOne's rows are the generic ones (src/rmm/snapshot.ts) with integer ids, under NinjaOne's names. */
export type NinjaOrganization = RmmOrganization & { id: number };
export type NinjaLocation = RmmLocation & { id: number; organizationId: number };
export type NinjaDevice = RmmDevice & { id: number; organizationId?: number; locationId?: number };
export type NinjaSnapshot = RmmSnapshot & { organizations: NinjaOrganization[]; locations: NinjaLocation[]; devices: NinjaDevice[] };
export type NinjaCustomFieldDefinition = RmmCustomFieldDefinition;

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
