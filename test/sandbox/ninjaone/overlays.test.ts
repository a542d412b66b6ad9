/**
 * Row overlays on the NinjaOne simulator: a test makes one row of any list look like a real
 * tenant's (a field dropped, null, "", -1, a nested value), over the control API or
 * programmatically, and every read of that row shows it while the stored data stays as it was.
 */

import { describe, expect, it } from 'vitest';
import { OVERLAY_LISTS } from '../../../src/sandbox/ninjaone/index.js';
import { call, control, get, startSim, token } from './helpers.js';
import { buildSeed, deviceId } from './seed-builder.js';

type Json = Record<string, unknown>;

const SEED_ALERT = '0b0c2f8e-0c41-4a8e-9a51-5d1c5a0f3e11';
const DEVICE = deviceId(0);

async function tenant() {
  const sim = await startSim(buildSeed({ devices: 10 }));
  const bearer = await token(sim);
  sim.control.setOrganizationCustomFields(1, { assetTag: 'ORG-1' });
  return { sim, bearer };
}

/** The row with `key` = `id` in a list answer (or in the array under `under` of an envelope). */
function rowOf(body: unknown, key: string, id: unknown, under?: string): Json | undefined {
  const rows = (under ? (body as Json)[under] : body) as Json[];
  return rows.find((r) => r[key] === id);
}

describe('row overlays reach every read of a row', () => {
  const reads: [list: string, overlay: Json, path: string, pick: (body: unknown) => unknown, expected: unknown][] = [
    ['organizations', { id: 2, field: 'description', drop: true }, '/v2/organizations', (b) => rowOf(b, 'id', 2)?.description, undefined],
    ['organizations', { id: 2, field: 'description', drop: true }, '/v2/organizations-detailed', (b) => rowOf(b, 'id', 2)?.description, undefined],
    ['organizations', { id: 2, field: 'description', drop: true }, '/v2/organization/2', (b) => (b as Json).description, undefined],
    ['organizations', { id: 2, field: 'settings.psa.enabled', value: null }, '/v2/organization/2', (b) => ((b as Json).settings as Json).psa, { product: 'psa', enabled: null, targets: [], options: {} }],
    ['locations', { id: 1, field: 'address', value: null }, '/v2/locations', (b) => rowOf(b, 'id', 1)?.address, null],
    ['locations', { id: 1, field: 'address', value: null }, '/v2/organization/1/locations', (b) => rowOf(b, 'id', 1)?.address, null],
    ['locations', { id: 1, field: 'address', value: null }, '/v2/organization/1', (b) => rowOf((b as Json).locations, 'id', 1)?.address, null],
    ['devices', { id: DEVICE, field: 'displayName', value: '' }, '/v2/devices', (b) => rowOf(b, 'id', DEVICE)?.displayName, ''],
    ['devices', { id: DEVICE, field: 'displayName', value: '' }, '/v2/devices-detailed', (b) => rowOf(b, 'id', DEVICE)?.displayName, ''],
    ['devices', { id: DEVICE, field: 'displayName', value: '' }, '/v2/organization/1/devices', (b) => rowOf(b, 'id', DEVICE)?.displayName, ''],
    ['devices', { id: DEVICE, field: 'displayName', value: '' }, `/v2/device/${DEVICE}`, (b) => (b as Json).displayName, ''],
    ['devices', { id: DEVICE, field: 'displayName', value: '' }, `/v2/devices/search?q=dev-${DEVICE}`, (b) => rowOf(b, 'id', DEVICE, 'devices')?.displayName, ''],
    ['alerts', { id: SEED_ALERT, field: 'conditionName', drop: true }, '/v2/alerts', (b) => Object.keys(rowOf(b, 'uid', SEED_ALERT)!).includes('conditionName'), false],
    ['alerts', { id: SEED_ALERT, field: 'conditionName', drop: true }, `/v2/device/${DEVICE}/alerts`, (b) => Object.keys(rowOf(b, 'uid', SEED_ALERT)!).includes('conditionName'), false],
    ['device-custom-fields', { id: 'warrantyEnd', field: 'type', value: 'DATE_TIME' }, '/v2/device-custom-fields', (b) => rowOf(b, 'name', 'warrantyEnd')?.type, 'DATE_TIME'],
    ['custom-fields', { id: DEVICE, field: 'fields.warrantyEnd', value: -1 }, '/v2/queries/custom-fields', (b) => rowOf(b, 'deviceId', DEVICE, 'results'), { deviceId: DEVICE, fields: { assetTag: `A-${DEVICE}`, warrantyEnd: -1 } }],
    ['scoped-custom-fields', { id: 1, field: 'fields.assetTag', value: null }, '/v2/queries/scoped-custom-fields?scopes=organization', (b) => rowOf(b, 'entityId', 1, 'results'), { scope: 'ORGANIZATION', entityId: 1, fields: { assetTag: null } }],
  ];

  it.each(reads)('%s %j shows in %s', async (list, overlay, path, pick, expected) => {
    const { sim, bearer } = await tenant();
    const before = pick(await get(sim, bearer, path));

    const added = await control(sim, 'POST', '/_sandbox/overlays', { list, ...overlay });
    const after = pick(await get(sim, bearer, path));

    expect(added.status).toBe(201);
    expect(before).not.toEqual(expected);
    expect(after).toEqual(expected);
  });

  it('covers every list it accepts', () => {
    expect(new Set(reads.map(([list]) => list))).toEqual(new Set(Object.keys(OVERLAY_LISTS)));
  });
});

