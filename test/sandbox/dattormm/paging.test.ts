/** Datto's paging (reference/dattormm/NOTES.md §4): 0-based page, max capped at 250, absolute page URLs. */

import { describe, expect, it } from 'vitest';
import { call, get, startSim, token } from './helpers.js';
import { buildSeed, deviceIdOf, OPEN_ALERT, SITE_A } from './seed-builder.js';

interface Page<K extends string> {
  pageDetails: { count: number; totalCount?: number; prevPageUrl: string | null; nextPageUrl: string | null };
  [key: string]: unknown;
}
type Rows = { id: number; hostname: string }[];

describe('list paging', () => {
  it('is 0-based: page=0 is the first page, page=1 the second', async () => {
    const sim = await startSim(buildSeed({ devices: 7 }));
    const bearer = await token(sim);

    const first = await get<Page<'devices'>>(sim, bearer, '/api/v2/account/devices?max=3&page=0');
    const second = await get<Page<'devices'>>(sim, bearer, '/api/v2/account/devices?max=3&page=1');

    expect((first.devices as Rows).map((d) => d.id)).toEqual([0, 1, 2].map(deviceIdOf));
    expect((second.devices as Rows).map((d) => d.id)).toEqual([3, 4, 5].map(deviceIdOf));
  });

  it('walks every device exactly once by following absolute nextPageUrls to null', async () => {
    const sim = await startSim(buildSeed({ devices: 11 }));
    const bearer = await token(sim);

    const seen: number[] = [];
    const urls: (string | null)[] = [];
    let next: string | null = '/api/v2/account/devices?max=4';
    while (next !== null) {
      const page: Page<'devices'> = await get<Page<'devices'>>(sim, bearer, next);
      seen.push(...(page.devices as Rows).map((d) => d.id));
      next = page.pageDetails.nextPageUrl;
      urls.push(next);
    }

    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => deviceIdOf(i)));
    expect(urls).toEqual([`${sim.url}/api/v2/account/devices?max=4&page=1`, `${sim.url}/api/v2/account/devices?max=4&page=2`, null]);
  });

  it('writes pageDetails like the captured envelope: count, totalCount, prevPageUrl, nextPageUrl', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const first = await get<Page<'sites'>>(sim, bearer, '/api/v2/account/sites?max=2');
    const last = await get<Page<'sites'>>(sim, bearer, '/api/v2/account/sites?max=2&page=2');

    expect(Object.keys(first)).toEqual(['pageDetails', 'sites']);
    expect(first.pageDetails).toEqual({ count: 2, totalCount: 5, prevPageUrl: null, nextPageUrl: `${sim.url}/api/v2/account/sites?max=2&page=1` });
    expect(last.pageDetails).toEqual({ count: 1, totalCount: 5, prevPageUrl: `${sim.url}/api/v2/account/sites?max=2&page=1`, nextPageUrl: null });
  });

  it('writes page URLs with publicUrl when one is set', async () => {
    const sim = await startSim(buildSeed(), { publicUrl: 'https://merlot-api.centrastage.net/' });
    const bearer = await token(sim);

    const page = await get<Page<'sites'>>(sim, bearer, '/api/v2/account/sites?max=2');

    expect(page.pageDetails.nextPageUrl).toBe('https://merlot-api.centrastage.net/api/v2/account/sites?max=2&page=1');
  });

  it('caps max at 250 silently, and uses 250 when max is absent, zero or negative', async () => {
    const sim = await startSim(buildSeed({ devices: 300 }));
    const bearer = await token(sim);

    const sizes = [];
    for (const query of ['?max=1000', '', '?max=0', '?max=-5']) sizes.push((await get<Page<'devices'>>(sim, bearer, `/api/v2/account/devices${query}`)).pageDetails.count);
    const pagination = await get(sim, bearer, '/api/v2/system/pagination');
    const capped = await get<Page<'devices'>>(sim, bearer, '/api/v2/account/devices?max=1000');

    expect(sizes).toEqual([250, 250, 250, 250]);
    expect(pagination).toEqual({ max: 250 });
    expect(capped.pageDetails.nextPageUrl).toBe(`${sim.url}/api/v2/account/devices?max=250&page=1`);
  });

  it('answers a page past the end with an empty list, not a 404', async () => {
    const sim = await startSim(buildSeed({ devices: 5 }));
    const bearer = await token(sim);

    const page = await get<Page<'devices'>>(sim, bearer, '/api/v2/account/devices?max=10&page=7');

    expect(page.devices).toEqual([]);
    expect(page.pageDetails).toEqual({ count: 0, totalCount: 5, prevPageUrl: `${sim.url}/api/v2/account/devices?max=10&page=6`, nextPageUrl: null });
  });

  it('drops filters from nextPageUrl by default: a client that follows it blindly gets unfiltered rows', async () => {
    const sim = await startSim(buildSeed({ devices: 12 }));
    const bearer = await token(sim);

    const first = await get<Page<'devices'>>(sim, bearer, '/api/v2/account/devices?hostname=HOST-&max=2');
    const blind = await get<Page<'devices'>>(sim, bearer, first.pageDetails.nextPageUrl!);
    const reAdded = await get<Page<'devices'>>(sim, bearer, `${first.pageDetails.nextPageUrl!}&hostname=HOST-`);

    expect(first.pageDetails.nextPageUrl).toBe(`${sim.url}/api/v2/account/devices?max=2&page=1`);
    expect(first.pageDetails.totalCount).toBe(9);
    expect(blind.pageDetails.totalCount).toBe(12);
    expect((blind.devices as Rows).map((d) => d.hostname)).toEqual(['ESX-2', 'SW-3']);
    expect((reAdded.devices as Rows).map((d) => d.hostname)).toEqual(['HOST-005', 'HOST-006']);
  });

  it('keeps the filters in nextPageUrl with dropFiltersFromNextPageUrl: false', async () => {
    const sim = await startSim(buildSeed({ devices: 12 }), { dropFiltersFromNextPageUrl: false });
    const bearer = await token(sim);

    const first = await get<Page<'devices'>>(sim, bearer, '/api/v2/account/devices?hostname=HOST-&max=2');
    const second = await get<Page<'devices'>>(sim, bearer, first.pageDetails.nextPageUrl!);

    expect(first.pageDetails.nextPageUrl).toBe(`${sim.url}/api/v2/account/devices?max=2&page=1&hostname=HOST-`);
    expect((second.devices as Rows).map((d) => d.hostname)).toEqual(['HOST-005', 'HOST-006']);
  });

  it('leaves totalCount out for open alerts only (omitTotalCount to change it)', async () => {
    const sim = await startSim();
    const other = await startSim(buildSeed(), { omitTotalCount: ['open-alerts', 'resolved-alerts'] });
    const bearer = await token(sim);
    const otherBearer = await token(other);

    const open = await get<Page<'alerts'>>(sim, bearer, '/api/v2/account/alerts/open');
    const resolved = await get<Page<'alerts'>>(sim, bearer, '/api/v2/account/alerts/resolved');
    const siteOpen = await get<Page<'alerts'>>(sim, bearer, `/api/v2/site/${SITE_A}/alerts/open`);
    const otherResolved = await get<Page<'alerts'>>(other, otherBearer, '/api/v2/account/alerts/resolved');

    expect(open.pageDetails).toEqual({ count: 1, prevPageUrl: null, nextPageUrl: null });
    expect((open.alerts as { alertUid: string }[]).map((a) => a.alertUid)).toEqual([OPEN_ALERT]);
    expect(siteOpen.pageDetails).not.toHaveProperty('totalCount');
    expect(resolved.pageDetails).toEqual({ count: 1, totalCount: 1, prevPageUrl: null, nextPageUrl: null });
    expect(otherResolved.pageDetails).not.toHaveProperty('totalCount');
  });

  it('caps alert pages at alertMaxPageSize', async () => {
    const sim = await startSim(buildSeed(), { alertMaxPageSize: 1 });
    const bearer = await token(sim);
    sim.control.triggerAlert({ deviceUid: '00000000-0000-4000-8000-000000000004' });

    const page = await get<Page<'alerts'>>(sim, bearer, '/api/v2/account/alerts/open?max=50');

    expect(page.pageDetails.count).toBe(1);
    expect(page.pageDetails.nextPageUrl).toBe(`${sim.url}/api/v2/account/alerts/open?max=1&page=1`);
  });

  it('answers 400 for a page or max that is not a number', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const response = await call(sim, bearer, '/api/v2/account/sites?page=two');

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, error: 'Bad Request', message: expect.stringContaining('"two"'), path: '/api/v2/account/sites' });
  });
});

describe('list filters', () => {
  it.each([
    ['hostname=host-00', 7],
    ['hostname=HOST-01_', 2],
    ['deviceType=laptop', 3],
    ['deviceType=Printer', 1],
    ['operatingSystem=Server%202022', 3],
    ['siteName=northwind', 6],
    ['siteName=Contoso&operatingSystem=Server', 3],
    ['hostname=nothing', 0],
  ])('filters account devices with LIKE: %s → %i', async (query, count) => {
    const sim = await startSim(buildSeed({ devices: 12 }));
    const bearer = await token(sim);

    const page = await get<Page<'devices'>>(sim, bearer, `/api/v2/account/devices?${query}`);

    expect(page.pageDetails.totalCount).toBe(count);
  });

  it('filters sites by siteName and answers an unknown filterId with "Filter was not found."', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const sites = await get<Page<'sites'>>(sim, bearer, '/api/v2/account/sites?siteName=trad');
    const filter = await call(sim, bearer, '/api/v2/account/devices?filterId=12');

    expect((sites.sites as { name: string }[]).map((s) => s.name)).toEqual(['Northwind Traders']);
    expect(filter.status).toBe(404);
    expect(filter.body).toMatchObject({ status: 404, message: 'Filter was not found.' });
  });
});
