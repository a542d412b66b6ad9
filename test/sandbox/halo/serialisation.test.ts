import { afterEach, describe, expect, it } from 'vitest';
import { toJsonText, double } from '../../../src/sandbox/halo/json-text.js';
import { findDecimalNumbers } from '../../../src/sandbox/halo/json-body.js';
import { Harness, seedWithAssets } from './fixtures.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((x) => x.stop()));
});

async function start(): Promise<Harness> {
  const h = await (await Harness.start(seedWithAssets(30))).login();
  harnesses.push(h);
  return h;
}

describe('decimal ids on the wire', () => {
  it('writes a site\'s client_id as 12.0 and a user\'s site_id as 33.0', async () => {
    const h = await start();

    const sites = await h.get('/api/Site');
    const users = await h.get('/api/Users?site_id=33');
    const asset = await h.get('/api/Asset/1001');

    expect(sites.text).toContain('"client_id":12.0,"client_name":"Contoso"');
    expect(users.text).toContain('"site_id":33.0,"site_id_int":33');
    expect(asset.text).toContain('"users":[{"id":44,"name":"Jo Bloggs","site_id":33.0');
    expect(asset.text).toContain('"client_id":12,');
  });

  it('writes timestamps without offset, with milliseconds', async () => {
    const h = await start();

    const answer = await h.post('/api/Tickets', [{ summary: 'x', client_id: 12 }]);

    expect(answer.body.dateoccurred).toBe('2024-05-01T09:30:12.357');
  });
});

describe('toJsonText', () => {
  it.each([
    [{ a: double(21) }, '{"a":21.0}'],
    [{ a: double(21.5) }, '{"a":21.5}'],
    [{ a: double(-3) }, '{"a":-3.0}'],
    [{ a: undefined, b: [1, 'x', null, true] }, '{"b":[1,"x",null,true]}'],
    [{ s: 'quote " and \u2028' }, JSON.stringify({ s: 'quote " and \u2028' })],
    [[double(1), { n: NaN }], '[1.0,{"n":null}]'],
  ])('%j', (value, text) => {
    expect(toJsonText(value)).toBe(text);
  });
});

describe('findDecimalNumbers', () => {
  it('finds numbers written with a fraction or exponent, by path, skipping strings', () => {
    const text = '[{"id":95.0,"name":"a \\"id\\":1.0","fields":[{"id":3},{"id":4e0}],"n":[1,2.5]},{"x":{"y":-0.0}}]';

    const found = findDecimalNumbers(text);

    expect([...found]).toEqual([
      ['[0].id', '95.0'],
      ['[0].fields[1].id', '4e0'],
      ['[0].n[1]', '2.5'],
      ['[1].x.y', '-0.0'],
    ]);
  });
});

describe('determinism', () => {
  it('gives byte-identical answers for the same seed and requests', async () => {
    const run = async () => {
      const h = await start();
      const texts: string[] = [];
      const token = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret' });
      texts.push(token.text);
      texts.push((await h.post('/api/Client', [{ name: 'Northwind', newclient_sitename: 'HQ' }])).text);
      texts.push((await h.post('/api/Asset', [{ client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'N-1', fields: [{ name: 'Model', value: 'T14' }] }])).text);
      texts.push((await h.post('/api/Tickets', [{ summary: 'x', client_id: 12, assets: [{ id: 1001 }] }])).text);
      h.clock += 1234;
      texts.push((await h.post('/api/Actions', [{ ticket_id: 1, outcome_id: 7, note: 'n', new_status: 9 }])).text);
      for (const path of ['/api/Client', '/api/Site', '/api/Users', '/api/Asset?includeassetfields=true', '/api/AssetType', '/api/Tickets', '/api/Actions', '/api/Control']) {
        texts.push((await h.get(path)).text);
      }
      texts.push((await h.get('/_sandbox/state')).text);
      return texts;
    };

    const first = await run();
    const second = await run();

    expect(second).toEqual(first);
    expect(first[0]).toContain('access_token');
  });
});
