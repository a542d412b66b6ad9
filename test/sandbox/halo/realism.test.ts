import { afterEach, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../src/sandbox/demo-data.js';
import { createRandom } from '../../../src/sandbox/random.js';
import { applyHaloRealism } from '../../../src/sandbox/realism/halo.js';
import type { HaloAsset, HaloSeed } from '../../../src/sandbox/seed.js';
import { Harness } from './fixtures.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const serialOf = (a: HaloAsset) => a.fields.find((f) => f.id === 101)?.value;
const stock = (halo: HaloSeed) => halo.assets.filter((a) => a.client_id === -1);

describe('the realism pass on the demo Halo', () => {
  it('is the default, deterministic, and only draws from the random it is given', () => {
    const clean = generateDemo({ seed: 7, devices: 300, realism: 'clean' });

    const a = applyHaloRealism(clean.halo, clean.ninjaone, createRandom(99));
    const b = applyHaloRealism(clean.halo, clean.ninjaone, createRandom(99));

    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(generateDemo({ seed: 7, devices: 300 }).halo)).toBe(JSON.stringify(generateDemo({ seed: 7, devices: 300, realism: 'real' }).halo));
    expect(generateDemo({ seed: 7, devices: 300 }).halo.fields.map((f) => f.id)).toEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]);
    expect(clean.halo.fields.map((f) => f.id)).toEqual([101, 102, 103, 104, 105, 106]);
  });

  it('leaves the clean seed it was given alone', () => {
    const clean = generateDemo({ realism: 'clean' });
    const before = JSON.stringify(clean.halo);

    applyHaloRealism(clean.halo, clean.ninjaone, createRandom(1));

    expect(JSON.stringify(clean.halo)).toBe(before);
  });

  it('adds the typed asset fields and custom fields the demo spec maps, by these exact ids and names', () => {
    const { halo } = generateDemo();

    expect(halo.fields).toEqual([
      { id: 101, name: 'Serial Number', type: 0 },
      { id: 102, name: 'Model', type: 0 },
      { id: 103, name: 'Operating System', type: 0 },
      { id: 104, name: 'IP Address', type: 0 },
      { id: 105, name: 'MAC Address', type: 0 },
      { id: 106, name: 'Purchase Date', type: 1 },
      { id: 107, name: 'Support Tier', type: 3, lookup: 1, values: [{ id: 1, name: 'Bronze' }, { id: 2, name: 'Silver' }, { id: 3, name: 'Gold' }, { id: 4, name: 'Platinum' }] },
      { id: 108, name: 'Managed Services', type: 4, lookup: 2, values: [{ id: 11, name: 'Backup' }, { id: 12, name: 'Antivirus' }, { id: 13, name: 'Patching' }, { id: 14, name: 'Monitoring' }] },
      { id: 109, name: 'Rack Units', type: 2 },
      { id: 110, name: 'BYOD', type: 6 },
      { id: 111, name: 'Last Audit', type: 5 },
    ]);
    expect(halo.assetTypes.map((t) => [t.name, t.field_ids])).toEqual([
      ['Workstation', [101, 102, 103, 104, 107, 108]],
      ['Server', [101, 102, 104, 107, 108]],
      ['Network Device', [101, 102, 104, 105]],
      ['Printer', [101, 102, 104]],
      ['Software Licence', [106]],
    ]);
    expect(halo.customFieldDefinitions).toEqual([
      { id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 3, values: [{ id: 21, name: 'Essentials' }, { id: 22, name: 'Professional' }, { id: 23, name: 'Enterprise' }] },
      { id: 202, name: 'CFsiteContact', label: 'Site Contact', type: 0 },
    ]);
  });

  it('has hand-made assets already carrying typed values: a Support Tier option id, a Contract Tier, a date', () => {
    const { halo } = generateDemo();
    const values = (fieldId: number) => halo.assets.flatMap((a) => a.fields.filter((f) => f.id === fieldId).map((f) => f.value));

    expect(values(107).length).toBeGreaterThanOrEqual(1);
    expect(values(107).every((v) => [1, 2, 3, 4].includes(v as number))).toBe(true);
    expect(values(108).every((v) => Array.isArray(v) && v.length > 0 && v.every((id) => [11, 12, 13, 14].includes(id)))).toBe(true);
    expect(halo.assets.some((a) => a.customfields?.some((c) => c.id === 201 && [21, 22, 23].includes(c.value as number)))).toBe(true);
    expect(values(106)).toEqual([expect.stringMatching(/^2024-\d{2}-\d{2}$/)]);
  });

  it('holds the incomplete rows real tenants do', () => {
    const { halo } = generateDemo();
    const [noTag, emptyTag] = stock(halo);

    expect(halo.sites.filter((s) => !('name' in s))).toHaveLength(1);
    expect(halo.clients.filter((c) => !('toplevel_id' in c))).toEqual([expect.objectContaining({ name: 'Woodgrove Bank', inactive: false, ninjarmmid: -1 })]);
    expect(halo.users.filter((u) => u.site_id === -1).map((u) => [u.name, u.inactive])).toEqual([['Sam Leaver', false], ['Old Contractor', true]]);
    expect(halo.clients.filter((c) => c.ninjarmmid === -1).length).toBeGreaterThanOrEqual(2);
    expect(halo.sites.filter((s) => s.ninjarmmid === -1).length).toBeGreaterThanOrEqual(2);
    expect(noTag).not.toHaveProperty('inventory_number');
    expect(emptyTag!.inventory_number).toBe('');
    // Every site, the nameless one and Woodgrove's too, still has its General User.
    expect(halo.sites.every((s) => halo.users.some((u) => u.site_id === s.id && u.isgeneraluser))).toBe(true);
  });

  it.each([
    [200, 4],
    [1000, 20],
    [50, 3],
  ])('has stock assets (client and site -1, no NinjaOne id) for 2 %% of %i devices: %i', (devices, count) => {
    const { halo, ninjaone } = generateDemo({ devices });
    const assets = stock(halo);
    const ninjaSerials = new Set<unknown>(ninjaone.devices.map((d) => (d.system as Record<string, unknown> | undefined)?.serialNumber).filter((s) => s !== undefined));

    expect(assets).toHaveLength(count);
    expect(assets.every((a) => a.site_id === -1 && a.ninjarmm_id === undefined && a.user_ids.length === 0)).toBe(true);
    expect(assets.slice(0, 3).every((a) => typeof serialOf(a) === 'string')).toBe(true);
    // The third is a spare since deployed: NinjaOne reports its serial.
    expect(ninjaSerials.has(serialOf(assets[2]!))).toBe(true);
  });

  it('serves the whole messy tenant: every list renders, filters skip the stock assets', async () => {
    const { halo } = generateDemo();
    h = await (await Harness.start(halo)).login({ clientId: 'sandbox-halo-client', clientSecret: 'sandbox-secret' });
    const contoso = halo.clients.find((c) => c.name === 'Contoso')!;
    const paths = ['/api/Client?includeinactive=true', '/api/Site', '/api/Users', '/api/Asset?includeinactive=true', '/api/Field', '/api/FieldInfo?typeid=5', '/api/AssetType', '/api/TopLevel'];

    const answers = await Promise.all(paths.map((p) => h!.get(p)));
    const assets = (await h.get('/api/Asset?assettype_id=1&includeassetfields=true')).body.assets as Record<string, any>[];
    const byClient = (await h.get(`/api/Asset?client_id=${contoso.id}`)).body.assets as { client_id: number }[];
    const woodgrove = (await h.get('/api/Site')).text;

    expect(answers.map((a) => a.status)).toEqual(paths.map(() => 200));
    expect(answers[3]!.body.assets.filter((a: { client_id: number }) => a.client_id === -1)).toHaveLength(stock(halo).length);
    expect(byClient.every((a) => a.client_id === contoso.id)).toBe(true);
    expect(assets.find((a) => a.fields.some((f: { id: number }) => f.id === 107))!.fields.find((f: { id: number }) => f.id === 107).display).toMatch(/^(Bronze|Silver|Gold|Platinum)$/);
    expect(woodgrove).toMatch(/"name":"Main","client_id":\d+\.0,"client_name":"Woodgrove Bank"/);
  });
});
