import { afterEach, describe, expect, it } from 'vitest';
import { HALO_CONTROL_ROUTES, HALO_OVERLAY_LISTS } from '../../../src/sandbox/halo/index.js';
import { Harness, realSeed } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

const start = async () => (h = await (await Harness.start(realSeed())).login());
const overlay = (body: unknown) => h.request('POST', '/_sandbox/overlays', body);

describe('row overlays', () => {
  it('drop a field from one row, in the list and the by-id read, leaving the simulator its data', async () => {
    await start();

    const added = await overlay({ list: 'Site', id: 33, field: 'name', drop: true });
    const list = await h.get('/api/Site');
    const one = await h.get('/api/Site/33');

    expect(added.status).toBe(201);
    expect(list.body.sites.find((s: { id: number }) => s.id === 33)).not.toHaveProperty('name');
    expect(list.body.sites.find((s: { id: number }) => s.id === 40).name).toBe('Fabrikam Main');
    expect(one.body).not.toHaveProperty('name');
    expect(one.text).toContain('"client_id":12.0');
    expect(h.sim.control.state().sites.find((s) => s.id === 33)!.name).toBe('HQ');
  });

  it.each([
    ['null', { list: 'Client', id: 12, field: 'ninjarmmid', value: null }, '/api/Client/12', '"ninjarmmid":null'],
    ['""', { list: 'Asset', id: 1001, field: 'inventory_number', value: '' }, '/api/Asset/1001', '"inventory_number":""'],
    ['-1', { list: 'Users', id: 44, field: 'site_id', value: -1 }, '/api/Users/44', '"site_id":-1,'],
    ['a decimal id', { list: 'Asset', id: 1001, field: 'client_id', value: 12.5 }, '/api/Asset/1001', '"client_id":12.5'],
    ['a string id', { list: 'Priority', id: 2, field: 'name', value: '' }, '/api/Priority/2', '"id":"2","priorityid":2,"name":""'],
    ['a nested path', { list: 'Asset', id: 1001, field: 'extra.ninja.id', value: 7 }, '/api/Asset/1001', '"extra":{"ninja":{"id":7}}'],
  ])('set a field to %s', async (_what, body, path, text) => {
    await start();

    await overlay(body);
    const answer = await h.get(path);

    expect(answer.text).toContain(text);
  });

  it('apply to every row of a list with id "*", the list named in any case', async () => {
    await start();

    await overlay([{ list: 'asset', id: '*', field: 'client_id', value: -1 }, { list: 'FIELDINFO', id: '*', field: 'values', drop: true }]);
    const assets = await h.get('/api/Asset');
    const fieldInfo = await h.get('/api/FieldInfo?typeid=5');

    expect(assets.body.assets.map((a: { client_id: number }) => a.client_id)).toEqual([-1, -1, -1]);
    expect(fieldInfo.body.map((f: Record<string, unknown>) => 'values' in f)).toEqual([false, false]);
  });

  it.each(Object.entries({
    TopLevel: '/api/TopLevel', Client: '/api/Client', Site: '/api/Site', Users: '/api/Users', AssetGroup: '/api/AssetGroup', Field: '/api/Field',
    FieldInfo: '/api/FieldInfo', AssetType: '/api/AssetType', Asset: '/api/Asset', TicketType: '/api/TicketType', Status: '/api/Status',
    Outcome: '/api/Outcome', Priority: '/api/Priority', Tickets: '/api/Tickets', Actions: '/api/Actions',
  }))('cover %s (%s)', async (list, path) => {
    await start();
    await h.post('/api/Tickets', [{ summary: 'x', client_id: 12 }]);
    await h.post('/api/Actions', [{ ticket_id: 1, outcome_id: 7, note: 'n' }]);

    await overlay({ list, id: '*', field: 'marked', value: true });
    const listed = await h.get(path);
    const rows: Record<string, unknown>[] = Array.isArray(listed.body) ? listed.body : Object.values(listed.body).find(Array.isArray) as Record<string, unknown>[];
    const one = await h.get(`${path}/${String(rows[0]!.id)}`);

    expect(HALO_OVERLAY_LISTS[list]).toBe(path);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.marked === true)).toBe(true);
    expect(one.body.marked).toBe(true);
  });

  it('are not applied to what a POST answers', async () => {
    await start();

    await overlay({ list: 'Client', id: 12, field: 'name', drop: true });
    const answer = await h.post('/api/Client', [{ id: 12, notes: 'n' }]);

    expect(answer.body.name).toBe('Contoso');
  });

  it('are listed by GET and removed by DELETE', async () => {
    await start();
    await overlay([{ list: 'site', id: 33, field: 'name', drop: true }, { list: 'Asset', id: '*', field: 'inventory_number', value: null }]);

    const listed = await h.get('/_sandbox/overlays');
    const deleted = await h.request('DELETE', '/_sandbox/overlays');
    const after = await h.get('/api/Site/33');

    expect(listed.body).toEqual([
      { list: 'Site', id: 33, field: 'name', drop: true },
      { list: 'Asset', id: '*', field: 'inventory_number', value: null },
    ]);
    expect(deleted.status).toBe(204);
    expect((await h.get('/_sandbox/overlays')).body).toEqual([]);
    expect(after.body.name).toBe('HQ');
  });

  it('can be added through the programmatic control', async () => {
    await start();

    h.sim.control.overlays.add({ list: 'Site', id: 33, field: 'ninjarmmid', op: { value: -1 } });

    expect((await h.get('/api/Site/33')).body.ninjarmmid).toBe(-1);
    expect((await h.get('/_sandbox/overlays')).body).toEqual([{ list: 'Site', id: 33, field: 'ninjarmmid', value: -1 }]);
  });

  it.each([
    [{ list: 'Devices', id: 1, field: 'x', drop: true }, `list: no list "Devices"; use one of ${Object.keys(HALO_OVERLAY_LISTS).join(', ')}`],
    [{ id: 1, field: 'x', drop: true }, `list: required; use one of ${Object.keys(HALO_OVERLAY_LISTS).join(', ')}`],
    [{ list: 'Site', field: 'x', drop: true }, 'id: required, the row\'s id or "*" for every row'],
    [{ list: 'Site', id: 1, field: 'a..b', drop: true }, 'field: required, a key or a dotted path into nested objects ("a.b")'],
    [{ list: 'Site', id: 1, field: 'x' }, 'overlay 0: give either "drop": true or a "value"'],
    [[{ list: 'Site', id: 1, field: 'x', drop: true }, { list: 'Nope', id: 1, field: 'x', drop: true }], `overlay 1: list: no list "Nope"; use one of ${Object.keys(HALO_OVERLAY_LISTS).join(', ')}`],
    ['not json', 'request body is not valid JSON'],
  ])('refuse %j, adding none', async (body, error) => {
    await start();

    const answer = await h.request('POST', '/_sandbox/overlays', body);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error });
    expect((await h.get('/_sandbox/overlays')).body).toEqual([]);
  });
});

describe('the control routes', () => {
  it('are listed by GET /_sandbox/', async () => {
    h = await Harness.start();

    const answer = await h.get('/_sandbox/');

    expect(answer.status).toBe(200);
    expect(answer.body.routes).toEqual(HALO_CONTROL_ROUTES.map(([method, path, what]) => `${method} ${path} — ${what}`));
    expect(answer.body.routes).toContain('GET /_sandbox/overlays — the row overlays in force');
  });

  it('are listed in the 404 of an unknown control path', async () => {
    h = await Harness.start();

    const answer = await h.request('POST', '/_sandbox/nothing-here', {});

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'no control route POST /_sandbox/nothing-here', routes: answer.body.routes });
    expect(answer.body.routes).toHaveLength(HALO_CONTROL_ROUTES.length);
  });

  it.each(HALO_CONTROL_ROUTES.map(([method, path]) => [method, path] as const))('%s %s is served', async (method, path) => {
    h = await Harness.start();

    const answer = await h.request(method, path.replace(':resource', 'clients').replace(':id', '12'), method === 'GET' || method === 'DELETE' ? undefined : {});

    expect(answer.status).not.toBe(405);
    expect(String(answer.body?.error ?? '')).not.toMatch(/^no control route/);
  });
});
