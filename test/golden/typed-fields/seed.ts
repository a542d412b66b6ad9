/**
 * Typed fields. Halo (Contoso linked, the Workstation type showing every field):
 *   Support Tier (single selection: Bronze, Silver, Gold, Platinum), Managed Services (multiple
 *   selection: Backup, Antivirus, Patching), Rack Units (number), BYOD (checkbox), Purchase Date
 *   (date), Last Audit (date-time); the asset custom field CFcontractTier (Essentials, Enterprise).
 * NinjaOne: supportTier and contractTier are DROPDOWNs (values are option uuids), managedServices a
 * MULTI_SELECT; supportTier is set on location Head Office (Silver) and on the organisation (Bronze):
 *   CON-PC01  every value converts (its own supportTier: Gold);
 *   CON-PC02  no supportTier of its own: Head Office's (Silver);
 *   CON-PC03  in Warehouse, which has none: the organisation's (Bronze); and values that do not
 *             convert — rackUnits "two", byod "maybe", purchaseDate "15/04/2028" (two readings),
 *             lastAudit 42 (no point in time) — each refused, the device named.
 * Contoso's asset for CON-PC01 already holds Support Tier Gold (id 3): unchanged, not rewritten.
 */

import type { NinjaCustomFieldDefinition } from '../../../src/sandbox/seed.js';
import { agent, FIELD, halo, haloClient, location, ninjaone, org, TYPE, type GoldenCase } from '../kit.js';

const contoso = haloClient(1, 'Contoso Ltd', { ninjarmmid: 1 });
const headOffice = { ...contoso.mainSite, name: 'Head Office', ninjarmmid: 1 };
const warehouse = { id: 11, name: 'Warehouse', client_id: 1, inactive: false, ninjarmmid: 2 };
const uuid = (n: number) => `6f1c2d3e-aaaa-4bbb-8ccc-${String(n).padStart(12, '0')}`;
const option = (n: number, name: string) => ({ id: uuid(n), name, active: true, system: false });

const definitions: NinjaCustomFieldDefinition[] = [
  { name: 'supportTier', label: 'Support tier', type: 'DROPDOWN', apiPermission: 'READ_ONLY', definitionScope: ['NODE', 'LOCATION', 'ORGANIZATION'], content: { values: [option(1, 'Bronze'), option(2, 'Silver'), option(3, 'Gold')] } },
  { name: 'managedServices', label: 'Managed services', type: 'MULTI_SELECT', apiPermission: 'READ_ONLY', content: { values: [option(11, 'Backup'), option(12, 'Antivirus'), option(13, 'Patching')] } },
  { name: 'rackUnits', label: 'Rack units', type: 'NUMERIC', apiPermission: 'READ_ONLY' },
  { name: 'byod', label: 'BYOD', type: 'CHECKBOX', apiPermission: 'READ_ONLY' },
  { name: 'purchaseDate', label: 'Purchase date', type: 'TEXT', apiPermission: 'READ_ONLY' },
  { name: 'lastAudit', label: 'Last audit', type: 'NUMERIC', apiPermission: 'READ_ONLY' },
  { name: 'contractTier', label: 'Contract tier', type: 'DROPDOWN', apiPermission: 'READ_ONLY', definitionScope: ['ORGANIZATION'], content: { values: [option(21, 'Essentials'), option(22, 'Enterprise')] } },
];

const FIELDS = { tier: 107, services: 108, rack: 109, byod: 110, purchase: 106, audit: 111 } as const;

export default {
  title: 'each field type converted (dropdowns by label, inherited and organisation fields), each value that does not convert refused with its device named',
  seed: {
    ninjaone: ninjaone({
      organizations: [org(1, 'Contoso Ltd')],
      locations: [location(1, 1, 'Head Office'), location(2, 1, 'Warehouse')],
      devices: [agent({ id: 11, at: [1, 1], name: 'CON-PC01' }), agent({ id: 12, at: [1, 1], name: 'CON-PC02' }), agent({ id: 13, at: [1, 2], name: 'CON-PC03' })],
      customFieldDefinitions: definitions,
      customFields: {
        11: { supportTier: uuid(3), managedServices: [uuid(13), uuid(11)], rackUnits: 2, byod: true, purchaseDate: '2024-03-15', lastAudit: 1788220800 },
        12: { managedServices: `${uuid(12)},${uuid(11)}`, byod: false },
        13: { rackUnits: 'two', byod: 'maybe', purchaseDate: '15/04/2028', lastAudit: 42 },
      },
      locationCustomFields: { 1: { supportTier: uuid(2) } },
      organizationCustomFields: { 1: { supportTier: uuid(1), contractTier: uuid(22) } },
    }),
    halo: halo({
      clients: [contoso.client],
      sites: [headOffice, warehouse],
      users: [contoso.generalUser],
      fields: [
        ...halo().fields,
        { id: FIELDS.purchase, name: 'Purchase Date', type: 1 },
        { id: FIELDS.tier, name: 'Support Tier', type: 3, lookup: 1, values: [{ id: 1, name: 'Bronze' }, { id: 2, name: 'Silver' }, { id: 3, name: 'Gold' }, { id: 4, name: 'Platinum' }] },
        { id: FIELDS.services, name: 'Managed Services', type: 4, lookup: 2, values: [{ id: 11, name: 'Backup' }, { id: 12, name: 'Antivirus' }, { id: 13, name: 'Patching' }] },
        { id: FIELDS.rack, name: 'Rack Units', type: 2 },
        { id: FIELDS.byod, name: 'BYOD', type: 6 },
        { id: FIELDS.audit, name: 'Last Audit', type: 5 },
      ],
      customFieldDefinitions: [{ id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 3, values: [{ id: 21, name: 'Essentials' }, { id: 22, name: 'Enterprise' }] }],
      assetTypes: [{ id: TYPE.workstation, name: 'Workstation', assetgroup_id: 1, field_ids: [FIELD.serial, FIELDS.purchase, FIELDS.tier, FIELDS.services, FIELDS.rack, FIELDS.byod, FIELDS.audit] }],
      assets: [
        {
          id: 1,
          inventory_number: 'CON-PC01',
          client_id: 1,
          site_id: headOffice.id,
          assettype_id: TYPE.workstation,
          inactive: false,
          ninjarmm_id: 11,
          fields: [{ id: FIELDS.tier, value: 3 }],
          user_ids: [],
        },
      ],
    }),
  },
  exitCode: 2,
} satisfies GoldenCase;
