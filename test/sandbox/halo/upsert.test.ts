import { afterEach, describe, expect, it } from 'vitest';
import { Harness, smallSeed } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

async function started(options = {}, seed = smallSeed()): Promise<Harness> {
  h = await (await Harness.start(seed, options)).login();
  return h;
}

describe('POST creates and updates', () => {
  it('creates a record without id (and with id 0), answering 201 with the saved object, new id = max + 1', async () => {
    await started();

    const first = await h.post('/api/Client', [{ name: 'Northwind', toplevel_id: 1, ninjarmmid: 777 }]);
    const second = await h.post('/api/Client', [{ id: 0, name: 'Tailspin' }]);

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 14, name: 'Northwind', toplevel_id: 1, inactive: false, ninjarmmid: 777, datecreated: '2024-05-01T09:30:12.357' });
    expect(second.body).toMatchObject({ id: 15, name: 'Tailspin', toplevel_id: 1, ninjarmmid: -1 });
    expect((await h.get('/api/Client/14')).body).toEqual(first.body);
  });

  it('updates only the properties sent', async () => {
    await started();

    const answer = await h.post('/api/Site', [{ id: 33, ninjarmmid: 999 }]);

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ id: 33, name: 'HQ', client_id: 12, ninjarmmid: 999, inactive: false });
  });

  it('answers 404 for an update of an unknown id', async () => {
    await started();

    const answer = await h.post('/api/Asset', [{ id: 4242, notes: 'x' }]);

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ ClassName: 'System.Exception', Message: 'Asset 4242 not found' });
  });

  it('answers a single object for one item and an array for several', async () => {
    await started();

    const one = await h.post('/api/Client', [{ name: 'One' }]);
    const two = await h.post('/api/Client', [{ name: 'Two' }, { id: 12, notes: 'updated' }]);

    expect(Array.isArray(one.body)).toBe(false);
    expect(two.body.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([[15, 'Two'], [12, 'Contoso']]);
  });

  it("answers the first saved object for several with multiPostResponse: 'first'", async () => {
    await started({ multiPostResponse: 'first' });

    const answer = await h.post('/api/Client', [{ name: 'Two' }, { name: 'Three' }]);

    expect(answer.body).toMatchObject({ id: 14, name: 'Two' });
    expect((await h.get('/api/Client/15')).body.name).toBe('Three');
  });

  it('refuses an object body with a message saying to send an array', async () => {
    await started();

    const answer = await h.post('/api/Client', { name: 'Solo' });

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toContain('requires a JSON array');
    expect(answer.body.Message).toContain('[{…}]');
  });

  it('refuses invalid JSON', async () => {
    await started();

    const answer = await h.post('/api/Client', '[{"name": ');

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toMatch(/^The request body is not valid JSON/);
  });

  it.each([
    ['/api/Tickets', '[{"summary":"x","client_id":12,"site_id":33.0,"user_id":44}]', "Input string '33.0' is not a valid integer. Path '[0].site_id'."],
    ['/api/Asset', '[{"id":1001,"fields":[{"id":117.0,"value":"x"}]}]', "Input string '117.0' is not a valid integer. Path '[0].fields[0].id'."],
    ['/api/Client', '[{"name":"a"},{"id":95.0,"notes":"x"}]', "Input string '95.0' is not a valid integer. Path '[1].id'."],
  ])('refuses an integer id written as a decimal (%s)', async (path, body, message) => {
    await started();

    const answer = await h.post(path, body);

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe(message);
  });

  it("accepts a site's client_id and a user's site_id as doubles (Halo types them double)", async () => {
    await started();

    const site = await h.post('/api/Site', '[{"name":"Annex","client_id":12.0}]');
    const user = await h.post('/api/Users', '[{"name":"Kim","site_id":33.0}]');

    expect(site.status).toBe(201);
    expect(user.status).toBe(201);
  });

  it('ignores unknown properties', async () => {
    await started();

    const answer = await h.post('/api/Client', [{ name: 'Odd', frobnicate: true, _match_thirdparty_id: 'x' }]);

    expect(answer.status).toBe(201);
    expect(answer.body.frobnicate).toBeUndefined();
  });
});

