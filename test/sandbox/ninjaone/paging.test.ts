import { describe, expect, it } from 'vitest';
import type { NinjaDevice } from '../../../src/sandbox/seed.js';
import { call, get, startSim, token } from './helpers.js';
import { buildSeed, deviceId } from './seed-builder.js';

type Row = { id: number } & Record<string, unknown>;

describe('paging with pageSize and after', () => {
  it('walks 2,500 devices to the end: each exactly once, ascending, a short last page', async () => {
    const sim = await startSim(buildSeed({ devices: 2500 }));
    const bearer = await token(sim);

    const seen: number[] = [];
    const sizes: number[] = [];
    let after: number | undefined;
    for (;;) {
      const rows = await get<Row[]>(sim, bearer, `/v2/devices-detailed?pageSize=1000${after === undefined ? '' : `&after=${after}`}`);
      sizes.push(rows.length);
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 1000) break;
      after = rows[rows.length - 1]!.id;
    }

    expect(sizes).toEqual([1000, 1000, 500]);
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => deviceId(i)));
  });

  it('answers an empty array after the last id, and pages from an id that is not a device id', async () => {
    const sim = await startSim(buildSeed({ devices: 30 }));
    const bearer = await token(sim);

    const end = await get<Row[]>(sim, bearer, `/v2/devices?after=${deviceId(29)}`);
    const between = await get<Row[]>(sim, bearer, `/v2/devices?pageSize=2&after=${deviceId(4) + 1}`);

    expect(end).toEqual([]);
    expect(between.map((r) => r.id)).toEqual([deviceId(5), deviceId(6)]);
  });

  it('caps pageSize at maxPageSize and uses it when pageSize is absent', async () => {
    const sim = await startSim(buildSeed({ devices: 60 }), { maxPageSize: 25 });
    const bearer = await token(sim);

    const asked = await get<Row[]>(sim, bearer, '/v2/devices?pageSize=5000');
    const omitted = await get<Row[]>(sim, bearer, '/v2/devices');
    const zero = await get<Row[]>(sim, bearer, '/v2/devices?pageSize=0');

    expect(asked).toHaveLength(25);
    expect(omitted).toHaveLength(25);
    expect(zero).toHaveLength(25);
  });

  it('uses defaultPageSize when pageSize is absent', async () => {
    const sim = await startSim(buildSeed({ devices: 60 }), { defaultPageSize: 7 });
    const bearer = await token(sim);

    expect(await get<Row[]>(sim, bearer, '/v2/devices')).toHaveLength(7);
  });

  it('has no envelope, no total and no Link header, and ignores unknown query parameters', async () => {
    const sim = await startSim(buildSeed({ devices: 5 }));
    const bearer = await token(sim);

    const plain = await call(sim, bearer, '/v2/devices?pageSize=3');
    const extra = await call(sim, bearer, '/v2/devices?pageSize=3&sort=desc&foo=bar');

    expect(Array.isArray(plain.body)).toBe(true);
    expect(plain.headers.get('link')).toBeNull();
    expect(extra.text).toBe(plain.text);
  });

  it.each([
    ['pageSize=ten', 'pageSize must be an integer, got "ten"'],
    ['after=1.5', 'after must be an integer, got "1.5"'],
  ])('refuses a malformed %s with a 400 error body', async (query, message) => {
    const sim = await startSim();
    const bearer = await token(sim);

    const response = await call(sim, bearer, `/v2/devices?${query}`);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ resultCode: 'FAILURE', errorMessage: message, incidentId: expect.any(String) });
  });

  it('pages organisations, locations and one organisation’s devices the same way', async () => {
    const sim = await startSim(buildSeed({ devices: 30, organizations: 5, locationsPerOrganization: 3 }));
    const bearer = await token(sim);

    const orgs = await get<Row[]>(sim, bearer, '/v2/organizations?pageSize=2&after=2');
    const detailed = await get<Row[]>(sim, bearer, '/v2/organizations-detailed?pageSize=2&after=4');
    const locations = await get<Row[]>(sim, bearer, '/v2/locations?pageSize=4&after=3');
    const orgDevices = await get<Row[]>(sim, bearer, `/v2/organization/2/devices?pageSize=3&after=${deviceId(1)}`);

    expect(orgs.map((o) => o.id)).toEqual([3, 4]);
    expect(detailed.map((o) => o.id)).toEqual([5]);
    expect(locations.map((l) => [l.id, l.organizationId])).toEqual([[4, 2], [5, 2], [6, 2], [7, 3]]);
    expect(orgDevices.map((d) => d.id)).toEqual([deviceId(6), deviceId(11), deviceId(16)]);
  });

  it('lists one organisation’s locations without paging, and 404s for an unknown organisation', async () => {
    const sim = await startSim(buildSeed({ organizations: 2, locationsPerOrganization: 3 }));
    const bearer = await token(sim);

    const locations = await get<Row[]>(sim, bearer, '/v2/organization/2/locations?pageSize=1');
    const missing = await call(sim, bearer, '/v2/organization/99/locations');

    expect(locations.map((l) => l.id)).toEqual([4, 5, 6]);
    expect(locations[0]).not.toHaveProperty('organizationId');
    expect(missing.status).toBe(404);
  });
});

