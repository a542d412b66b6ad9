/**
 * What real tenants send (issue 13), through the pure model: serial sources, name fallbacks,
 * links, typed fields, inherited and organisation custom fields, and incomplete Halo rows.
 */

import { describe, expect, it } from 'vitest';
import type { Spec } from '../../src/config/spec.js';
import type { HaloSnapshot } from '../../src/halo/types.js';
import { desiredState } from '../../src/model/desired-state.js';
import type { NinjaSnapshot } from '../../src/rmm/ninjaone/types.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { attributes, type Change, type Plan } from '../../src/plan/plan.js';
import { asset, device, field, haloSnapshot, ninjaSnapshot } from '../helpers/builders.js';
import { BASE, load } from '../helpers/spec.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';

function spec(yaml: string): Spec {
  const loaded = load(`${BASE}${yaml}`);
  if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => d.detail).join('\n'));
  return loaded.spec;
}

function plan(s: Spec, ninja: NinjaSnapshot, halo: HaloSnapshot): Plan {
  return makePlan(desiredState(s, ninja, halo), halo, {
    specHash: 'sha256:test',
    createdAt: '2026-11-27T00:00:00.000Z',
    rmm: NINJAONE,
    targets: { ninjaone: 'n', halo: 'h' },
    read: { organizations: 0, locations: 0, devices: 0, haloClients: 0, haloAssets: 0 },
  });
}

function change(p: Plan, address: string): Change {
  const hit = p.changes.find((c) => c.address === address);
  if (!hit) throw new Error(`no change ${address} in ${p.changes.map((c) => c.address).join(', ')}`);
  return hit;
}

const contoso = { organizations: [{ id: 1, name: 'Contoso Ltd' }], locations: [{ id: 1, organizationId: 1, name: 'Head Office' }] };
const linked = {
  clients: [{ id: 1, name: 'Contoso Ltd', inactive: false, rmmId: 1 }],
  sites: [{ id: 1, name: 'Head Office', clientId: 1, inactive: false, rmmId: 1 }],
};
const noLinks = '  links: { deviceUrl: false, remoteUrl: false }\n';

describe('serials from where the device keeps them', () => {
  const yaml = `assetTypes:\n  map: { WINDOWS_SERVER: Workstation, VMWARE_VM_HOST: Workstation, WINDOWS_WORKSTATION: Workstation }\nassets:\n${noLinks}  fields:\n    - { to: Serial Number, from: system.serialNumber }\n`;
  const vm = device({ id: 5, name: 'CON-VM01', nodeClass: 'WINDOWS_SERVER', extra: { system: { serialNumber: 'None', biosSerialNumber: 'VMware-56 4d 2b 1c 9e 0a 77 31-4f 8b 19 d2 6c 0e a5 13', virtualMachine: true } } });
  const host = device({ id: 6, name: 'ESX01', nodeClass: 'VMWARE_VM_HOST', extra: { deviceType: 'VMHost', system: undefined, serviceTag: 'CZ2130ESX1' } });
  const blank = device({ id: 7, name: 'CON-PC07', extra: { system: { serialNumber: 'To Be Filled By O.E.M.', biosSerialNumber: 'Default string' } } });

  it("matches a VM by its BIOS serial and writes that, never \"None\"", () => {
    const halo = haloSnapshot({ ...linked, assets: [asset({ id: 9, inventoryNumber: 'VM-01', serial: 'VMware-56 4d 2b 1c 9e 0a 77 31-4f 8b 19 d2 6c 0e a5 13' })] });

    const result = plan(spec(yaml), ninjaSnapshot({ ...contoso, devices: [vm, host, blank] }), halo);

    expect(change(result, 'asset["ninja:5"]')).toMatchObject({ action: 'adopt', haloId: 9, reason: 'matched by serial VMware-56 4d 2b 1c 9e 0a 77 31-4f 8b 19 d2 6c 0e a5 13' });
    expect(change(result, 'asset["ninja:6"]').after).toMatchObject({ fields: { 'Serial Number': 'CZ2130ESX1' } });
    expect(change(result, 'asset["ninja:7"]').after).not.toHaveProperty('fields');
    expect(JSON.stringify(result.changes)).not.toMatch(/"None"|O\.E\.M|Default string/);
  });

  it('says which devices have no usable serial', () => {
    const result = plan(spec(yaml), ninjaSnapshot({ ...contoso, devices: [vm, blank] }), haloSnapshot(linked));

    const w = result.warnings.find((x) => x.summary === 'Devices without a usable serial')!;
    expect(w.detail).toBe(
      '1 device reports only placeholder serials in system.serialNumber, system.biosSerialNumber, serviceTag, system.serviceTag, so it cannot be matched by serial and no serial is written for it: "CON-PC07" (ninja:7, "To Be Filled By O.E.M.", "Default string"). If a real serial is elsewhere on the device, add its path to assets.serial.from.',
    );
  });

  it('never writes a placeholder into the serial field, whatever path maps it', () => {
    const odd = device({ id: 8, extra: { system: { assetSerialNumber: 'N/A' } } });
    const result = plan(spec(`assets:\n${noLinks}  fields:\n    - { to: Serial Number, from: system.assetSerialNumber }\n`), ninjaSnapshot({ ...contoso, devices: [odd] }), haloSnapshot(linked));

    expect(change(result, 'asset["ninja:8"]').after).not.toHaveProperty('fields');
  });
});

