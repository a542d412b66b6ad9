/**
 * The seed shared by the missing-field cases: Contoso Ltd (already linked in Halo) with a
 * workstation and two servers, and a Halo whose Server asset type lacks the Operating System
 * field the spec maps. One case lets haloform add the field to every type
 * (addMissingFieldsToTypes: true), the other does not.
 */

import { agent, FIELD, halo, haloClient, location, ninjaone, org, TYPE, type GoldenCase } from './kit.js';

export function missingFieldCase(title: string, exitCode: GoldenCase['exitCode']): GoldenCase {
  const contoso = haloClient(1, 'Contoso Ltd', { ninjarmmid: 1 });
  return {
    title,
    seed: {
      ninjaone: ninjaone({
        organizations: [org(1, 'Contoso Ltd')],
        locations: [location(1, 1, 'Head Office')],
        devices: [
          agent({ id: 11, at: [1, 1], name: 'CON-PC01', serial: '5CG3021ABC' }),
          agent({ id: 14, at: [1, 1], name: 'CON-SRV01', serial: 'CZ2130XYZ1', nodeClass: 'WINDOWS_SERVER' }),
          agent({ id: 15, at: [1, 1], name: 'CON-SRV02', serial: 'CZ2130XYZ2', nodeClass: 'WINDOWS_SERVER', os: 'Windows Server 2019 Standard' }),
        ],
      }),
      halo: halo({
        clients: [contoso.client],
        sites: [{ ...contoso.mainSite, name: 'Head Office', ninjarmmid: 1 }],
        users: [contoso.generalUser],
        assetTypes: [
          { id: TYPE.workstation, name: 'Workstation', assetgroup_id: 1, field_ids: [FIELD.serial, FIELD.model, FIELD.os], keyfield_id: FIELD.serial },
          { id: TYPE.server, name: 'Server', assetgroup_id: 1, field_ids: [FIELD.serial, FIELD.model], keyfield_id: FIELD.serial },
        ],
      }),
    },
    exitCode,
  };
}