describe('validation', () => {
  it.each([
    ['/api/Client', [{ toplevel_id: 1 }], "name is required to create a client. Path '[0].name'."],
    ['/api/Client', [{ name: 'x', toplevel_id: 99 }], "Top level 99 does not exist. Path '[0].toplevel_id'."],
    ['/api/Site', [{ client_id: 12 }], "name is required to create a site. Path '[0].name'."],
    ['/api/Site', [{ name: 'Annex' }], "client_id is required to create a site. Path '[0].client_id'."],
    ['/api/Site', [{ name: 'Annex', client_id: 99 }], "Client 99 does not exist. Path '[0].client_id'."],
    ['/api/Users', [{ name: 'Kim' }], "site_id is required to create a user. Path '[0].site_id'."],
    ['/api/Asset', [{ site_id: 33, assettype_id: 4 }], "client_id is required to create an asset. Path '[0].client_id'."],
    ['/api/Asset', [{ client_id: 12, assettype_id: 4 }], "site_id is required to create an asset. Path '[0].site_id'."],
    ['/api/Asset', [{ client_id: 12, site_id: 33 }], "assettype_id is required to create an asset. Path '[0].assettype_id'."],
    ['/api/Asset', [{ client_id: 12, site_id: 99, assettype_id: 4 }], "Site 99 does not exist. Path '[0].site_id'."],
    ['/api/Asset', [{ client_id: 12, site_id: 33, assettype_id: 99 }], "Asset type 99 does not exist. Path '[0].assettype_id'."],
    ['/api/Asset', [{ client_id: 13, site_id: 33, assettype_id: 4 }], "Site 33 belongs to client 12, not client 13. Path '[0].site_id'."],
    ['/api/Asset', [{ id: 1001, users: [{ id: 999 }] }], "User 999 does not exist. Path '[0].users[0].id'."],
    ['/api/Tickets', [{ details: 'no summary' }], "summary is required to create a ticket. Path '[0].summary'."],
    ['/api/Tickets', [{ summary: 'x', tickettype_id: 99 }], "Ticket type 99 does not exist. Path '[0].tickettype_id'."],
    ['/api/Tickets', [{ summary: 'x', client_id: 99 }], "Client 99 does not exist. Path '[0].client_id'."],
    ['/api/Tickets', [{ summary: 'x', client_id: 12, user_id: 44 }], "site_id is required when a specific user is set on a ticket (user_id 44). Path '[0].site_id'."],
    ['/api/Client', [{ name: 42 }], null],
    ['/api/Client', [{ name: 'x', inactive: 'maybe' }], 'Could not convert "maybe" to a boolean. Path \'[0].inactive\'.'],
    ['/api/Client', [{ name: 'x', toplevel_id: 'one' }], 'Could not convert "one" to an integer. Path \'[0].toplevel_id\'.'],
  ])('%s %j', async (path, body, message) => {
    await started();

    const answer = await h.post(path, body);

    if (message === null) {
      // Newtonsoft binds a number into a string property.
      expect(answer.status).toBe(201);
      return;
    }
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ ClassName: 'System.Exception', Message: message });
  });

  it('keeps the items before a failing one (batchFailure: partial, the default)', async () => {
    await started();

    const answer = await h.post('/api/Client', [{ name: 'Saved' }, { toplevel_id: 1 }, { name: 'Never' }]);

    expect(answer.status).toBe(400);
    const names = h.sim.control.state().clients.map((c) => c.name);
    expect(names).toContain('Saved');
    expect(names).not.toContain('Never');
  });

  it("undoes the whole batch with batchFailure: 'atomic', ids included", async () => {
    await started({ batchFailure: 'atomic' });

    const failed = await h.post('/api/Client', [{ name: 'Undone' }, { toplevel_id: 1 }]);
    const next = await h.post('/api/Client', [{ name: 'After' }]);

    expect(failed.status).toBe(400);
    expect(h.sim.control.state().clients.map((c) => c.name)).toEqual(['Contoso', 'Fabrikam', 'After']);
    expect(h.sim.control.state().sites.map((s) => s.name)).toEqual(['HQ', 'Branch', 'Fabrikam Main', 'Main']);
    expect(next.body.id).toBe(14);
  });
});