describe('names', () => {
  const yaml = `assetTypes:\n  map: { CLOUD_MONITOR_TARGET: Workstation, UNMANAGED_DEVICE: Workstation }\nassets:\n${noLinks}  fields:\n    - { to: inventory_number, from: displayName }\n`;

  it('a cloud monitor with only a systemName gets it as its tag; a device with no name gets "NinjaOne device <id>"', () => {
    const monitor = device({ id: 5, nodeClass: 'CLOUD_MONITOR_TARGET', extra: { displayName: undefined, systemName: 'www.contoso.com', system: undefined, deviceType: 'CloudMonitorHTTP' } });
    const nameless = device({ id: 6, nodeClass: 'UNMANAGED_DEVICE', extra: { displayName: undefined, system: undefined, deviceType: 'UnmanagedDevice' } });

    const result = plan(spec(yaml), ninjaSnapshot({ ...contoso, devices: [monitor, nameless] }), haloSnapshot(linked));

    expect(change(result, 'asset["ninja:5"]')).toMatchObject({ name: 'www.contoso.com', after: { inventory_number: 'www.contoso.com' } });
    expect(change(result, 'asset["ninja:6"]')).toMatchObject({ name: 'NinjaOne device 6', after: { inventory_number: 'NinjaOne device 6' } });
  });

  it('follows assets.name.from', () => {
    const pc = device({ id: 5, extra: { displayName: 'Reception PC', dnsName: 'pc05.contoso.local' } });

    const result = plan(spec(`${yaml}  name:\n    from: [dnsName, displayName]\n`), ninjaSnapshot({ ...contoso, devices: [pc] }), haloSnapshot(linked));

    expect(change(result, 'asset["ninja:5"]').after).toMatchObject({ inventory_number: 'pc05.contoso.local' });
  });
});

describe('NinjaOne links', () => {
  it('writes ninja_url and ninja_remote_url, and diffs them like any field', () => {
    const pc = device({ id: 5 });
    const halo = haloSnapshot({ ...linked, assets: [asset({ id: 9, rmmId: 5, properties: { ninja_url: 'https://eu.ninjarmm.com/#/deviceDashboard/5/overview' } })] });

    const result = plan(spec('assets:\n  links: { remoteUrl: "{url}/#/deviceDashboard/{id}/remote" }\n'), ninjaSnapshot({ ...contoso, devices: [pc] }), halo);

    expect(change(result, 'asset["ninja:5"]')).toMatchObject({
      action: 'update',
      before: { ninja_remote_url: null },
      after: { ninja_remote_url: 'https://eu.ninjarmm.com/#/deviceDashboard/5/remote' },
    });
  });

  it('leaves them alone when the spec says false', () => {
    const result = plan(spec(`assets:\n${noLinks}`), ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })] }), haloSnapshot(linked));

    expect(change(result, 'asset["ninja:5"]').after).not.toHaveProperty('ninja_url');
  });
});

