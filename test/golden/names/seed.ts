/**
 * Contoso Ltd (linked), with devices that name themselves differently:
 *   www.contoso.com   a cloud monitor (CloudMonitorHTTP): only a systemName;
 *   ups01.contoso…    an unmanaged device: only a dnsName, no lastContact or lastUpdate;
 *   (nothing)         an unmanaged device with no name at all: "NinjaOne device 13";
 *   CON-PC01          a workstation with its displayName.
 */

import type { NinjaDevice } from '../../../src/sandbox/seed.js';
import { agent, halo, haloClient, location, ninjaone, org, T0, type GoldenCase } from '../kit.js';

const contoso = haloClient(1, 'Contoso Ltd', { ninjarmmid: 1 });
const site = { ...contoso.mainSite, name: 'Head Office', ninjarmmid: 1 };

function bare(id: number, nodeClass: string, deviceType: string, names: Partial<Pick<NinjaDevice, 'systemName' | 'dnsName'>>, extra: Record<string, unknown> = {}): NinjaDevice {
  return { id, organizationId: 1, locationId: 1, nodeClass, nodeRoleId: 40, rolePolicyId: 80, approvalStatus: 'APPROVED', offline: false, created: T0 - 50 * 86400, deviceType, ...names, ...extra };
}

export default {
  title: 'a device without a displayName gets its systemName or dnsName as its tag, and a device with no name "NinjaOne device <id>"',
  seed: {
    ninjaone: ninjaone({
      organizations: [org(1, 'Contoso Ltd')],
      locations: [location(1, 1, 'Head Office')],
      devices: [
        bare(11, 'CLOUD_MONITOR_TARGET', 'CloudMonitorHTTP', { systemName: 'www.contoso.com' }, { lastContact: T0 - 60, enabled: true, interval: 300, timeout: 30, target: 'https://www.contoso.com' }),
        bare(12, 'UNMANAGED_DEVICE', 'UnmanagedDevice', { dnsName: 'ups01.contoso.local' }),
        bare(13, 'UNMANAGED_DEVICE', 'UnmanagedDevice', {}),
        agent({ id: 14, at: [1, 1], name: 'CON-PC01', serial: '5CG3021ABC' }),
      ],
    }),
    halo: halo({
      clients: [contoso.client],
      sites: [site],
      users: [contoso.generalUser],
      assetTypes: [...halo().assetTypes, { id: 3, name: 'Network Device', assetgroup_id: 1, field_ids: [101] }],
    }),
  },
  exitCode: 2,
} satisfies GoldenCase;