describe('nested arrays are replaced whole', () => {
  it('posting one field value on an asset loses the others (HaloAPI #13)', async () => {
    await started();

    await h.post('/api/Asset', [{ id: 1001, fields: [{ id: 118, value: 'XPS 15' }] }]);
    const answer = await h.get('/api/Asset/1001');

    expect(answer.body.fields).toEqual([{ id: 118, name: 'Model', value: 'XPS 15', display: 'XPS 15' }]);
    expect(answer.body.inventory_number).toBe('LAPTOP-001');
  });

  it('keeps the fields when the update does not send them', async () => {
    await started();

    await h.post('/api/Asset', [{ id: 1001, notes: 'checked' }]);
    const answer = await h.get('/api/Asset/1001');

    expect(answer.body.fields).toHaveLength(2);
    expect(answer.body.notes).toBe('checked');
  });

  it('replaces the users of an asset', async () => {
    await started();

    await h.post('/api/Asset', [{ id: 1001, users: [{ id: 46 }] }]);
    const answer = await h.get('/api/Asset/1001');

    expect(answer.body.users.map((u: { id: number }) => u.id)).toEqual([46]);
    expect((await h.get('/api/Asset?user_id=44')).body.assets).toEqual([]);
  });

  it('replaces customfields', async () => {
    await started();

    await h.post('/api/Client', [{ id: 12, customfields: [{ id: 1, value: 'a' }, { id: 2, value: 'b' }] }]);
    const answer = await h.post('/api/Client', [{ id: 12, customfields: [{ id: 2, value: 'c' }] }]);

    expect(answer.body.customfields).toEqual([{ id: 2, value: 'c', display: 'c' }]);
  });

  it("replaces an asset type's field layout, in sequence order", async () => {
    await started();

    const answer = await h.post('/api/AssetType', [{ id: 4, fields: [{ field_id: 119, sequence: 2 }, { field_id: 117, sequence: 1 }] }]);

    expect(answer.body.fields.map((f: { field_id: number }) => f.field_id)).toEqual([117, 119]);
  });
});

describe('asset writes', () => {
  it('create with fields, users, ninjarmm_id, inventory_number', async () => {
    await started();

    const answer = await h.post('/api/Asset', [
      { client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'LAPTOP-047', ninjarmm_id: 9047, fields: [{ id: 117, value: '5CG1234XYZ' }], users: [{ id: 44 }], _dontaddnewfields: true },
    ]);

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      id: 1004, inventory_number: 'LAPTOP-047', key_field: '5CG1234XYZ', ninjarmm_id: 9047, client_name: 'Contoso', site_name: 'HQ',
      fields: [{ id: 117, name: 'Serial Number', value: '5CG1234XYZ', display: '5CG1234XYZ' }], users: [{ id: 44 }],
    });
  });

  it('accepts field refs by name, ignoring names that are no field', async () => {
    await started();

    const answer = await h.post('/api/Asset', [{ id: 1001, fields: [{ name: 'serial number', value: 'NEW' }, { name: 'Colour', value: 'red' }] }]);

    expect(answer.body.fields).toEqual([{ id: 117, name: 'Serial Number', value: 'NEW', display: 'NEW' }]);
  });

  it("adds a field the type lacks to the type, unless _dontaddnewfields", async () => {
    await started();

    const kept = await h.post('/api/Asset', [{ id: 1002, fields: [{ id: 119, value: '2027-01-01' }], _dontaddnewfields: true }]);
    const added = await h.post('/api/Asset', [{ id: 1002, fields: [{ id: 119, value: '2027-01-01' }] }]);

    expect(kept.body.fields).toEqual([]);
    expect(added.body.fields).toEqual([{ id: 119, name: 'Warranty End', value: '2027-01-01', display: '2027-01-01' }]);
    expect((await h.get('/api/AssetType/5')).body.fields.map((f: { field_id: number }) => f.field_id)).toEqual([117, 119]);
  });

  it('moves an asset to another site and, with it, to that site\'s client', async () => {
    await started();

    const answer = await h.post('/api/Asset', [{ id: 1002, site_id: 40 }]);

    expect(answer.body).toMatchObject({ client_id: 13, site_id: 40, site_name: 'Fabrikam Main' });
  });

  it.each([
    ['2027-01-31', '2027-01-31T00:00:00.000'],
    ['2027-01-31T08:15:00', '2027-01-31T08:15:00.000'],
    ['2027-01-31T08:15:00.1234567', '2027-01-31T08:15:00.123'],
    ['2027-01-31T08:15:00+02:00', '2027-01-31T06:15:00.000'],
  ])('stores the date %s as Halo returns it: %s', async (sent, stored) => {
    await started();

    const answer = await h.post('/api/Asset', [{ id: 1001, warranty_end: sent, commissiondate: sent }]);

    expect(answer.body).toMatchObject({ warranty_end: stored, commissiondate: stored });
  });

  it('refuses a date it cannot read, and clears one with an empty string', async () => {
    await started();
    await h.post('/api/Asset', [{ id: 1001, warranty_end: '2027-01-31' }]);

    const bad = await h.post('/api/Asset', [{ id: 1001, warranty_end: '31/01/2027' }]);
    const cleared = await h.post('/api/Asset', [{ id: 1001, warranty_end: '' }]);

    expect(bad.status).toBe(400);
    expect(bad.body.Message).toBe("Could not convert string to DateTime: 31/01/2027. Path '[0].warranty_end'.");
    expect(cleared.body.warranty_end).toBeUndefined();
  });

  it('clears ninjarmm_id with 0', async () => {
    await started();

    const answer = await h.post('/api/Asset', [{ id: 1001, ninjarmm_id: 0 }]);

    expect(answer.body.ninjarmm_id).toBe(-1);
    expect((await h.get('/api/Asset?integration_type=ninjarmm')).body.assets).toEqual([]);
  });
});

