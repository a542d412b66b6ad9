import { describe, expect, it } from 'vitest';
import type { Spec } from '../../src/config/spec.js';
import type { HaloSnapshot } from '../../src/halo/types.js';
import { desiredState } from '../../src/model/desired-state.js';
import type { NinjaSnapshot } from '../../src/rmm/ninjaone/types.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { attributes, type Plan } from '../../src/plan/plan.js';
import { asset, device, field, haloSnapshot, ninjaSnapshot } from '../helpers/builders.js';
import { BASE, load } from '../helpers/spec.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';

/** The spec; NinjaOne links (on by default) left out unless a test is about them, so each test shows only its own subject. */
function spec(yaml = '', options: { links?: boolean } = {}): Spec {
  const loaded = load(`${BASE}${yaml}`);
  if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => d.detail).join('\n'));
  if (!options.links) loaded.spec.assets.links = {};
  return loaded.spec;
}

function plan(s: Spec, ninja: NinjaSnapshot, halo: HaloSnapshot, options = {}): Plan {
  return makePlan(desiredState(s, ninja, halo, options), halo, {
    specHash: 'sha256:test',
    createdAt: '2026-11-27T00:00:00.000Z',
    rmm: NINJAONE,
    targets: { ninjaone: 'n', halo: 'h' },
    read: { organizations: 0, locations: 0, devices: 0, haloClients: 0, haloAssets: 0 },
  });
}