describe('typed fields', () => {
  const typed = haloSnapshot({
    ...linked,
    fields: [
      field(101, 'Serial Number'),
      field(107, 'Support Tier', 'select', [
        { id: 1, name: 'Bronze' },
        { id: 2, name: 'Silver' },
        { id: 3, name: 'Gold' },
      ]),
      field(108, 'Managed Services', 'multiselect', [
        { id: 11, name: 'Backup' },
        { id: 12, name: 'Antivirus' },
      ]),
      field(109, 'Rack Units', 'number'),
      field(110, 'BYOD', 'boolean'),
      field(106, 'Purchase Date', 'date'),
    ],
    assetTypes: [{ id: 1, name: 'Workstation', assetGroupId: 1, fieldIds: [101, 106, 107, 108, 109, 110] }],
    customFields: [{ id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 'select', typeKnown: true, options: [{ id: 21, name: 'Essentials' }, { id: 22, name: 'Enterprise' }] }],
  });
  const definitions = new Map([
    ['supportTier', { name: 'supportTier', type: 'DROPDOWN', kind: 'select' as const, options: new Map([['u-bronze', 'Bronze'], ['u-gold', 'Gold']]) }],
    ['managedServices', { name: 'managedServices', type: 'MULTI_SELECT', kind: 'multiselect' as const, options: new Map([['u-backup', 'Backup'], ['u-av', 'Antivirus']]) }],
    ['contractTier', { name: 'contractTier', type: 'DROPDOWN', kind: 'select' as const, options: new Map([['u-ent', 'Enterprise']]) }],
  ]);
  const yaml = `assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n${noLinks}  fields:
    - { to: Support Tier, from: customFields.supportTier, inherit: true }
    - { to: Managed Services, from: customFields.managedServices }
    - { to: Rack Units, from: customFields.rackUnits }
    - { to: BYOD, from: customFields.byod }
    - { to: Purchase Date, from: customFields.purchaseDate }
    - { to: customfields.CFcontractTier, from: organization.customFields.contractTier }
`;

  it('converts each value to its field, by label, and refuses what does not convert, naming the device', () => {
    const ninja = ninjaSnapshot({
      ...contoso,
      devices: [device({ id: 5, name: 'CON-PC05' }), device({ id: 6, name: 'CON-PC06' })],
      customFields: new Map([
        [5, { supportTier: 'u-gold', managedServices: ['u-av', 'u-backup'], rackUnits: 2, byod: true, purchaseDate: '2024-03-15' }],
        [6, { rackUnits: 'two', purchaseDate: '15/04/2028', byod: 'maybe' }],
      ]),
      locationCustomFields: new Map([[1, { supportTier: 'u-bronze' }]]),
      organizationCustomFields: new Map([[1, { contractTier: 'u-ent' }]]),
      customFieldDefinitions: definitions,
    });

    const result = plan(spec(yaml), ninja, typed);

    expect(result.errors).toEqual([]);
    expect(change(result, 'asset["ninja:5"]').after).toMatchObject({
      fields: { 'Support Tier': 'Gold', 'Managed Services': 'Backup, Antivirus', 'Rack Units': '2', BYOD: 'true', 'Purchase Date': '2024-03-15' },
      customfields: { CFcontractTier: 'Enterprise' },
    });
    // Inherited from its location: the device has no supportTier of its own.
    expect(change(result, 'asset["ninja:6"]').after).toMatchObject({ fields: { 'Support Tier': 'Bronze' }, customfields: { CFcontractTier: 'Enterprise' } });
    expect(attributes(change(result, 'asset["ninja:6"]')).after!.fields).not.toHaveProperty('Rack Units');
    const refused = result.warnings.filter((w) => w.summary === 'Values not written').map((w) => [w.path, w.detail]);
    expect(refused).toEqual([
      [
        ['assets', 'fields', 2],
        '1 value of Rack Units ← customFields.rackUnits does not convert (Halo field "Rack Units" holds a number), so it is not written and Halo keeps what it has — 1 is not a number: "CON-PC06" (ninja:6) "two". Correct the values in NinjaOne, or the mapping (type:, dateFormat:).',
      ],
      [
        ['assets', 'fields', 3],
        '1 value of BYOD ← customFields.byod does not convert (Halo field "BYOD" holds a checkbox (true or false)), so it is not written and Halo keeps what it has — 1 is not true or false: "CON-PC06" (ninja:6) "maybe". Correct the values in NinjaOne, or the mapping (type:, dateFormat:).',
      ],
      [
        ['assets', 'fields', 4],
        '1 value of Purchase Date ← customFields.purchaseDate does not convert (Halo field "Purchase Date" holds a date), so it is not written and Halo keeps what it has — 1 could be read as DD/MM/YYYY or MM/DD/YYYY; set dateFormat on the mapping to say which: "CON-PC06" (ninja:6) "15/04/2028". Correct the values in NinjaOne, or the mapping (type:, dateFormat:).',
      ],
    ]);
  });

  it('compares a live selection by its option, so an unchanged value is no change', () => {
    const halo = { ...typed, assets: [asset({ id: 9, rmmId: 5, fields: new Map<number, unknown>([[107, 3], [108, [12, 11]]]) })] };
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })], customFields: new Map([[5, { supportTier: 'u-gold', managedServices: ['u-backup', 'u-av'] }]]), customFieldDefinitions: definitions });

    const result = plan(spec(`assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n${noLinks}  fields:\n    - { to: Support Tier, from: customFields.supportTier }\n    - { to: Managed Services, from: customFields.managedServices }\n`), ninja, halo);

    expect(change(result, 'asset["ninja:5"]').action).toBe('no-op');
  });

  it('a mapping type decides where Halo does not say; contradicting Halo is an error at the mapping', () => {
    const untyped = { ...typed, fields: [...typed.fields, { id: 111, name: 'Warranty Start', type: 'text' as const, typeKnown: false, options: [] }] };
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })], customFields: new Map([[5, { started: 1830297600, rackUnits: 2 }]]) });
    const s = spec(`assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n${noLinks}  addMissingFieldsToTypes: true\n  fields:\n    - { to: Warranty Start, from: customFields.started, type: date }\n    - { to: Rack Units, from: customFields.rackUnits, type: date }\n`);

    const result = plan(s, ninja, untyped);

    expect(result.errors.map((e) => [e.summary, e.path])).toEqual([['Mapping type contradicts Halo', ['assets', 'fields', 1, 'type']]]);
    expect(desiredState(s, ninja, untyped).assets[0]!.values.find((v) => v.target === 'Warranty Start')?.value).toBe('2028-01-01');
  });

  it('creates a missing field with the type of its NinjaOne source, a selection with its options', () => {
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })], customFields: new Map([[5, { supportTier: 'u-gold' }]]), customFieldDefinitions: definitions });

    const result = plan(spec(`assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n${noLinks}  addMissingFieldsToTypes: true\n  fields:\n    - { to: Tier, from: customFields.supportTier }\n`), ninja, typed);

    expect(change(result, 'asset_field["Tier"]')).toMatchObject({ action: 'create', after: { name: 'Tier', type: 'select', options: ['Bronze', 'Gold'] } });
    expect(change(result, 'asset["ninja:5"]').after).toMatchObject({ fields: { Tier: 'Gold' } });
  });

  it('names an unknown custom field with a did-you-mean', () => {
    const result = plan(spec(`assets:\n${noLinks}  fields:\n    - { to: customfields.CFcontractTeir, from: organization.name }\n`), ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })] }), typed);

    expect(result.errors.map((e) => e.summary)).toEqual(['Unknown Halo custom field']);
    expect(result.errors[0]!.detail).toContain('Did you mean "CFcontractTier"?');
  });
});

