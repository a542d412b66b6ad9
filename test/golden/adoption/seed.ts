/**
 * The standard tenant (kit.ts), and a Halo where the MSP typed in its customers by hand:
 *   - "CONTOSO LTD" with the sites Main and "head office", and two of its users;
 *   - "Fabrikam" (the spec maps Fabrikam Inc to it, and its Head Office to the site Main), where
 *     an old directory sync left two users with the login of FAB-PC01's user;
 *   - assets entered from purchase orders before the agent was deployed, with serials but no
 *     NinjaOne ids — one with its serial in lower case, one with a serial no device reports;
 *   - a "Network Device" asset type.
 */

import { FIELD, halo, haloAsset, haloClient, tenant, TYPE, type GoldenCase } from '../kit.js';

const contoso = haloClient(1, 'CONTOSO LTD');
const fabrikam = haloClient(2, 'Fabrikam');
const headOffice = { id: 11, name: 'head office', client_id: 1, inactive: false };

export default {
  title: 'hand-made Halo clients, sites and assets are adopted by name and by serial',
  seed: {
    ninjaone: tenant(),
    halo: halo({
      clients: [contoso.client, fabrikam.client],
      sites: [contoso.mainSite, headOffice, fabrikam.mainSite],
      users: [
        contoso.generalUser,
        fabrikam.generalUser,
        { id: 501, name: 'John Smith', firstname: 'John', surname: 'Smith', login: 'jsmith', emailaddress: 'jsmith@contoso.com', site_id: headOffice.id, inactive: false },
        { id: 502, name: 'Joe Bloggs', firstname: 'Joe', surname: 'Bloggs', emailaddress: 'jbloggs@contoso.com', site_id: headOffice.id, inactive: false },
        { id: 601, name: 'Mei Lee', login: 'mlee', emailaddress: 'mei.lee@fabrikam.com', site_id: fabrikam.mainSite.id, inactive: false },
        { id: 602, name: 'Mei Lee (old)', login: 'FABRIKAM\\mlee', site_id: fabrikam.mainSite.id, inactive: false },
      ],
      assetTypes: [...halo().assetTypes, { id: 3, name: 'Network Device', assetgroup_id: 1, field_ids: [FIELD.serial, FIELD.model] }],
      assets: [
        haloAsset({ id: 1, tag: 'CON-0001', client: 1, site: headOffice.id, serial: '5CG3021ABC', notes: 'Bought 2024-03, PO 1187' }),
        haloAsset({ id: 2, tag: 'Server room host', client: 1, site: contoso.mainSite.id, serial: 'CZ2130XYZ1', type: TYPE.server }),
        haloAsset({ id: 3, tag: 'FAB-MAC01', client: 2, site: fabrikam.mainSite.id, serial: 'c02xk1abq6l4' }),
        haloAsset({ id: 4, tag: 'Loan laptop', client: 1, site: contoso.mainSite.id, serial: '5CG9999ZZZ' }),
      ],
    }),
  },
  exitCode: 2,
} satisfies GoldenCase;
