import { afterEach, describe, expect, it } from 'vitest';
import { Harness, seedWithAssets, smallSeed } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('paging', () => {
  it('caps every page at 100 rows even when page_size=1000, with record_count the total, to the last page', async () => {
    h = await (await Harness.start(seedWithAssets(250))).login();
    const seen: number[] = [];

    const pages = [];
    for (let page = 1; page <= 4; page++) {
      const answer = await h.get(`/api/Asset?pageinate=true&page_size=1000&page_no=${page}`);
      pages.push(answer.body);
      seen.push(...ids(answer.body.assets));
    }

    // 252 active assets: 1001, 1002 and 2001–2250 (1003 is inactive).
    expect(pages.map((p) => p.assets.length)).toEqual([100, 100, 52, 0]);
    expect(pages.map((p) => p.record_count)).toEqual([252, 252, 252, 252]);
    expect(pages[0]).toMatchObject({ page_no: 1, page_size: 100 });
    expect(new Set(seen).size).toBe(252);
    expect(seen.slice(0, 3)).toEqual([1001, 1002, 2001]);
  });

  it('honours a page_size under the cap', async () => {
    h = await (await Harness.start(seedWithAssets(25))).login();

    const answer = await h.get('/api/Asset?pageinate=true&page_size=10&page_no=3');

    expect(answer.body.record_count).toBe(27);
    expect(ids(answer.body.assets)).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025]);
  });

  it('with count=n and no paging returns n rows and record_count n', async () => {
    h = await (await Harness.start(seedWithAssets(25))).login();

    const answer = await h.get('/api/Asset?count=3');

    expect(answer.body).toMatchObject({ record_count: 3 });
    expect(ids(answer.body.assets)).toEqual([1001, 1002, 2001]);
  });

  it('with neither returns everything', async () => {
    h = await (await Harness.start(seedWithAssets(250))).login();

    const answer = await h.get('/api/Asset');

    expect(answer.body.record_count).toBe(252);
    expect(answer.body.assets).toHaveLength(252);
  });
});

describe('envelopes', () => {
  it.each([
    ['/api/Client', 'clients'],
    ['/api/Site', 'sites'],
    ['/api/Users', 'users'],
    ['/api/Asset', 'assets'],
    ['/api/Tickets', 'tickets'],
    ['/api/Actions', 'actions'],
  ])('%s answers {record_count, %s}', async (path, key) => {
    h = await (await Harness.start()).login();

    const answer = await h.get(path);

    expect(Object.keys(answer.body)).toEqual(['record_count', key]);
    expect(answer.body.record_count).toBe(answer.body[key].length);
  });

  it.each(['/api/TicketType', '/api/Status', '/api/Priority', '/api/AssetType', '/api/Field', '/api/AssetGroup', '/api/Outcome', '/api/TopLevel'])(
    '%s answers a bare array',
    async (path) => {
      h = await (await Harness.start()).login();

      const answer = await h.get(path);

      expect(Array.isArray(answer.body)).toBe(true);
      expect(answer.body.length).toBeGreaterThan(0);
    },
  );

  it('returns priority ids as strings', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/Priority');

    expect(answer.body[0]).toEqual({ id: '1', priorityid: 1, name: 'Critical' });
  });

  it('returns a bare object for GET /{id} and 404 for an unknown id', async () => {
    h = await (await Harness.start()).login();

    const found = await h.get('/api/Client/12');
    const missing = await h.get('/api/Client/999');

    expect(found.body).toMatchObject({ id: 12, name: 'Contoso', main_site_id: 33, main_site_name: 'HQ', toplevel_name: 'Managed Clients', ninjarmmid: 501 });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ ClassName: 'System.Exception', Message: 'Client 999 not found' });
  });

  it('returns an inactive record by id', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/Site/34');

    expect(answer.body).toMatchObject({ id: 34, inactive: true });
  });

  it('answers an unknown path with an empty 404', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/NoSuchThing');

    expect(answer.status).toBe(404);
    expect(answer.text).toBe('');
  });
});