describe('what an overlay does to a device row', () => {
  it.each([
    ['drop', { field: 'dnsName', drop: true }, (d: Json) => Object.keys(d).includes('dnsName'), false],
    ['null', { field: 'dnsName', value: null }, (d: Json) => d.dnsName, null],
    ['""', { field: 'dnsName', value: '' }, (d: Json) => d.dnsName, ''],
    ['-1', { field: 'locationId', value: -1 }, (d: Json) => d.locationId, -1],
    ['a nested value', { field: 'system.serialNumber', value: 'None' }, (d: Json) => d.system, expect.objectContaining({ serialNumber: 'None', biosSerialNumber: `BIOS${DEVICE}` })],
    ['a nested drop', { field: 'system.serialNumber', drop: true }, (d: Json) => Object.keys(d.system as Json).includes('serialNumber'), false],
    ['a path through a missing object', { field: 'maintenance.status', value: 'IN_MAINTENANCE' }, (d: Json) => d.maintenance, { status: 'IN_MAINTENANCE' }],
    ['a whole array', { field: 'ipAddresses', value: ['', '10.0.0.5', '10.0.0.5'] }, (d: Json) => d.ipAddresses, ['', '10.0.0.5', '10.0.0.5']],
  ])('%s', async (_what, overlay, pick, expected) => {
    const { sim, bearer } = await tenant();

    sim.control.overlays.add({ list: 'devices', id: DEVICE, field: overlay.field, op: 'drop' in overlay ? { drop: true } : { value: overlay.value } });
    const device = await get<Json>(sim, bearer, `/v2/device/${DEVICE}`);
    const other = await get<Json>(sim, bearer, `/v2/device/${deviceId(3)}`);

    expect(pick(device)).toEqual(expected);
    expect(pick(other)).not.toEqual(expected);
  });

  it('"*" reaches every row of the list, and later overlays win', async () => {
    const { sim, bearer } = await tenant();

    await control(sim, 'POST', '/_sandbox/overlays', [
      { list: 'devices', id: '*', field: 'displayName', drop: true },
      { list: 'devices', id: DEVICE, field: 'displayName', value: 'ONLY-ME' },
    ]);
    const rows = await get<Json[]>(sim, bearer, '/v2/devices');

    expect(rows.map((r) => r.displayName)).toEqual(['ONLY-ME', ...rows.slice(1).map(() => undefined)]);
  });

  it('matches the list name and a string id case- and type-insensitively', async () => {
    const { sim, bearer } = await tenant();

    await control(sim, 'POST', '/_sandbox/overlays', { list: 'Devices', id: String(DEVICE), field: 'offline', value: 'no' });
    const device = await get<Json>(sim, bearer, `/v2/device/${DEVICE}`);

    expect(device.offline).toBe('no');
  });

  it('never changes the stored data, and DELETE clears every overlay', async () => {
    const { sim, bearer } = await tenant();
    const original = await get<Json>(sim, bearer, `/v2/device/${DEVICE}`);
    await control(sim, 'POST', '/_sandbox/overlays', { list: 'devices', id: DEVICE, field: 'system.serialNumber', value: '' });

    const overlaid = await get<Json>(sim, bearer, `/v2/device/${DEVICE}`);
    const stored = sim.control.state().devices.find((d) => d.id === DEVICE)!;
    const cleared = await control(sim, 'DELETE', '/_sandbox/overlays');
    const after = await get<Json>(sim, bearer, `/v2/device/${DEVICE}`);
    const listed = await control(sim, 'GET', '/_sandbox/overlays');

    expect((overlaid.system as Json).serialNumber).toBe('');
    expect((stored.system as Json).serialNumber).toBe(`SN${DEVICE}`);
    expect(cleared.status).toBe(204);
    expect(after).toEqual(original);
    expect(listed).toEqual({ status: 200, body: [] });
  });

  it('leaves query rows without an id of their own', async () => {
    const { sim, bearer } = await tenant();
    await control(sim, 'POST', '/_sandbox/overlays', { list: 'custom-fields', id: '*', field: 'fields.extra', value: 1 });

    const page = await get<{ results: Json[] }>(sim, bearer, '/v2/queries/custom-fields');

    expect(page.results.every((r) => Object.keys(r).join() === 'deviceId,fields' && (r.fields as Json).extra === 1)).toBe(true);
  });
});