/** `address action` for every change but no-ops. */
function actions(p: Plan): string[] {
  return p.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.address} ${c.action}`);
}

const contoso = { organizations: [{ id: 1, name: 'Contoso Ltd' }], locations: [{ id: 1, organizationId: 1, name: 'Head Office' }] };

describe('organisations to clients', () => {
  it.each([
    {
      name: 'no Halo client: created, with the organisation id',
      clients: [],
      yaml: '',
      expected: ['client["Contoso Ltd"] create', 'site["Contoso Ltd/Head Office"] create'],
    },
    {
      name: 'a client with the same name in another case: adopted',
      clients: [{ id: 7, name: 'contoso ltd', inactive: false, mainSiteId: 70 }],
      yaml: '',
      expected: ['client["contoso ltd"] adopt', 'site["contoso ltd/Head Office"] create'],
    },
    {
      name: 'a client carrying the organisation id under another name: kept, not renamed',
      clients: [{ id: 7, name: 'Contoso (old)', inactive: false, rmmId: 1 }],
      yaml: '',
      expected: ['site["Contoso (old)/Head Office"] create'],
    },
    {
      name: 'the spec names the client and what it renames: the linked one is renamed',
      clients: [{ id: 7, name: 'Contoso (old)', inactive: false, rmmId: 1 }],
      yaml: 'customers:\n  map:\n    - { organisation: Contoso Ltd, client: Contoso, renameFrom: Contoso (old) }\n',
      expected: ['client["Contoso"] update', 'site["Contoso/Head Office"] create'],
    },
    {
      name: 'an unmapped organisation with unmapped: skip',
      clients: [],
      yaml: 'customers:\n  unmapped: skip\n',
      expected: [],
    },
  ])('$name', ({ clients, yaml, expected }) => {
    const ninja = ninjaSnapshot({ ...contoso, devices: [] });

    const result = plan(spec(yaml), ninja, haloSnapshot({ clients }));

    expect(actions(result)).toEqual(expected);
    expect(result.errors).toEqual([]);
  });

  it('writes the NinjaOne id with the create', () => {
    const result = plan(spec(), ninjaSnapshot({ ...contoso }), haloSnapshot());

    expect(result.changes.find((c) => c.kind === 'client')!.after).toEqual({ name: 'Contoso Ltd', top_level: null, rmm_id: 1, main_site: 'Head Office' });
  });

  it('never guesses between two clients of the same name', () => {
    const clients = [
      { id: 7, name: 'Contoso Ltd', inactive: false },
      { id: 8, name: 'CONTOSO LTD', inactive: false },
    ];

    const result = plan(spec(), ninjaSnapshot({ ...contoso, devices: [device()] }), haloSnapshot({ clients }));

    expect(result.errors.map((e) => e.summary)).toEqual(['Ambiguous Halo client name']);
    expect(result.errors[0]!.detail).toContain('"Contoso Ltd" (id 7) and "CONTOSO LTD" (id 8)');
  });

  it('refuses a client already linked to another organisation', () => {
    const clients = [{ id: 7, name: 'Contoso', inactive: false, rmmId: 99 }];

    const result = plan(spec('customers:\n  map:\n    - { organisation: Contoso Ltd, client: Contoso }\n'), ninjaSnapshot({ ...contoso }), haloSnapshot({ clients }));

    expect(result.errors.map((e) => [e.summary, e.path])).toEqual([['Halo client linked to another organisation', ['customers', 'map', 0, 'client']]]);
  });

  it('reports unmapped organisations with unmapped: error', () => {
    const result = plan(spec('customers:\n  unmapped: error\n'), ninjaSnapshot({ ...contoso }), haloSnapshot({ clients: [{ id: 2, name: 'Contoso Limited', inactive: false }] }));

    expect(result.errors.map((e) => e.summary)).toEqual(['Unmapped organisation']);
    expect(result.errors[0]!.detail).toContain('Did you mean "Contoso Limited"?');
  });

  it('skips the devices of an inactive client, with a warning', () => {
    const clients = [{ id: 7, name: 'Contoso Ltd', inactive: true, rmmId: 1 }];

    const result = plan(spec(), ninjaSnapshot({ ...contoso, devices: [device()] }), haloSnapshot({ clients }));

    expect(actions(result)).toEqual([]);
    expect(result.warnings.map((w) => w.summary)).toEqual(['Client inactive in Halo', 'Devices not synced']);
  });

  it('warns when a new client has a near-miss name in Halo', () => {
    const result = plan(spec(), ninjaSnapshot({ ...contoso }), haloSnapshot({ clients: [{ id: 4, name: 'Contoso, Ltd.', inactive: false }] }));

    expect(result.warnings.map((w) => w.summary)).toContain('Similar Halo client exists');
  });

  it('warns of a typo in a mapped client name, at the client key', () => {
    const result = plan(spec('customers:\n  map:\n    - { organisation: Contoso Ltd, client: Contosso }\n'), ninjaSnapshot({ ...contoso }), haloSnapshot({ clients: [{ id: 4, name: 'Contoso', inactive: false }] }));

    expect(result.warnings.map((w) => [w.summary, w.detail, w.path])).toContainEqual([
      'Similar Halo client exists',
      'customers.map names client "Contosso" for NinjaOne organisation "Contoso Ltd", which haloform will create, but Halo already has "Contoso" (id 4). If you meant that client, correct the name: client: Contoso.',
      ['customers', 'map', 0, 'client'],
    ]);
  });

  it('never renames a linked client without renameFrom; a wrong renameFrom is named too', () => {
    const clients = [{ id: 7, name: 'Contoso', inactive: false, rmmId: 1 }];

    const silent = plan(spec('customers:\n  map:\n    - { organisation: Contoso Ltd, client: Does Not Exist Ltd }\n'), ninjaSnapshot({ ...contoso }), haloSnapshot({ clients }));
    const wrong = plan(spec('customers:\n  map:\n    - { organisation: Contoso Ltd, client: Contoso Group, renameFrom: Contoso Old }\n'), ninjaSnapshot({ ...contoso }), haloSnapshot({ clients }));

    expect(silent.errors.map((e) => [e.summary, e.detail, e.path])).toEqual([
      [
        'Client rename not asked for',
        'customers.map names client "Does Not Exist Ltd" for NinjaOne organisation "Contoso Ltd", but the Halo client linked to it is "Contoso" (id 7), so the plan would rename it. To rename it, add renameFrom: Contoso to the entry; if "Does Not Exist Ltd" is a typo, write client: Contoso.',
        ['customers', 'map', 0, 'client'],
      ],
    ]);
    expect(silent.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
    expect(wrong.errors.map((e) => [e.summary, e.path])).toEqual([['Client rename not asked for', ['customers', 'map', 0, 'renameFrom']]]);
  });

  it('warns of a site mapping naming a location the organisation does not have, with a did-you-mean', () => {
    const result = plan(spec('customers:\n  map:\n    - organisation: Contoso Ltd\n      sites: { Head Ofice: HQ }\n'), ninjaSnapshot({ ...contoso }), haloSnapshot());

    expect(result.warnings.map((w) => [w.summary, w.detail])).toContainEqual([
      'Mapped location not in NinjaOne',
      'The site mapping names NinjaOne location "Head Ofice", which organisation "Contoso Ltd" does not have. Did you mean "Head Office"? The mapping does nothing: correct the location\'s name (exact, as NinjaOne spells it) or id, or remove it. Its locations: "Head Office".',
    ]);
  });
});

describe('locations to sites', () => {
  const halo = haloSnapshot({
    clients: [{ id: 7, name: 'Contoso', inactive: false, rmmId: 1, mainSiteId: 70 }],
    sites: [
      { id: 70, name: 'Main', clientId: 7, inactive: false },
      { id: 71, name: 'HQ', clientId: 7, inactive: false },
    ],
  });
  const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5 })] });

  it.each([
    { policy: 'create', site: 'site["Contoso/Head Office"] create', assetSite: 'site["Contoso/Head Office"]' },
    { policy: 'main-site', site: undefined, assetSite: 'site["Contoso/Main"]' },
    { policy: 'skip', site: undefined, assetSite: undefined },
  ])('an unmapped location with $policy', ({ policy, site, assetSite }) => {
    const result = plan(spec(`customers:\n  unmappedLocations: ${policy}\n`), ninja, halo);

    expect(actions(result).filter((a) => a.startsWith('site'))).toEqual(site ? [site] : []);
    const created = result.changes.find((c) => c.address === 'asset["ninja:5"]');
    expect((created?.kind === 'asset' ? created.after?.site : undefined)?.ref).toBe(assetSite);
    expect(result.warnings[0]!.summary).toBe('Unmapped locations');
  });

  it.each(['main-site', 'skip', 'catch-all'])('warns of unmapped locations with %s when the organisation has a map entry of its own', (policy) => {
    const yaml = `customers:\n  unmappedLocations: ${policy}\n  catchAll: { client: Unassigned, site: Unknown }\n  map:\n    - { organisation: Contoso Ltd, client: Contoso }\n`;

    const result = plan(spec(yaml), ninja, halo);

    expect(result.warnings.find((w) => w.summary === 'Unmapped locations')?.detail).toContain(`(unmappedLocations: ${policy}); its devices`);
  });

  it('does not warn when the organisation chose its own policy', () => {
    const yaml = 'customers:\n  map:\n    - { organisation: Contoso Ltd, client: Contoso, unmappedLocations: main-site }\n';

    const result = plan(spec(yaml), ninja, halo);

    expect(result.warnings.map((w) => w.summary)).not.toContain('Unmapped locations');
  });

  it('names the devices it does not sync, and why', () => {
    const result = plan(spec('customers:\n  unmappedLocations: skip\n'), ninja, halo);

    expect(result.warnings.find((w) => w.summary === 'Devices not synced')!.detail).toBe(
      '1 device is not synced, so haloform writes nothing for it in Halo: 1 because location "Contoso Ltd/Head Office" is not mapped and unmappedLocations is skip: "PC-5" (ninja:5). If it should be synced, change the setting or the Halo object each reason names.',
    );
  });

  it('an unmapped location with catch-all goes to the catch-all site', () => {
    const result = plan(spec('customers:\n  unmappedLocations: catch-all\n  catchAll: { client: Unassigned, site: Unknown }\n'), ninja, halo);

    expect(attributes(result.changes.find((c) => c.address === 'asset["ninja:5"]')!).after?.site).toEqual({ ref: 'site["Unassigned/Unknown"]' });
  });

  it('an unmapped location with error stops the plan', () => {
    const result = plan(spec('customers:\n  unmappedLocations: error\n'), ninja, halo);

    expect(result.errors.map((e) => e.summary)).toEqual(['Unmapped location']);
  });

  it('a mapped location adopts the named site', () => {
    const result = plan(spec('customers:\n  map:\n    - organisation: 1\n      sites: { Head Office: HQ }\n'), ninja, halo);

    expect(actions(result).filter((a) => a.startsWith('site'))).toEqual(['site["Contoso/HQ"] adopt']);
    expect(result.changes.find((c) => c.address === 'site["Contoso/HQ"]')!.after).toEqual({ rmm_id: 1 });
  });

  it('warns of a typo in a mapped site name', () => {
    const withWarehouse = haloSnapshot({ clients: halo.clients, sites: [...halo.sites, { id: 73, name: 'Warehouse', clientId: 7, inactive: false }] });

    const result = plan(spec('customers:\n  map:\n    - organisation: 1\n      sites: { Head Office: Warehose }\n'), ninja, withWarehouse);

    expect(result.warnings.map((w) => [w.summary, w.detail])).toContainEqual([
      'Similar Halo site exists',
      'The spec maps NinjaOne location "Head Office" to site "Warehose", which haloform will create in "Contoso", but the client already has "Warehouse" (id 73). If you meant that site, correct the name: Warehouse.',
    ]);
  });

  it('renames the linked site only with renameFrom', () => {
    const linked = haloSnapshot({ clients: halo.clients, sites: [...halo.sites, { id: 72, name: 'Office', clientId: 7, inactive: false, rmmId: 1 }] });

    const silent = plan(spec('customers:\n  map:\n    - organisation: 1\n      sites: { Head Office: Head Office }\n'), ninja, linked);
    const asked = plan(spec('customers:\n  map:\n    - organisation: 1\n      sites: { Head Office: { site: Head Office, renameFrom: Office } }\n'), ninja, linked);

    expect(silent.errors.map((e) => [e.summary, e.detail])).toEqual([
      [
        'Site rename not asked for',
        'The spec maps NinjaOne location "Head Office" to site "Head Office", but the Halo site linked to it is "Contoso/Office" (id 72), so the plan would rename it. To rename it, write { site: Head Office, renameFrom: Office }; if "Head Office" is a typo, write Office.',
      ],
    ]);
    expect(asked.errors).toEqual([]);
    expect(asked.changes.find((c) => c.address === 'site["Contoso/Head Office"]')).toMatchObject({ action: 'update', before: { name: 'Office' }, after: { name: 'Head Office' } });
  });
});

describe('asset identity', () => {
  const halo = (assets: ReturnType<typeof asset>[]) =>
    haloSnapshot({
      clients: [{ id: 1, name: 'Contoso Ltd', inactive: false, rmmId: 1 }],
      sites: [{ id: 1, name: 'Head Office', clientId: 1, inactive: false, rmmId: 1 }],
      assets,
    });
  const fields = 'assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  fields:\n    - { to: inventory_number, from: displayName }\n    - { to: Serial Number, from: system.serialNumber }\n';

  it('matches by the NinjaOne id first, whatever the serial', () => {
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5, serial: 'ABC12345', name: 'PC-5' })] });

    const result = plan(spec(fields), ninja, halo([asset({ id: 50, rmmId: 5, serial: 'ABC12345', inventoryNumber: 'PC-5' })]));

    expect(result.changes.find((c) => c.kind === 'asset')).toMatchObject({ address: 'asset["ninja:5"]', action: 'no-op', haloId: 50 });
  });

  it('adopts a hand-made asset with the same serial, writing the NinjaOne id', () => {
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5, serial: 'abc12345 ', name: 'PC-5' })] });

    const result = plan(spec(fields), ninja, halo([asset({ id: 50, serial: 'ABC12345', inventoryNumber: 'LAPTOP-047' })]));

    expect(result.changes.find((c) => c.kind === 'asset')).toMatchObject({
      action: 'adopt',
      reason: 'matched by serial abc12345',
      haloId: 50,
      before: { rmm_id: null, inventory_number: 'LAPTOP-047' },
      after: { rmm_id: 5, inventory_number: 'PC-5' },
    });
  });

  it.each([
    { serial: 'To Be Filled By O.E.M.', why: 'a placeholder the BIOS reports' },
    { serial: 'Default string', why: 'a placeholder the BIOS reports' },
    { serial: '0', why: 'a placeholder the BIOS reports' },
    { serial: 'ABC', why: 'shorter than 4 characters' },
    { serial: 'XXXXXXX', why: 'one repeated character' },
    { serial: 'Chassis Serial Number', why: 'listed in assets.ignoreSerials' },
  ])('never matches by the unusable serial "$serial"', ({ serial, why }) => {
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5, serial })] });

    const result = plan(spec(`${fields}  ignoreSerials: [chassis serial number]\n`), ninja, halo([asset({ id: 50, serial })]));

    expect(result.changes.find((c) => c.kind === 'asset')!.action).toBe('create');
    expect(result.warnings.find((w) => w.summary === 'Placeholder serials not used for matching')!.detail).toContain(why);
  });

  it('never matches VMware clones sharing a serial, nor blades sharing a chassis serial', () => {
    const vmware = 'VMware-42 1a 9a 0b cd 6e 22 4e-28 aa be 6f c4 42 70 28';
    const ninja = ninjaSnapshot({
      ...contoso,
      devices: [device({ id: 5, serial: vmware }), device({ id: 6, serial: vmware }), device({ id: 7, serial: 'CHS4X92' }), device({ id: 8, serial: 'CHS4X92' })],
    });

    const result = plan(spec(fields), ninja, halo([asset({ id: 50, serial: vmware }), asset({ id: 51, serial: 'CHS4X92' })]));

    expect(result.changes.filter((c) => c.kind === 'asset').map((c) => c.action)).toEqual(['create', 'create', 'create', 'create']);
    expect(result.warnings.map((w) => w.summary)).toEqual(expect.arrayContaining(['Serial shared by several devices', 'Placeholder serials not used for matching']));
    const shared = result.warnings.find((w) => w.summary === 'Serial shared by several devices')!;
    expect(shared.detail).toContain('"PC-7" (ninja:7), "PC-8" (ninja:8)');
    expect(shared.detail).toContain('Halo asset 51');
  });

  it('never picks one of two Halo assets holding the same serial, and names both sides', () => {
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5, serial: 'ABC12345', name: 'PC-5' })] });

    const result = plan(spec(fields), ninja, halo([asset({ id: 50, serial: 'ABC12345', inventoryNumber: 'A' }), asset({ id: 51, serial: 'abc12345', inventoryNumber: 'B' })]));

    expect(result.changes.find((c) => c.kind === 'asset')!.action).toBe('create');
    expect(result.warnings.find((w) => w.summary === 'Serial held by several Halo assets')!.detail).toContain('"PC-5" (ninja:5, serial ABC12345) ↔ Halo assets 50 "A", 51 "B"');
  });

  it('moves an asset whose device moved to another organisation', () => {
    const ninja = ninjaSnapshot({
      organizations: [...contoso.organizations, { id: 2, name: 'Fabrikam' }],
      locations: [...contoso.locations, { id: 2, organizationId: 2, name: 'Main' }],
      devices: [device({ id: 5, org: 2, loc: 2 })],
    });

    const result = plan(spec(fields), ninja, halo([asset({ id: 50, rmmId: 5, serial: 'SN5X', inventoryNumber: 'PC-5' })]));

    expect(result.changes.find((c) => c.address === 'asset["ninja:5"]')).toMatchObject({
      action: 'update',
      reason: 'moved to another client in NinjaOne',
      before: { client: 'Contoso Ltd', site: 'Head Office' },
      after: { client: { ref: 'client["Fabrikam"]' }, site: { ref: 'site["Fabrikam/Main"]' } },
    });
  });
});

describe('deactivation', () => {
  const managed = (n: number) => Array.from({ length: n }, (_, i) => asset({ id: 100 + i, rmmId: 500 + i }));
  const halo = (assets: ReturnType<typeof asset>[]) =>
    haloSnapshot({ clients: [{ id: 1, name: 'Contoso Ltd', inactive: false, rmmId: 1 }], sites: [{ id: 1, name: 'Head Office', clientId: 1, inactive: false, rmmId: 1 }], assets });

  it('deactivates a managed asset whose device is gone, with removed: deactivate', () => {
    const devices = managed(20).slice(1).map((a) => device({ id: a.rmmId as number }));

    const result = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  removed: deactivate\n'), ninjaSnapshot({ ...contoso, devices }), halo(managed(20)));

    expect(actions(result)).toEqual(['asset["ninja:500"] deactivate']);
  });

  it('deactivates nothing when NinjaOne sent a device row it could not read as a device: it may be that very device', () => {
    const devices = managed(20).slice(1).map((a) => device({ id: a.rmmId as number }));
    const problems = [{ api: 'NinjaOne', label: 'GET /v2/devices-detailed', noun: 'device', row: 'devices[7]', field: 'id', problem: 'is missing', effect: 'left out', dropped: true }];

    const result = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  removed: deactivate\n'), ninjaSnapshot({ ...contoso, devices, problems }), halo(managed(20)));

    expect(actions(result)).toEqual([]);
    expect(result.warnings.find((w) => w.summary === 'Nothing deactivated')?.detail).toContain('NinjaOne sent a device row haloform could not read as a device (devices[7]; see the incomplete rows)');
  });

  it('keeps it with removed: keep', () => {
    const devices = managed(20).slice(1).map((a) => device({ id: a.rmmId as number }));

    const result = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  removed: keep\n'), ninjaSnapshot({ ...contoso, devices }), halo(managed(20)));

    expect(actions(result)).toEqual([]);
  });

  it('stops when more than 10% would go, unless allowed', () => {
    const devices = managed(20).slice(3).map((a) => device({ id: a.rmmId as number }));
    const ninja = ninjaSnapshot({ ...contoso, devices });

    const refused = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  removed: deactivate\n'), ninja, halo(managed(20)));
    const allowed = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  removed: deactivate\n'), ninja, halo(managed(20)), { allowMassDeactivate: true });

    expect(refused.errors.map((e) => e.summary)).toEqual(['Mass deactivation']);
    expect(refused.errors[0]!.detail).toContain('3 of 20 managed Halo assets (15%) would be deactivated because their NinjaOne devices are gone — Contoso Ltd: 3 of its 20 (');
    expect(allowed.errors).toEqual([]);
    expect(actions(allowed)).toHaveLength(3);
  });

  it('never deactivates anything when NinjaOne returns no devices', () => {
    const result = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  removed: deactivate\n'), ninjaSnapshot({ ...contoso, devices: [] }), halo(managed(20)));

    expect(actions(result)).toEqual([]);
    expect(result.warnings.map((w) => w.summary)).toEqual(['Nothing deactivated']);
  });
});

describe('preflight', () => {
  it('names every asset type that lacks a mapped field when haloform may not add it', () => {
    const halo = haloSnapshot({
      assetTypes: [
        { id: 1, name: 'Workstation', assetGroupId: 1, fieldIds: [101] },
        { id: 2, name: 'Server', assetGroupId: 1, fieldIds: [101] },
      ],
    });
    const ninja = ninjaSnapshot({ ...contoso, devices: [device(), device({ nodeClass: 'WINDOWS_SERVER' }), device({ nodeClass: 'WINDOWS_SERVER' })] });

    const result = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation, WINDOWS_SERVER: Server }\nassets:\n  fields:\n    - { to: Model, from: system.model }\n'), ninja, halo);

    expect(result.errors.map((e) => [e.summary, e.path])).toEqual([['Mapped field missing from asset types', ['assets', 'fields', 0, 'to']]]);
    expect(result.errors[0]!.detail).toBe(
      'Halo asset field "Model" is not on asset types "Server" (2 devices with a value), "Workstation" (1 device with a value), so Halo would drop the value for those devices. Add the field to those types in Halo, or set assets.addMissingFieldsToTypes: true.',
    );
  });

  it('does not need a mapped field on a type whose devices have no value for it', () => {
    const halo = haloSnapshot({
      fields: [
        field(101, 'Serial Number'),
        field(103, 'Operating System'),
      ],
      assetTypes: [
        { id: 1, name: 'Workstation', assetGroupId: 1, fieldIds: [101, 103] },
        { id: 3, name: 'Network Device', assetGroupId: 1, fieldIds: [101] },
      ],
    });
    const pc = device({ extra: { os: { name: 'Windows 11 Pro' } } });
    const sw = device({ nodeClass: 'NMS_SWITCH', extra: { system: undefined } });
    const yaml = 'assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation, NMS_SWITCH: Network Device }\nassets:\n  fields:\n    - { to: Operating System, from: os.name }\n';

    const refused = plan(spec(yaml), ninjaSnapshot({ ...contoso, devices: [pc, sw] }), halo);
    const added = plan(spec(`${yaml}  addMissingFieldsToTypes: true\n`), ninjaSnapshot({ ...contoso, devices: [pc, sw] }), halo);

    expect(refused.errors).toEqual([]);
    expect(added.changes.find((c) => c.address === 'asset_field["Operating System"]')!.action).toBe('no-op');
  });

  it('adds the field to all asset types when allowed', () => {
    const halo = haloSnapshot({ assetTypes: [{ id: 1, name: 'Workstation', assetGroupId: 1, fieldIds: [101] }] });

    const result = plan(spec('assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  addMissingFieldsToTypes: true\n  fields:\n    - { to: Model, from: system.model }\n'), ninjaSnapshot({ ...contoso, devices: [device()] }), halo);

    expect(result.errors).toEqual([]);
    expect(actions(result)).toContain('asset_field["Model"] update');
  });

  it('names an unknown ticket type with a did-you-mean, at its spec line', () => {
    const result = plan(spec('alerts:\n  ticketType: Alrt\n'), ninjaSnapshot(), haloSnapshot());

    expect(result.errors).toEqual([
      {
        severity: 'error',
        summary: 'Unknown Halo ticket type',
        detail: 'No ticket type named "Alrt" exists in Halo. Did you mean "Alert"? Ticket types in Halo: "Alert".',
        path: ['alerts', 'ticketType'],
      },
    ]);
  });

  it('stops on asset tags that would collide while uniqueness is on, naming both', () => {
    const halo = haloSnapshot({ clients: [{ id: 1, name: 'Contoso Ltd', inactive: false, rmmId: 1 }], sites: [{ id: 1, name: 'Head Office', clientId: 1, inactive: false, rmmId: 1 }], assets: [asset({ id: 9, inventoryNumber: 'pc-5' })] });
    const yaml = 'settings:\n  assetTagMustBeUnique: true\nassets:\n  fields:\n    - { to: inventory_number, from: displayName }\n';

    const result = plan(spec(yaml), ninjaSnapshot({ ...contoso, devices: [device({ id: 5, name: 'PC-5' })] }), halo);

    expect(result.errors.map((e) => e.summary)).toEqual(['Asset tag collision']);
    expect(result.errors[0]!.detail).toContain('Asset tag "PC-5" would be held by 2 active assets — device "PC-5" of Contoso Ltd (ninja:5) and Halo asset 9 of Contoso Ltd (not managed by haloform) — but');
  });
});

describe('field values and users', () => {
  const halo = haloSnapshot({
    clients: [{ id: 1, name: 'Contoso Ltd', inactive: false, rmmId: 1 }],
    sites: [{ id: 1, name: 'Head Office', clientId: 1, inactive: false, rmmId: 1 }],
    fields: [
      field(101, 'Serial Number'),
      field(102, 'IP Address'),
      field(103, 'Last Seen'),
    ],
    assetTypes: [{ id: 1, name: 'Workstation', assetGroupId: 1, fieldIds: [101, 102, 103] }],
    users: [
      { id: 44, name: 'Jo Smith', login: 'jsmith', email: 'jsmith@contoso.com', siteId: 1, inactive: false, isGeneralUser: false },
      { id: 45, name: 'General User', siteId: 1, inactive: false, isGeneralUser: true },
    ],
  });

  it('formats dates, lists and absent values as Halo expects', () => {
    const d = device({ id: 5, extra: { ipAddresses: ['10.0.0.5', '', '10.0.0.5', 'fe80::1'], lastContact: 1788220800.5 } });
    const ninja = ninjaSnapshot({ ...contoso, devices: [d], customFields: new Map([[5, { warrantyEnd: 1830297600 }]]), customFieldDefinitions: new Map([['warrantyEnd', { name: 'warrantyEnd', type: 'DATE', kind: 'date' as const, options: new Map() }]]) });
    const yaml =
      'assetTypes:\n  map: { WINDOWS_WORKSTATION: Workstation }\nassets:\n  fields:\n    - { to: IP Address, from: ipAddresses }\n    - { to: Last Seen, from: lastContact }\n    - { to: warranty_end, from: customFields.warrantyEnd }\n    - { to: notes, from: customFields.missing }\n';

    const result = plan(spec(yaml), ninja, halo);

    expect(result.changes.find((c) => c.kind === 'asset')!.after).toEqual({
      client: { ref: 'client["Contoso Ltd"]' },
      site: { ref: 'site["Contoso Ltd/Head Office"]' },
      asset_type: { ref: 'asset_type["Workstation"]' },
      rmm_id: 5,
      warranty_end: '2028-01-01',
      fields: { 'IP Address': '10.0.0.5, fe80::1', 'Last Seen': '2026-09-01T00:00:00Z' },
    });
  });

  it.each([
    { user: 'CONTOSO\\jsmith', linked: 44 },
    { user: 'jsmith@contoso.com', linked: 44 },
    { user: 'jsmith (pts/0)', linked: 44 },
    { user: 'Jo Smith', linked: 44 },
    { user: 'CONTOSO\\nobody', linked: undefined },
  ])('links "$user"', ({ user, linked }) => {
    const ninja = ninjaSnapshot({ ...contoso, devices: [device({ id: 5, extra: { lastLoggedInUser: user } })] });

    const result = plan(spec('assets:\n  user: { from: lastLoggedInUser }\n'), ninja, halo);

    const users = result.changes.find((c) => c.kind === 'asset')!.after!.users;
    expect(users).toEqual(linked === undefined ? undefined : [{ id: linked, name: 'Jo Smith' }]);
    if (linked === undefined) expect(result.warnings.map((w) => w.summary)).toContain('Asset users not found in Halo');
  });
});
