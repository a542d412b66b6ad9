/**
 * Two customers each call their front-desk PC "RECEPTION" in NinjaOne, and the MSP's own
 * client in Halo has a hand-made asset tagged "CON-PC02" — the name of a Contoso device.
 * Halo has "Asset Tag must be unique" on (allowduplicateinv: false).
 */

import { agent, halo, haloAsset, haloClient, location, ninjaone, org, type GoldenCase } from '../kit.js';

const msp = haloClient(1, 'Acme IT Services');

export default {
  title: 'asset tags that would repeat while "Asset Tag must be unique" is on stop the plan, naming both holders',
  seed: {
    ninjaone: ninjaone({
      organizations: [org(1, 'Contoso Ltd'), org(2, 'Fabrikam Inc')],
      locations: [location(1, 1, 'Head Office'), location(3, 2, 'Head Office')],
      devices: [
        agent({ id: 11, at: [1, 1], name: 'RECEPTION', serial: '5CG3021ABC' }),
        agent({ id: 12, at: [1, 1], name: 'CON-PC02', serial: '5CG3021ABD' }),
        agent({ id: 21, at: [2, 3], name: 'RECEPTION', serial: '5CG3021FAB' }),
        agent({ id: 22, at: [2, 3], name: 'FAB-PC02', serial: '5CG3021FAC' }),
      ],
    }),
    halo: halo({
      clients: [msp.client],
      sites: [msp.mainSite],
      users: [msp.generalUser],
      assets: [haloAsset({ id: 1, tag: 'CON-PC02', client: 1, site: msp.mainSite.id, serial: '5CG8888LNR', notes: 'Loan laptop' })],
      control: { allowduplicateinv: false },
    }),
  },
  exitCode: 1,
} satisfies GoldenCase;