describe('the overlay control routes', () => {
  it('lists overlays in the shape POST takes, in the state too', async () => {
    const { sim } = await tenant();

    const posted = await control(sim, 'POST', '/_sandbox/overlays', { list: 'alerts', id: SEED_ALERT, field: 'subject', value: '' });
    sim.control.overlays.add({ list: 'locations', id: 1, field: 'address', op: { drop: true } });
    const listed = await control(sim, 'GET', '/_sandbox/overlays');

    expect(posted.body).toEqual([{ list: 'alerts', id: SEED_ALERT, field: 'subject', value: '' }]);
    expect(listed.body).toEqual([
      { list: 'alerts', id: SEED_ALERT, field: 'subject', value: '' },
      { list: 'locations', id: 1, field: 'address', drop: true },
    ]);
    expect(sim.control.state().overlays).toEqual(listed.body);
  });

  const lists = Object.keys(OVERLAY_LISTS).join(', ');
  it.each([
    [{ list: 'device', id: 1, field: 'x', drop: true }, `list: no list "device"; use one of ${lists}`, 'list'],
    [{ id: 1, field: 'x', drop: true }, `list: required; use one of ${lists}`, 'list'],
    [{ list: 'devices', field: 'x', drop: true }, 'id: required, the row\'s id (uid for alerts, name for definitions) or "*" for every row', 'id'],
    [{ list: 'devices', id: 1, drop: true }, 'field: required, a key or a dotted path such as "system.serialNumber"', 'field'],
    [{ list: 'devices', id: 1, field: 'system..serialNumber', drop: true }, 'field: required, a key or a dotted path such as "system.serialNumber"', 'field'],
    [{ list: 'devices', id: 1, field: 'x' }, 'overlay 0: give either "drop": true or a "value"', undefined],
    ['devices', 'overlay 0: must be an object {list, id, field, drop?: true, value?}', undefined],
    [[{ list: 'devices', id: 1, field: 'x', drop: true }, { list: 'devices', id: 1, value: 2 }], 'overlay 1: field: required, a key or a dotted path such as "system.serialNumber"', 'field'],
  ])('refuses %j: %s', async (body, message, field) => {
    const { sim } = await tenant();

    const response = await control(sim, 'POST', '/_sandbox/overlays', body);

    expect(response).toEqual({ status: 400, body: field === undefined ? { error: message } : { error: message, field } });
    expect(sim.control.overlays.all()).toEqual([]);
  });

  it('are listed in the 404 of an unknown control path', async () => {
    const { sim } = await tenant();

    const unknown = await control(sim, 'GET', '/_sandbox/overlay');

    expect((unknown.body as { routes: string[] }).routes.filter((r) => r.includes('/_sandbox/overlays'))).toEqual([
      expect.stringMatching(/^POST \/_sandbox\/overlays — .*list: organizations, locations, devices, alerts, device-custom-fields, custom-fields, scoped-custom-fields/),
      'GET /_sandbox/overlays — the row overlays in force',
      'DELETE /_sandbox/overlays — remove every row overlay',
    ]);
  });

  it('do not open the API: an overlaid read still needs a token', async () => {
    const { sim } = await tenant();
    await control(sim, 'POST', '/_sandbox/overlays', { list: 'devices', id: '*', field: 'displayName', value: 'x' });

    const response = await call(sim, undefined, '/v2/devices');

    expect(response.status).toBe(401);
  });
});
