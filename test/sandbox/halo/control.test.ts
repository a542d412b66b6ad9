import { afterEach, describe, expect, it } from 'vitest';
import { startHaloSimulator } from '../../../src/sandbox/halo/index.js';
import { Harness, smallSeed } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

describe('GET /_sandbox/state', () => {
  it('dumps every table in the seed shape, without the API apps', async () => {
    h = await (await Harness.start()).login();
    await h.post('/api/Tickets', [{ summary: 'x', client_id: 12 }]);

    const answer = await h.get('/_sandbox/state');

    // customFieldDefinitions (asset custom fields, /api/FieldInfo) joined the state in issue 13;
    // alert routing's slas, teams, agents and categories after it.
    expect(Object.keys(answer.body)).toEqual([
      'topLevels', 'clients', 'sites', 'users', 'assetGroups', 'fields', 'customFieldDefinitions', 'assetTypes', 'assets', 'ticketTypes',
      'statuses', 'outcomes', 'priorities', 'slas', 'teams', 'agents', 'categories', 'tickets', 'actions', 'control',
    ]);
    expect(answer.body.apps).toBeUndefined();
    expect(answer.text).not.toContain('s3cret');
    expect(answer.body.assets[0]).toMatchObject({ id: 1001, fields: [{ id: 117, value: 'SN-1' }, { id: 118, value: 'XPS 13' }], user_ids: [44], ninjarmm_id: 9001 });
    expect(answer.body.tickets[0]).toMatchObject({ id: 1, summary: 'x', client_id: 12, site_id: 33, user_id: 46, asset_ids: [] });
  });

  it('never mutates the seed it was given', async () => {
    const seed = smallSeed();
    const before = structuredClone(seed);
    h = await (await Harness.start(seed)).login();

    await h.post('/api/Asset', [{ id: 1001, fields: [], users: [] }]);
    await h.post('/api/Client', [{ id: 12, name: 'Renamed' }]);

    expect(seed).toEqual(before);
  });

  it('can seed a new simulator (round trip)', async () => {
    h = await (await Harness.start()).login();
    await h.post('/api/Client', [{ name: 'Northwind' }]);
    const state = h.sim.control.state();

    const again = await startHaloSimulator({ ...state, apps: smallSeed().apps }, { now: () => 0 });
    try {
      expect(again.control.state()).toEqual(state);
    } finally {
      await again.stop();
    }
  });
});

describe('PATCH /_sandbox/{resource}/{id}', () => {
  it("edits a record directly, e.g. an asset's field value so a saved plan becomes stale", async () => {
    h = await (await Harness.start()).login();

    const patched = await h.request('PATCH', '/_sandbox/assets/1001', { fields: [{ id: 117, value: 'CHANGED' }, { id: 118, value: 'XPS 13' }] });
    const read = await h.get('/api/Asset/1001');

    expect(patched.status).toBe(200);
    expect(patched.body.fields).toEqual([{ id: 117, value: 'CHANGED' }, { id: 118, value: 'XPS 13' }]);
    expect(read.body.key_field).toBe('CHANGED');
  });

  it('keeps the indexes right after an edit', async () => {
    h = await (await Harness.start()).login();

    await h.request('PATCH', '/_sandbox/asset-types/5', { field_ids: [117, 119] });
    await h.request('PATCH', '/_sandbox/assets/1002', { site_id: 40, client_id: 13, inventory_number: 'MOVED' });

    expect((await h.get('/api/Asset?site_id=40')).body.assets.map((a: { id: number }) => a.id)).toEqual([1002]);
    expect((await h.get('/api/Asset?inventory_number=moved')).body.assets.map((a: { id: number }) => a.id)).toEqual([1002]);
    expect((await h.get('/api/Field?type_id=5')).body.map((f: { id: number }) => f.id)).toEqual([117, 119]);
  });

  it.each([
    ['/_sandbox/assets/1001', { colour: 'red' }, 400, 'unknown field "colour" for assets; known fields: inventory_number, client_id, site_id, assettype_id, inactive, fields, user_ids, ninjarmm_id, notes, warranty_start, warranty_end, labour_warranty_start, labour_warranty_end, supplier_purchasedate, commissiondate, ninja_url, ninja_remote_url, datto_id, datto_alternate_id, datto_url, datto_site_uid, datto_remote_url, third_party_id, customfields, datecreated, last_modified'],
    ['/_sandbox/assets/1001', { inactive: 'yes' }, 400, 'assets.inactive must be true or false, got "yes"'],
    ['/_sandbox/assets/1001', { site_id: 999 }, 400, 'assets.site_id refers to sites 999, which does not exist'],
    ['/_sandbox/assets/1001', { fields: [{ id: 999, value: 1 }] }, 400, 'assets.fields[0].id refers to field 999, which does not exist'],
    ['/_sandbox/assets/1001', { user_ids: [44, 'x'] }, 400, 'assets.user_ids must be an array of integers, got [44,"x"]'],
    ['/_sandbox/assets/1001', { client_id: null }, 400, 'assets.client_id cannot be null'],
    ['/_sandbox/assets/1001', { id: 5 }, 400, 'assets.id cannot be changed (the record is 1001, the body says 5)'],
    ['/_sandbox/assets/4242', { notes: 'x' }, 404, 'assets has no record with id 4242'],
    ['/_sandbox/gadgets/1', { notes: 'x' }, 404, 'unknown resource "gadgets"'],
    ['/_sandbox/statuses/9', { type: 'done' }, 400, 'statuses.type must be "open" or "closed", got "done"'],
  ])('PATCH %s %j → %i', async (path, body, status, error) => {
    h = await Harness.start();

    const answer = await h.request('PATCH', path, body);

    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error });
  });

  it('removes an optional value with null', async () => {
    h = await (await Harness.start()).login();

    await h.request('PATCH', '/_sandbox/clients/12', { ninjarmmid: null });

    expect((await h.get('/api/Client/12')).body.ninjarmmid).toBe(-1);
  });

  it('edits the Control settings', async () => {
    h = await (await Harness.start()).login();

    const patched = await h.request('PATCH', '/_sandbox/control', { allowduplicateinv: false });
    const bad = await h.request('PATCH', '/_sandbox/control', { allowduplicateinv: 'no' });

    expect(patched.body.allowduplicateinv).toBe(false);
    expect((await h.get('/api/Control')).body.allowduplicateinv).toBe(false);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'control.allowduplicateinv must be true or false, got "no"' });
  });

  it('answers a body that is not a JSON object with 400', async () => {
    h = await Harness.start();

    const answer = await h.request('PATCH', '/_sandbox/assets/1001', '[1]');

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'The request body must be a JSON object.' });
  });
});

describe('the request log', () => {
  it('records API calls with their item counts, not control calls', async () => {
    h = await (await Harness.start()).login();
    h.sim.server.clearRequests();

    await h.post('/api/Client', [{ name: 'A' }, { name: 'B' }]);
    await h.get('/_sandbox/state');
    const log = await h.get('/_sandbox/requests');

    expect(log.body).toEqual([expect.objectContaining({ method: 'POST', path: '/api/Client', status: 201, items: 2 })]);
  });
});