describe('"Asset tag must be unique"', () => {
  it('is off while Control allowduplicateinv is true', async () => {
    await started();

    const answer = await h.post('/api/Asset', [{ client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'LAPTOP-001' }]);

    expect(answer.status).toBe(201);
  });

  it('refuses a create or update that reuses an active tag once allowduplicateinv is false', async () => {
    await started();
    await h.post('/api/Control', [{ allowduplicateinv: false }]);

    const create = await h.post('/api/Asset', [{ client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'laptop-001' }]);
    const update = await h.post('/api/Asset', [{ id: 1002, inventory_number: 'LAPTOP-001' }]);
    const sameAsset = await h.post('/api/Asset', [{ id: 1001, inventory_number: 'LAPTOP-001', notes: 'x' }]);
    const inactiveTag = await h.post('/api/Asset', [{ client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'LAPTOP-OLD' }]);

    expect(create.status).toBe(400);
    expect(create.body).toEqual({ ClassName: 'System.Exception', Message: 'Asset tag must be unique' });
    expect(update.status).toBe(400);
    expect(update.body.Message).toBe('Asset tag must be unique');
    expect(sameAsset.status).toBe(201);
    expect(inactiveTag.status).toBe(201);
  });

  it('refuses two new assets with one tag in the same batch', async () => {
    await started();
    await h.post('/api/Control', [{ allowduplicateinv: false }]);

    const answer = await h.post('/api/Asset', [
      { client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'DUP' },
      { client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'DUP' },
    ]);

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe('Asset tag must be unique');
  });
});

describe('Control', () => {
  it('GET returns the settings object; POST merges into it', async () => {
    await started();

    const posted = await h.post('/api/Control', [{ allowduplicateinv: false, ninja_sitemappings: [{ halo_id: 33, third_party_id: '601' }] }]);
    const read = await h.get('/api/Control');

    expect(posted.status).toBe(201);
    expect(read.body).toEqual({ allowduplicateinv: false, ninja_alert_webhooks: false, ninja_sitemappings: [{ halo_id: 33, third_party_id: '601' }] });
  });
});