describe('filters', () => {
  it.each([
    ['/api/Client', 'clients', [12]],
    ['/api/Client?includeinactive=true', 'clients', [12, 13]],
    ['/api/Client?toplevel_id=2&includeinactive=true', 'clients', [13]],
    ['/api/Client?search=conT', 'clients', [12]],
    ['/api/Site', 'sites', [33, 40]],
    ['/api/Site?client_id=12', 'sites', [33]],
    ['/api/Site?client_id=12&includeinactive=true', 'sites', [33, 34]],
    ['/api/Users', 'users', [44, 46, 47, 48]],
    ['/api/Users?exclude_generaluser=true', 'users', [44]],
    ['/api/Users?client_id=12&includeinactive=true', 'users', [44, 45, 46, 47]],
    ['/api/Users?site_id=33&exclude_generaluser=true', 'users', [44]],
    ['/api/Users?asset_id=1001', 'users', [44]],
    ['/api/Users?search=contoso.example', 'users', [44]],
    ['/api/Asset', 'assets', [1001, 1002]],
    ['/api/Asset?includeinactive=true', 'assets', [1001, 1002, 1003]],
    ['/api/Asset?client_id=12&site_id=33', 'assets', [1001, 1002]],
    ['/api/Asset?site_id=34&includeinactive=true', 'assets', [1003]],
    ['/api/Asset?assettype_id=5', 'assets', [1002]],
    ['/api/Asset?inventory_number=laptop-001', 'assets', [1001]],
    ['/api/Asset?integration_type=ninjarmm', 'assets', [1001]],
    ['/api/Asset?integration_type=datto', 'assets', []],
    ['/api/Asset?user_id=44', 'assets', [1001]],
    ['/api/Asset?search=SN-1', 'assets', [1001]],
    ['/api/Asset?search=srv', 'assets', [1002]],
    ['/api/Asset?search=SN-2', 'assets', []],
  ])('%s', async (path, key, expected) => {
    h = await (await Harness.start()).login();

    const answer = await h.get(path);

    expect(answer.status).toBe(200);
    expect(ids(answer.body[key])).toEqual(expected);
  });

  it('ignores unknown and misspelt parameters, as Halo does', async () => {
    h = await (await Harness.start()).login();

    const plain = await h.get('/api/Asset');
    const odd = await h.get('/api/Asset?tickettypeid=5&clientid=99&frobnicate=yes');

    expect(odd.status).toBe(200);
    expect(odd.text).toBe(plain.text);
  });

  it('reads parameter names case-insensitively', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/Site?Client_ID=13&IncludeInactive=TRUE');

    expect(ids(answer.body.sites)).toEqual([40]);
  });

  it('answers 400 for a value that is not a number', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/Site?client_id=abc');

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe("The value 'abc' is not valid for client_id.");
  });

  it('covers every field value in asset search only with assetSearchCoversFields', async () => {
    h = await (await Harness.start(smallSeed(), { assetSearchCoversFields: true })).login();

    const answer = await h.get('/api/Asset?search=SN-2');

    expect(ids(answer.body.assets)).toEqual([1002]);
  });
});

describe('asset rows', () => {
  it('carry names, users and -1 for no NinjaOne id; fields only with includeassetfields=true', async () => {
    h = await (await Harness.start()).login();

    const plain = await h.get('/api/Asset');
    const withFields = await h.get('/api/Asset?includeassetfields=true');

    expect(plain.body.assets[0]).toMatchObject({
      id: 1001, inventory_number: 'LAPTOP-001', key_field: 'SN-1', client_name: 'Contoso', site_name: 'HQ', assettype_name: 'Workstation',
      ninjarmm_id: 9001, username: 'Jo Bloggs', users: [{ id: 44, name: 'Jo Bloggs', site_name: 'HQ' }],
    });
    expect(plain.body.assets[0].fields).toBeUndefined();
    expect(plain.body.assets[1].ninjarmm_id).toBe(-1);
    expect(withFields.body.assets[0].fields).toEqual([
      { id: 117, name: 'Serial Number', value: 'SN-1', display: 'SN-1' },
      { id: 118, name: 'Model', value: 'XPS 13', display: 'XPS 13' },
    ]);
  });

  it('need an assettype_id filter too for fields when listAssetFieldsRequireTypeFilter is on', async () => {
    h = await (await Harness.start(smallSeed(), { listAssetFieldsRequireTypeFilter: true })).login();

    const without = await h.get('/api/Asset?includeassetfields=true');
    const withType = await h.get('/api/Asset?includeassetfields=true&assettype_id=4');

    expect(without.body.assets[0].fields).toBeUndefined();
    expect(withType.body.assets[0].fields).toHaveLength(2);
  });

  it('GET /api/Asset/{id} always has the fields', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/Asset/1002');

    expect(answer.body.fields).toEqual([{ id: 117, name: 'Serial Number', value: 'SN-2', display: 'SN-2' }]);
  });

  it('asset types carry their group name and field layout', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/AssetType');

    expect(answer.body[0]).toEqual({
      id: 4, name: 'Workstation', assetgroup_id: 1, assetgroup_name: 'Hardware', keyfield_id: 117, keyfield_name: 'Serial Number',
      fields: [
        { id: 117, field_id: 117, field_name: 'Serial Number', sequence: 1 },
        { id: 118, field_id: 118, field_name: 'Model', sequence: 2 },
      ],
    });
  });
});

describe('General Users', () => {
  it('exist for every seeded site that lacks one, after the seed users', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.get('/api/Users?includeinactive=true');

    // Site 33 has its own (46); 34 and 40 get 47 and 48, in site order.
    const general = answer.body.users.filter((u: { name: string }) => u.name === 'General User');
    expect(general.map((u: { id: number; site_id_int: number }) => [u.id, u.site_id_int])).toEqual([[46, 33], [47, 34], [48, 40]]);
  });
});
