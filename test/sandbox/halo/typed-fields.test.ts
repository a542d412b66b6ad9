import { afterEach, describe, expect, it } from 'vitest';
import { Harness, realSeed } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

const start = async () => (h = await (await Harness.start(realSeed())).login());

describe('/api/Field: type, lookup and options', () => {
  it('renders type, lookup and values where a field has them, and only id and name where it has none', async () => {
    await start();

    const list = await h.get('/api/Field');
    const one = await h.get('/api/Field/121');

    expect(list.body).toEqual([
      { id: 117, name: 'Serial Number' },
      { id: 118, name: 'Model' },
      { id: 119, name: 'Warranty End', type: 1 },
      { id: 120, name: 'Support Tier', type: 3, lookup: 1, values: [{ id: 1, name: 'Bronze' }, { id: 2, name: 'Silver' }, { id: 3, name: 'Gold' }] },
      { id: 121, name: 'Managed Services', type: 4, lookup: 2, values: [{ id: 11, name: 'Backup' }, { id: 12, name: 'Antivirus' }, { id: 13, name: 'Patching' }] },
    ]);
    expect(one.body).toEqual(list.body[4]);
  });

  it('creates a selection field: options get ids unique across all fields, the field a lookup', async () => {
    await start();

    const created = await h.post('/api/Field', [{ name: 'Warranty Type', type: 3, values: [{ name: 'Onsite' }, { name: 'Return to base' }] }]);
    const read = await h.get(`/api/Field/${created.body.id}`);

    // The highest option id anywhere is 22 (custom field 201), the highest lookup 2.
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 122, name: 'Warranty Type', type: 3, lookup: 3, values: [{ id: 23, name: 'Onsite' }, { id: 24, name: 'Return to base' }] });
    expect(read.body).toEqual(created.body);
  });

  it('replaces the options whole: an id keeps (and may rename) its option, no id adds one, a missing one is gone', async () => {
    await start();

    const answer = await h.post('/api/Field', [{ id: 120, values: [{ id: 1, name: 'Bronze' }, { id: 2, name: 'Silver Plus' }, { name: 'Platinum' }] }]);

    expect(answer.body.values).toEqual([{ id: 1, name: 'Bronze' }, { id: 2, name: 'Silver Plus' }, { id: 23, name: 'Platinum' }]);
    expect((await h.get('/api/Field/120')).body.values).toEqual(answer.body.values);
  });

  it('creates typed fields without options', async () => {
    await start();

    const answer = await h.post('/api/Field', [{ name: 'Rack Units', type: 2 }, { name: 'BYOD', type: 6 }, { name: 'Last Audit', type: 5 }]);

    expect(answer.body).toEqual([
      { id: 122, name: 'Rack Units', type: 2 },
      { id: 123, name: 'BYOD', type: 6 },
      { id: 124, name: 'Last Audit', type: 5 },
    ]);
  });

  it('drops the options when a selection becomes text', async () => {
    await start();

    const answer = await h.post('/api/Field', [{ id: 120, type: 0 }]);

    expect(answer.body).toEqual({ id: 120, name: 'Support Tier', type: 0, lookup: 1 });
  });

  it.each([
    [[{ name: 'X', type: 9 }], "Unknown field type 9; the types are 0 text, 1 date, 2 number, 3 single selection, 4 multiple selection, 5 date-time, 6 checkbox, 7 memo. Path '[0].type'."],
    [[{ name: 'X', type: 0, values: [{ name: 'a' }] }], "values are the options of a selection field (type 3 or 4); this field's type is 0. Path '[0].values'."],
    [[{ id: 117, values: [{ name: 'a' }] }], "values are the options of a selection field (type 3 or 4); this field's type is not set. Path '[0].values'."],
    [[{ name: 'X', type: 3, values: [{ id: 5 }] }], "Each option needs a name. Path '[0].values[0].name'."],
    [[{ name: 'X', type: 4, values: [{ name: 'a' }, { name: 'A ' }] }], "The option \"A \" is listed twice. Path '[0].values[1].name'."],
  ])('refuses %j', async (body, message) => {
    await start();

    const answer = await h.post('/api/Field', body);

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe(message);
  });
});

