/**
 * Contoso Ltd (already linked in Halo), as a real tenant reports its machines:
 *   CON-VM01   VMware VM: serialNumber "None", BIOS serial "VMware-56 4d …" — a hand-made Halo
 *              asset holds that BIOS serial: adopted by it;
 *   CON-VM02   Hyper-V VM: serialNumber "None", BIOS serial "0000-0017-…" — a new asset with it;
 *   ESX01      VMware host (VMHost): no system block, serviceTag "CZ2130ESX1";
 *   HV01       Hyper-V host (VMHost): serviceTag "CZ2130HV01";
 *   CON-PC07   serialNumber "To Be Filled By O.E.M.", BIOS serial "Default string": no usable serial.
 * No Halo field may end up holding "None" or another placeholder.
 */

import type { NinjaDevice } from '../../../src/sandbox/seed.js';
import { agent, halo, haloAsset, haloClient, location, ninjaone, org, T0, TYPE, type GoldenCase } from '../kit.js';

const contoso = haloClient(1, 'Contoso Ltd', { ninjarmmid: 1 });
const site = { ...contoso.mainSite, name: 'Head Office', ninjarmmid: 1 };
const at: [number, number] = [1, 1];
const VMWARE = 'VMware-56 4d 2b 1c 9e 0a 77 31-4f 8b 19 d2 6c 0e a5 13';
const HYPERV = '0000-0017-0483-5294-3486-8702-03';

function vm(id: number, name: string, bios: string, vendor: 'VMware' | 'Hyper-V'): NinjaDevice {
  const base = agent({ id, at, name, nodeClass: 'WINDOWS_SERVER' });
  return {
    ...base,
    system: {
      ...(base.system as Record<string, unknown>),
      manufacturer: vendor === 'VMware' ? 'VMware, Inc.' : 'Microsoft Corporation',
      model: vendor === 'VMware' ? 'VMware Virtual Platform' : 'Virtual Machine',
      serialNumber: 'None',
      biosSerialNumber: bios,
      virtualMachine: true,
    },
  };
}

function host(id: number, name: string, nodeClass: string, serviceTag: string): NinjaDevice {
  return {
    id,
    organizationId: 1,
    locationId: 1,
    nodeClass,
    nodeRoleId: 30,
    rolePolicyId: 70,
    approvalStatus: 'APPROVED',
    offline: false,
    displayName: name,
    systemName: name,
    created: T0 - 300 * 86400,
    lastContact: T0 - 600,
    deviceType: 'VMHost',
    model: 'ProLiant DL380 Gen10',
    vendor: 'HPE',
    serviceTag,
  };
}

const blank = agent({ id: 15, at, name: 'CON-PC07', serial: 'To Be Filled By O.E.M.' });
(blank.system as Record<string, unknown>).biosSerialNumber = 'Default string';

export default {
  title: 'VMs are matched and written by their BIOS serial, hosts by their service tag; no placeholder reaches Halo',
  seed: {
    ninjaone: ninjaone({
      organizations: [org(1, 'Contoso Ltd')],
      locations: [location(1, 1, 'Head Office')],
      devices: [vm(11, 'CON-VM01', VMWARE, 'VMware'), vm(12, 'CON-VM02', HYPERV, 'Hyper-V'), host(13, 'ESX01', 'VMWARE_VM_HOST', 'CZ2130ESX1'), host(14, 'HV01', 'HYPERV_VMM_HOST', 'CZ2130HV01'), blank],
    }),
    halo: halo({
      clients: [contoso.client],
      sites: [site],
      users: [contoso.generalUser],
      assets: [haloAsset({ id: 1, tag: 'VM-FILESERVER', client: 1, site: site.id, serial: VMWARE, type: TYPE.server })],
    }),
  },
  exitCode: 2,
} satisfies GoldenCase;
