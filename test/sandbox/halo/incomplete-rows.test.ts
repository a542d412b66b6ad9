import { afterEach, describe, expect, it } from 'vitest';
import { Harness, realSeed } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

const start = async () => (h = await (await Harness.start(realSeed())).login());
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('rows with missing or -1 ids', () => {
  it('render a stock asset with client and site -1 and no names, in lists and by id', async () => {
    await start();

    const list = await h.get('/api/Asset');
    const one = await h.get('/api/Asset/1004');

    expect(ids(list.body.assets)).toEqual([1001, 1002, 1004]);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 1004, client_id: -1, site_id: -1, ninjarmm_id: -1, key_field: 'STOCK-SN' });
    expect(one.body).not.toHaveProperty('client_name');
    expect(one.body).not.toHaveProperty('site_name');
    expect(one.body).not.toHaveProperty('inventory_number');
  });

  it.each([
    ['/api/Asset?client_id=12', 'assets', [1001, 1002]],
    ['/api/Asset?site_id=33', 'assets', [1001, 1002]],
    ['/api/Asset?integration_type=ninjarmm', 'assets', [1001]],
    ['/api/Asset?search=STOCK', 'assets', [1004]],
    ['/api/Users?client_id=12&exclude_generaluser=true', 'users', [44]],
    ['/api/Site?client_id=12', 'sites', [33, 35]],
    ['/api/Site?search=q', 'sites', [33]],
    ['/api/Client?toplevel_id=1', 'clients', [12]],
    ['/api/Client', 'clients', [12, 14]],
  ])('%s skips or keeps them without crashing', async (path, key, expected) => {
    await start();

    const answer = await h.get(path);

    expect(answer.status).toBe(200);
    expect(ids(answer.body[key])).toEqual(expected);
  });

  it('render a site without a name, a user on no site and a client without a top level', async () => {
    await start();

    const site = await h.get('/api/Site/35');
    const user = await h.get('/api/Users/47');
    const client = await h.get('/api/Client/14');

    expect(site.body).toMatchObject({ id: 35, client_id: 12, client_name: 'Contoso' });
    expect(site.body).not.toHaveProperty('name');
    expect(user.text).toContain('"site_id":-1.0,"site_id_int":-1');
    expect(user.body).not.toHaveProperty('site_name');
    expect(user.body).not.toHaveProperty('client_id');
    expect(client.body).toMatchObject({ id: 14, name: 'Woodgrove', ninjarmmid: -1 });
    expect(client.body).not.toHaveProperty('toplevel_id');
    expect(client.body).not.toHaveProperty('toplevel_name');
  });

  it("lists the unnamed site's General User with no site name", async () => {
    await start();

    const answer = await h.get('/api/Users?site_id=35');

    expect(answer.body.users).toEqual([expect.objectContaining({ name: 'General User', site_id_int: 35, client_name: 'Contoso' })]);
    expect(answer.body.users[0]).not.toHaveProperty('site_name');
  });
});

describe('giving a stock asset a client and site', () => {
  it('works with client_id and site_id, after which the client filter finds it', async () => {
    await start();

    const answer = await h.post('/api/Asset', [{ id: 1004, client_id: 12, site_id: 33, inventory_number: 'LAPTOP-004' }]);
    const listed = await h.get('/api/Asset?client_id=12');

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ id: 1004, client_id: 12, client_name: 'Contoso', site_id: 33, site_name: 'HQ', inventory_number: 'LAPTOP-004' });
    expect(ids(listed.body.assets)).toEqual([1001, 1002, 1004]);
  });

  it('works with site_id alone (the client follows the site)', async () => {
    await start();

    const answer = await h.post('/api/Asset', [{ id: 1004, site_id: 40 }]);

    expect(answer.body).toMatchObject({ client_id: 13, site_id: 40 });
  });

  it('asks for a site when only client_id is sent', async () => {
    await start();

    const answer = await h.post('/api/Asset', [{ id: 1004, client_id: 12 }]);

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe("The asset is on no site; send a site_id of client 12 too. Path '[0].site_id'.");
  });

  it('and a user on no site can be put on one', async () => {
    await start();

    const answer = await h.post('/api/Users', [{ id: 47, site_id: 33 }]);

    expect(answer.body).toMatchObject({ id: 47, site_id_int: 33, site_name: 'HQ', client_id: 12 });
  });
});

describe('PATCH /_sandbox/{resource}/{id} with -1 and absent values', () => {
  it('makes a stock asset, a user on no site, a nameless site and a client without a top level', async () => {
    h = await (await Harness.start()).login();

    const results = await Promise.all([
      h.request('PATCH', '/_sandbox/assets/1002', { client_id: -1, site_id: -1 }),
      h.request('PATCH', '/_sandbox/users/44', { site_id: -1 }),
      h.request('PATCH', '/_sandbox/sites/34', { name: null }),
      h.request('PATCH', '/_sandbox/clients/13', { toplevel_id: null }),
    ]);

    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(ids((await h.get('/api/Asset?client_id=12')).body.assets)).toEqual([1001]);
    expect((await h.get('/api/Site/34')).body).not.toHaveProperty('name');
    expect((await h.get('/api/Client/13')).body).not.toHaveProperty('toplevel_id');
  });

  it('still refuses an id that is neither -1 nor a record', async () => {
    h = await Harness.start();

    const answer = await h.request('PATCH', '/_sandbox/assets/1002', { client_id: -2 });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'assets.client_id refers to clients -2, which does not exist' });
  });

  it('checks asset custom field ids against the definitions', async () => {
    h = await Harness.start(realSeed());

    const good = await h.request('PATCH', '/_sandbox/assets/1002', { customfields: [{ id: 202, value: 'x' }] });
    const bad = await h.request('PATCH', '/_sandbox/assets/1002', { customfields: [{ id: 203, value: 'x' }] });

    expect(good.body.customfields).toEqual([{ id: 202, value: 'x' }]);
    expect(bad.body).toEqual({ error: 'assets.customfields[0].id refers to custom field 203, which does not exist' });
  });

  it('edits a field type and its options, and a custom field definition', async () => {
    h = await (await Harness.start(realSeed())).login();

    await h.request('PATCH', '/_sandbox/fields/118', { type: 3, lookup: 7, values: [{ id: 31, name: 'XPS' }] });
    await h.request('PATCH', '/_sandbox/custom-field-definitions/202', { label: 'Site Contact (main)' });

    expect((await h.get('/api/Field/118')).body).toEqual({ id: 118, name: 'Model', type: 3, lookup: 7, values: [{ id: 31, name: 'XPS' }] });
    expect((await h.get('/api/FieldInfo/202')).body.label).toBe('Site Contact (main)');
  });
});