describe('/api/FieldInfo: asset custom fields', () => {
  const contractTier = {
    id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 3, usage: 5, values: [{ id: 21, name: 'Essentials' }, { id: 22, name: 'Professional' }],
  };
  const siteContact = { id: 202, name: 'CFsiteContact', label: 'Site Contact', type: 0, usage: 5 };

  it.each(['/api/FieldInfo?typeid=5', '/api/FieldInfo', '/api/fieldinfo?TypeId=5&includevalues=true'])('%s answers a bare array of the asset custom fields', async (path) => {
    await start();

    const answer = await h.get(path);

    expect(answer.body).toEqual([contractTier, siteContact]);
  });

  it.each(['1', '2', '3'])('lists none for typeid=%s (only asset custom fields are modelled)', async (typeid) => {
    await start();

    expect((await h.get(`/api/FieldInfo?typeid=${typeid}`)).body).toEqual([]);
  });

  it('reads one by id, and answers 404 for an unknown one', async () => {
    await start();

    const one = await h.get('/api/FieldInfo/201');
    const none = await h.get('/api/FieldInfo/999');

    expect(one.body).toEqual(contractTier);
    expect(none.status).toBe(404);
    expect(none.body.Message).toBe('Custom field 999 not found');
  });

  it('needs a read scope on assets', async () => {
    h = await Harness.start(realSeed());

    await h.login({ clientId: 'reader', clientSecret: 'r' });
    const reader = await h.get('/api/FieldInfo?typeid=5');
    await h.login({ clientId: 'customers', clientSecret: 'c' });
    const customers = await h.get('/api/FieldInfo?typeid=5');

    expect(reader.status).toBe(200);
    expect(customers.status).toBe(403);
  });
});

describe('asset field values of typed fields', () => {
  it('holds option ids and shows option names in display', async () => {
    await start();

    const answer = await h.get('/api/Asset/1001');

    expect(answer.body.fields).toEqual([
      { id: 117, name: 'Serial Number', value: 'SN-1', display: 'SN-1' },
      { id: 118, name: 'Model', value: 'XPS 13', display: 'XPS 13' },
      { id: 120, name: 'Support Tier', value: 2, display: 'Silver' },
      { id: 121, name: 'Managed Services', value: [11, 13], display: 'Backup, Patching' },
    ]);
  });

  it('stores a selection posted as a number string as the option id, and one option of a multiple selection as a list', async () => {
    await start();

    const answer = await h.post('/api/Asset', [{ id: 1002, fields: [{ id: 117, value: 'SN-2' }, { name: 'Support Tier', value: '3' }, { id: 121, value: 12 }] }]);

    expect(answer.body.fields).toEqual([
      { id: 117, name: 'Serial Number', value: 'SN-2', display: 'SN-2' },
      { id: 120, name: 'Support Tier', value: 3, display: 'Gold' },
      { id: 121, name: 'Managed Services', value: [12], display: 'Antivirus' },
    ]);
  });

  it('reads a multiple selection posted as comma-separated ids as a list', async () => {
    await start();

    const answer = await h.post('/api/Asset', [{ id: 1001, fields: [{ id: 121, value: '12, 13' }] }]);

    expect(answer.body.fields).toEqual([{ id: 121, name: 'Managed Services', value: [12, 13], display: 'Antivirus, Patching' }]);
  });

  it('shows an option id no option has by its number', async () => {
    await start();

    const answer = await h.post('/api/Asset', [{ id: 1001, fields: [{ id: 120, value: 99 }, { id: 121, value: [11, 98] }] }]);

    expect(answer.body.fields).toEqual([
      { id: 120, name: 'Support Tier', value: 99, display: '99' },
      { id: 121, name: 'Managed Services', value: [11, 98], display: 'Backup, 98' },
    ]);
  });

  it('keeps dates, date-times, numbers and checkboxes as sent', async () => {
    await start();
    await h.post('/api/Field', [{ name: 'Rack Units', type: 2 }, { name: 'BYOD', type: 6 }, { name: 'Last Audit', type: 5 }]);

    const answer = await h.post('/api/Asset', [{
      id: 1002,
      fields: [{ id: 119, value: '2027-01-31' }, { name: 'Rack Units', value: 2 }, { name: 'BYOD', value: false }, { name: 'Last Audit', value: '2026-08-30T14:05:00' }],
    }]);

    expect(answer.body.fields.map((f: { id: number; value: unknown; display: string }) => [f.id, f.value, f.display])).toEqual([
      [119, '2027-01-31', '2027-01-31'],
      [122, 2, '2'],
      [123, false, 'false'],
      [124, '2026-08-30T14:05:00', '2026-08-30T14:05:00'],
    ]);
  });
});