describe('the df device filter', () => {
  const seed = buildSeed({ devices: 40 });
  const devices = [...seed.devices].sort((a, b) => a.id - b.id);
  const ids = (keep: (d: NinjaDevice) => boolean) => devices.filter(keep).map((d) => d.id);

  it.each<[string, (d: NinjaDevice) => boolean]>([
    ['org = 1', (d) => d.organizationId === 1],
    ['org in (1, 2)', (d) => d.organizationId === 1 || d.organizationId === 2],
    ['org != 2', (d) => d.organizationId !== 2],
    ['loc = 3', (d) => d.locationId === 3],
    ['loc in (1,4)', (d) => d.locationId === 1 || d.locationId === 4],
    ['role = 2', (d) => d.nodeRoleId === 2],
    [`id = ${deviceId(7)}`, (d) => d.id === deviceId(7)],
    [`id in (${deviceId(1)},${deviceId(2)})`, (d) => d.id === deviceId(1) || d.id === deviceId(2)],
    ['class = WINDOWS_SERVER', (d) => d.nodeClass === 'WINDOWS_SERVER'],
    ['class in (WINDOWS_WORKSTATION,MAC)', (d) => d.nodeClass === 'WINDOWS_WORKSTATION' || d.nodeClass === 'MAC'],
    ['class eq WINDOWS_WORKSTATION AND online', (d) => d.nodeClass === 'WINDOWS_WORKSTATION' && !d.offline],
    ['status eq APPROVED', (d) => d.approvalStatus === 'APPROVED'],
    ['status = PENDING', (d) => d.approvalStatus === 'PENDING'],
    ['online', (d) => !d.offline],
    ['offline', (d) => d.offline],
    ['org = 1 and offline', (d) => d.organizationId === 1 && d.offline],
    ['ORG = 3 AND CLASS = MAC', (d) => d.organizationId === 3 && d.nodeClass === 'MAC'],
    ['org nin (1)', (d) => d.organizationId !== 1],
    [`created after 2026-01-01T00:00:10Z`, (d) => d.created > 1767225610],
    [`created before 2026-01-01T00:00:10Z`, (d) => d.created < 1767225610],
  ])('df=%s selects the right devices on every list', async (df, keep) => {
    const sim = await startSim(seed);
    const bearer = await token(sim);
    const q = encodeURIComponent(df);

    const brief = await get<Row[]>(sim, bearer, `/v2/devices?df=${q}`);
    const detailed = await get<Row[]>(sim, bearer, `/v2/devices-detailed?df=${q}`);

    expect(ids(keep).length).toBeGreaterThan(0);
    expect(brief.map((d) => d.id)).toEqual(ids(keep));
    expect(detailed.map((d) => d.id)).toEqual(ids(keep));
  });

  it('filters before paging: pages of a filtered list are full until the end', async () => {
    const sim = await startSim(seed);
    const bearer = await token(sim);

    const first = await get<Row[]>(sim, bearer, `/v2/devices?df=${encodeURIComponent('org = 2')}&pageSize=3`);
    const second = await get<Row[]>(sim, bearer, `/v2/devices?df=${encodeURIComponent('org = 2')}&pageSize=3&after=${first[2]!.id}`);

    expect([...first, ...second].map((d) => d.id)).toEqual(ids((d) => d.organizationId === 2).slice(0, 6));
  });

  it.each([
    ['bogus = 1', 'unknown filter "bogus"; known: org, loc, role, id, class, status, online, offline, created'],
    ['org = abc', '"org" expects a number, got "abc"'],
    ['org in (1, 2', 'expected "," or ")" in the list after "org"'],
    ['org = 1 OR org = 2', 'expected AND between conditions, found "OR"'],
    ['org = 1 AND', 'a condition must follow AND'],
    ['org', '"org" needs an operator (=, !=, eq, in, nin) and a value'],
    ['org ~ 1', 'unknown operator "~" after "org"; use =, !=, eq, in or nin'],
    ['org ! 1', 'unexpected character "!"'],
    ['created after someday', '"created after" expects a date like 2024-01-01, got "someday"'],
    ['group 5', 'unknown filter "group"; known: org, loc, role, id, class, status, online, offline, created'],
  ])('answers 400 with the error body for df=%s', async (df, message) => {
    const sim = await startSim(seed);
    const bearer = await token(sim);

    const response = await call(sim, bearer, `/v2/devices?df=${encodeURIComponent(df)}`);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ resultCode: 'FAILURE', errorMessage: `Invalid device filter "${df}": ${message}`, incidentId: expect.any(String) });
  });
});
