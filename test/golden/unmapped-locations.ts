/**
 * The seed shared by the unmapped-locations-<policy> cases: Contoso Ltd has three locations in
 * NinjaOne, one device in each; Halo has the client Contoso (linked) with its main site Main and
 * the site HQ. The spec maps Head Office to HQ; Warehouse and Remote Workers are unmapped, and
 * each case's spec sets customers.unmappedLocations to another policy.
 */

import { agent, halo, haloClient, location, ninjaone, org, type GoldenCase } from './kit.js';

export function unmappedLocationsCase(title: string, exitCode: GoldenCase['exitCode']): GoldenCase {
  const contoso = haloClient(1, 'Contoso', { ninjarmmid: 1 });
  return {
    title,
    seed: {
      ninjaone: ninjaone({
        organizations: [org(1, 'Contoso Ltd')],
        locations: [location(1, 1, 'Head Office'), location(2, 1, 'Warehouse'), location(3, 1, 'Remote Workers')],
        devices: [
          agent({ id: 11, at: [1, 1], name: 'CON-PC01', serial: '5CG3021ABC' }),
          agent({ id: 12, at: [1, 2], name: 'CON-WH-PC01', serial: '5CG3021ABD' }),
          agent({ id: 13, at: [1, 3], name: 'CON-LT01', serial: '5CG3021ABE' }),
        ],
      }),
      halo: halo({
        clients: [contoso.client],
        sites: [contoso.mainSite, { id: 11, name: 'HQ', client_id: 1, inactive: false }],
        users: [contoso.generalUser],
      }),
    },
    exitCode,
  };
}