describe('asset customfields', () => {
  it('reads them named and typed from their definitions, in lists and by id', async () => {
    await start();

    const one = await h.get('/api/Asset/1001');
    const list = await h.get('/api/Asset?assettype_id=4&includeassetfields=true');

    expect(one.body.customfields).toEqual([{ id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 3, value: 22, display: 'Professional' }]);
    expect(list.body.assets[0].customfields).toEqual(one.body.customfields);
  });

  it('writes them by name or id, replacing the whole array', async () => {
    await start();

    const byName = await h.post('/api/Asset', [{ id: 1001, customfields: [{ name: 'CFsiteContact', value: 'Reception' }] }]);
    const byId = await h.post('/api/Asset', [{ id: 1001, customfields: [{ id: 202, value: 'Facilities' }, { id: 201, value: '21' }] }]);

    expect(byName.body.customfields).toEqual([{ id: 202, name: 'CFsiteContact', label: 'Site Contact', type: 0, value: 'Reception', display: 'Reception' }]);
    expect(byId.body.customfields).toEqual([
      { id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 3, value: 21, display: 'Essentials' },
      { id: 202, name: 'CFsiteContact', label: 'Site Contact', type: 0, value: 'Facilities', display: 'Facilities' },
    ]);
    expect(h.sim.control.state().assets.find((a) => a.id === 1001)!.customfields).toEqual([{ id: 201, value: 21 }, { id: 202, value: 'Facilities' }]);
  });

  it('ignores refs to no custom field, keeps them when customfields is not sent, and clears them with []', async () => {
    await start();

    const unknown = await h.post('/api/Asset', [{ id: 1001, customfields: [{ id: 999, value: 'x' }, { name: 'CFnothing', value: 'y' }, { name: 'cfcontracttier', value: 21 }] }]);
    const untouched = await h.post('/api/Asset', [{ id: 1001, notes: 'n' }]);
    const cleared = await h.post('/api/Asset', [{ id: 1001, customfields: [] }]);

    expect(unknown.body.customfields).toEqual([{ id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 3, value: 21, display: 'Essentials' }]);
    expect(untouched.body.customfields).toEqual(unknown.body.customfields);
    expect(cleared.body.customfields).toEqual([]);
  });
});

describe('ninja_url and ninja_remote_url', () => {
  it('are stored, read back, and cleared with null', async () => {
    await start();
    const url = 'https://eu.ninjarmm.com/#/deviceDashboard/9001/overview';

    await h.post('/api/Asset', [{ id: 1001, ninja_url: url, ninja_remote_url: `${url}?remote=1` }]);
    const read = await h.get('/api/Asset/1001');
    const listed = await h.get('/api/Asset?integration_type=ninjarmm');
    await h.post('/api/Asset', [{ id: 1001, ninja_url: null }]);
    const cleared = await h.get('/api/Asset/1001');

    expect(read.body).toMatchObject({ ninjarmm_id: 9001, ninja_url: url, ninja_remote_url: `${url}?remote=1` });
    expect(listed.body.assets.map((a: { id: number; ninja_url: string }) => [a.id, a.ninja_url])).toEqual([[1001, url]]);
    expect(cleared.body.ninja_url).toBeUndefined();
    expect(cleared.body.ninja_remote_url).toBe(`${url}?remote=1`);
  });
});
