/**
 * Contoso Ltd (already linked in Halo) with nine devices, and a Halo asset holding each of their
 * serials:
 *   CON-PC01  "To Be Filled By O.E.M."          placeholder          — Halo asset SPARE-01
 *   CON-PC02  "Default string"                  placeholder          — Halo asset SPARE-02
 *   CON-VM01, CON-VM02  one VMware serial       cloned from a template — Halo asset VM-TEMPLATE
 *   CON-BL01, CON-BL02  "CHS4X92"               blades in one chassis — Halo asset CHASSIS-01
 *   CON-PC03  "Chassis Serial Number"           in assets.ignoreSerials — Halo asset OLD-PC
 *   CON-PC04  "5CG3021ABC"                      good                 — Halo asset CON-0001 (adopted)
 *   CON-PC05  "5CG3021XYZ"                      good, but typed in twice in Halo (CON-0002, CON-0003)
 */

import { agent, halo, haloAsset, haloClient, location, ninjaone, org, TYPE, type GoldenCase } from '../kit.js';

const VMWARE = 'VMware-42 1a 9a 0b cd 6e 22 4e-28 aa be 6f c4 42 70 28';
const contoso = haloClient(1, 'Contoso Ltd', { ninjarmmid: 1 });
const site = { ...contoso.mainSite, name: 'Head Office', ninjarmmid: 1 };
const at: [number, number] = [1, 1];
const vm = { nodeClass: 'WINDOWS_SERVER', manufacturer: 'VMware, Inc.', model: 'VMware7,1' } as const;
const blade = { nodeClass: 'WINDOWS_SERVER', manufacturer: 'Dell Inc.', model: 'PowerEdge M640' } as const;
const spare = (id: number, tag: string, serial: string, type: number = TYPE.workstation) => haloAsset({ id, tag, client: 1, site: site.id, serial, type });

export default {
  title: 'placeholder, cloned and shared serials never adopt a hand-made asset; each is named in a warning',
  seed: {
    ninjaone: ninjaone({
      organizations: [org(1, 'Contoso Ltd')],
      locations: [location(1, 1, 'Head Office')],
      devices: [
        agent({ id: 11, at, name: 'CON-PC01', serial: 'To Be Filled By O.E.M.' }),
        agent({ id: 12, at, name: 'CON-PC02', serial: 'Default string' }),
        agent({ id: 13, at, name: 'CON-VM01', serial: VMWARE, ...vm }),
        agent({ id: 14, at, name: 'CON-VM02', serial: VMWARE, ...vm }),
        agent({ id: 15, at, name: 'CON-BL01', serial: 'CHS4X92', ...blade }),
        agent({ id: 16, at, name: 'CON-BL02', serial: 'CHS4X92', ...blade }),
        agent({ id: 17, at, name: 'CON-PC03', serial: 'Chassis Serial Number' }),
        agent({ id: 18, at, name: 'CON-PC04', serial: '5CG3021ABC' }),
        agent({ id: 19, at, name: 'CON-PC05', serial: '5CG3021XYZ' }),
      ],
    }),
    halo: halo({
      clients: [contoso.client],
      sites: [site],
      users: [contoso.generalUser],
      assets: [
        spare(1, 'SPARE-01', 'To Be Filled By O.E.M.'),
        spare(2, 'SPARE-02', 'Default string'),
        spare(3, 'VM-TEMPLATE', VMWARE, TYPE.server),
        spare(4, 'CHASSIS-01', 'CHS4X92', TYPE.server),
        spare(5, 'OLD-PC', 'Chassis Serial Number'),
        spare(6, 'CON-0001', '5CG3021ABC'),
        spare(7, 'CON-0002', '5CG3021XYZ'),
        spare(8, 'CON-0003', '5cg3021xyz'),
      ],
    }),
  },
  exitCode: 2,
} satisfies GoldenCase;
