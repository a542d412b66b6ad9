/** Small NinjaOne and Halo snapshots built by hand, for unit tests of the pure model. */

import type { HaloAsset, HaloField, HaloFieldOption, HaloFieldType, HaloSnapshot } from '../../src/halo/types.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';
import type { NinjaDevice, NinjaSnapshot } from '../../src/rmm/ninjaone/types.js';

/** A NinjaOne snapshot; its links start with the address test/helpers/spec.ts BASE gives (`instance: eu`). */
export function ninjaSnapshot(parts: Partial<NinjaSnapshot> = {}): NinjaSnapshot {
  return {
    provider: NINJAONE,
    webUrl: 'https://eu.ninjarmm.com',
    organizations: [],
    locations: [],
    devices: [],
    customFields: new Map(),
    organizationCustomFields: new Map(),
    locationCustomFields: new Map(),
    customFieldDefinitions: new Map(),
    problems: [],
    ...parts,
  };
}

export function haloSnapshot(parts: Partial<HaloSnapshot> = {}): HaloSnapshot {
  return {
    topLevels: [{ id: 1, name: 'Managed Clients' }],
    clients: [],
    sites: [],
    users: [],
    assetGroups: [{ id: 1, name: 'Hardware' }],
    fields: [
      { id: 101, name: 'Serial Number', type: 'text', typeKnown: true, options: [] },
      { id: 102, name: 'Model', type: 'text', typeKnown: true, options: [] },
    ],
    assetTypes: [{ id: 1, name: 'Workstation', assetGroupId: 1, fieldIds: [101, 102] }],
    assets: [],
    ticketTypes: [{ id: 21, name: 'Alert' }],
    settings: { assetTagMustBeUnique: false },
    customFields: [],
    problems: [],
    ...parts,
  };
}

let nextDevice = 1000;

/** A Windows workstation with a serial, in organisation 1 location 1 unless told otherwise. */
export function device(parts: { id?: number; org?: number; loc?: number; name?: string; serial?: string; nodeClass?: string; extra?: Record<string, unknown> } = {}): NinjaDevice {
  const id = parts.id ?? nextDevice++;
  const record: Record<string, unknown> = {
    id,
    organizationId: parts.org ?? 1,
    locationId: parts.loc ?? 1,
    nodeClass: parts.nodeClass ?? 'WINDOWS_WORKSTATION',
    deviceType: 'AgentDevice',
    displayName: parts.name ?? `PC-${id}`,
    system: { serialNumber: parts.serial ?? `SN${id}X`, model: 'Latitude 5440' },
    ...parts.extra,
  };
  return { id, organizationId: record.organizationId as number, locationId: record.locationId as number, nodeClass: record.nodeClass as string, displayName: record.displayName as string, record };
}

export function asset(parts: Partial<HaloAsset> & { id: number; serial?: string }): HaloAsset {
  const { serial, ...rest } = parts;
  return {
    clientId: 1,
    siteId: 1,
    assetTypeId: 1,
    inactive: false,
    fields: new Map(serial !== undefined ? [[101, serial]] : []),
    customFields: new Map(),
    userIds: [],
    properties: {},
    ...rest,
  };
}

/** An asset field whose type Halo states (text unless told otherwise). */
export function field(id: number, name: string, type: HaloFieldType = 'text', options: HaloFieldOption[] = []): HaloField {
  return { id, name, type, typeKnown: true, options };
}