describe('incomplete Halo rows', () => {
  it('a stock asset with no client, linked to a device, is moved to its client; the gap is a warning', () => {
    const halo = haloSnapshot({ ...linked, assets: [asset({ id: 9, rmmId: 5, clientId: undefined, siteId: undefined })], problems: [{ api: 'Halo', label: 'GET /api/Asset', noun: 'asset', row: 'asset 9', field: 'client_id', problem: 'is -1 (none)', effect: "it is a stock asset with no client, which haloform can only adopt by serial (it then moves it to the device's client). Set a client in Halo only if it should belong to one", dropped: false }] });

    const result = plan(spec(`assets:\n${noLinks}`), ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })] }), halo);

    expect(change(result, 'asset["ninja:5"]')).toMatchObject({ action: 'update', before: { client: null, site: null }, after: { client: { ref: 'client["Contoso Ltd"]' } } });
    expect(result.warnings.map((w) => [w.summary, w.detail])).toContainEqual([
      'Incomplete Halo asset',
      '1 asset from GET /api/Asset: client_id is -1 (none) (asset 9 (Workstation)) — it is a stock asset with no client, which haloform can only adopt by serial (it then moves it to the device\'s client). Set a client in Halo only if it should belong to one. Nothing else is held up.',
    ]);
  });

  it('a linked site without a name is given its location\'s; one without a client holds its location back', () => {
    const unnamed = haloSnapshot({ clients: linked.clients, sites: [{ id: 1, name: '', clientId: 1, inactive: false, rmmId: 1 }] });
    const orphan = haloSnapshot({ clients: linked.clients, sites: [{ id: 1, name: 'Head Office', inactive: false, rmmId: 1 }] });
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })] });

    const named = plan(spec(`assets:\n${noLinks}`), ninja, unnamed);
    const held = plan(spec(`assets:\n${noLinks}`), ninja, orphan);

    expect(change(named, 'site["Contoso Ltd/Head Office"]')).toMatchObject({ action: 'update', before: { name: '' }, after: { name: 'Head Office' } });
    expect(held.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
    expect(held.warnings.find((w) => w.summary === 'Devices not synced')!.detail).toContain('Halo site 1 carries the id of NinjaOne location 1 but Halo did not say which client it belongs to');
  });

  it('a device NinjaOne did not place is not synced, and its asset is not deactivated', () => {
    const lost = { ...device({ id: 5 }), locationId: undefined };
    const halo = haloSnapshot({ ...linked, assets: [asset({ id: 9, rmmId: 5 })] });

    const result = plan(spec(`assets:\n${noLinks}  removed: deactivate\n`), ninjaSnapshot({ ...contoso, devices: [lost] }), halo);

    expect(result.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
    expect(result.warnings.find((w) => w.summary === 'Devices not synced')!.detail).toContain('NinjaOne did not say which location it is in: "PC-5" (ninja:5)');
  });
});