describe('asset types and fields', () => {
  it('creates a field and adds it to every asset type with AddFieldToAll', async () => {
    await started();

    const field = await h.post('/api/Field', [{ name: 'Last User' }]);
    const add = await h.request('POST', `/api/Field/AddFieldToAll/${field.body.id}`);
    const types = await h.get('/api/AssetType');

    expect(field.body).toEqual({ id: 120, name: 'Last User' });
    expect(add.status).toBe(200);
    expect(types.body.map((t: { fields: { field_id: number }[] }) => t.fields.map((f) => f.field_id))).toEqual([[117, 118, 120], [117, 120]]);
  });

  it('answers 404 for AddFieldToAll of an unknown field', async () => {
    await started();

    const answer = await h.request('POST', '/api/Field/AddFieldToAll/999');

    expect(answer.status).toBe(404);
  });

  it('refuses a second field with the same name', async () => {
    await started();

    const answer = await h.post('/api/Field', [{ name: 'serial number' }]);

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe('A field named "Serial Number" already exists (id 117). Path \'[0].name\'.');
  });

  it('creates an asset type with fields', async () => {
    await started();

    const answer = await h.post('/api/AssetType', [{ name: 'Network Device', assetgroup_id: 1, fields: [{ field_id: 117 }, { field_id: 118 }] }]);

    expect(answer.body).toMatchObject({ id: 6, name: 'Network Device', assetgroup_name: 'Hardware' });
    expect(answer.body.fields.map((f: { field_name: string }) => f.field_name)).toEqual(['Serial Number', 'Model']);
  });
});

describe('sites, users and clients', () => {
  it('gives every site created through the API its General User', async () => {
    await started();

    const site = await h.post('/api/Site', [{ name: 'Annex', client_id: 12, ninjarmmid: 602 }]);
    const users = await h.get(`/api/Users?site_id=${site.body.id}`);
    const real = await h.get(`/api/Users?site_id=${site.body.id}&exclude_generaluser=true`);

    expect(site.body).toMatchObject({ id: 41, name: 'Annex', client_name: 'Contoso', ninjarmmid: 602 });
    expect(users.body.users).toEqual([expect.objectContaining({ id: 49, name: 'General User', site_id_int: 41 })]);
    expect(real.body.users).toEqual([]);
  });

  it('gives a new client a main site named from newclient_sitename, with its General User', async () => {
    await started();

    const client = await h.post('/api/Client', [{ name: 'Northwind', toplevel_id: 1, newclient_sitename: 'Head Office', ninjarmmid: 777 }]);
    const sites = await h.get(`/api/Site?client_id=${client.body.id}`);

    expect(client.body).toMatchObject({ id: 14, main_site_id: 41, main_site_name: 'Head Office' });
    expect(sites.body.sites.map((s: { name: string }) => s.name)).toEqual(['Head Office']);
    expect((await h.get('/api/Users?site_id=41')).body.users[0].name).toBe('General User');
  });

  it('names the main site "Main" without newclient_sitename, and makes none with clientCreatesMainSite: false', async () => {
    await started();
    const withSite = await h.post('/api/Client', [{ name: 'A' }]);
    await h.stop();
    await started({ clientCreatesMainSite: false });
    const without = await h.post('/api/Client', [{ name: 'B' }]);

    expect(withSite.body.main_site_name).toBe('Main');
    expect(without.body.main_site_id).toBeUndefined();
    expect((await h.get('/api/Site?client_id=14')).body.sites).toEqual([]);
  });

  it('creates a user from firstname and surname', async () => {
    await started();

    const answer = await h.post('/api/Users', [{ firstname: 'Kim', surname: 'Lee', emailaddress: 'kim@contoso.example', site_id: 33 }]);

    expect(answer.body).toMatchObject({ name: 'Kim Lee', site_name: 'HQ', client_id: 12, client_name: 'Contoso' });
  });

  it('deactivates instead of deleting: inactive rows leave the default lists', async () => {
    await started();

    await h.post('/api/Site', [{ id: 33, inactive: true }]);

    expect((await h.get('/api/Site?client_id=12')).body.sites).toEqual([]);
  });

  it('refuses to delete a client that still has sites', async () => {
    await started();

    const answer = await h.request('DELETE', '/api/Client/12');

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toContain('still has 2 site(s)');
  });
});
