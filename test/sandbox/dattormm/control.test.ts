/** The control API, programmatic and over /_sandbox/: what a test does to the account that the real API cannot. */

import { describe, expect, it } from 'vitest';
import { CONTROL_ROUTES } from '../../../src/sandbox/dattormm/index.js';
import { call, control, get, startSim, token } from './helpers.js';
import { ACCOUNT_UID, buildSeed, DELETED_DEVICES, deviceUid, OPEN_ALERT, SITE_A, SITE_B, T0, USER } from './seed-builder.js';

type Json = Record<string, unknown>;

describe('sites and devices', () => {
  it('adds a site and a device with defaults the API then serves, audit included', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const site = await control(sim, 'POST', '/_sandbox/sites', { name: 'Fabrikam Inc' });
    const siteUid = (site.body as Json).uid as string;
    const device = await control(sim, 'POST', '/_sandbox/devices', { siteUid, hostname: 'FAB-LT001', operatingSystem: 'Microsoft Windows 11 Pro', udf: { udf4: 'four', udf5: '' }, audit: { bios: { serialNumber: 'FAB123' } } });
    const deviceBody = device.body as Json;
    const served = await get<Json>(sim, bearer, `/api/v2/device/${deviceBody.uid as string}`);
    const audit = await get<Json>(sim, bearer, `/api/v2/audit/device/${deviceBody.uid as string}`);

    expect(site.status).toBe(201);
    expect(site.body).toMatchObject({ id: 121, name: 'Fabrikam Inc', portalUrl: 'https://merlot.rmm.datto.com/site/121' });
    expect(device.status).toBe(201);
    expect(served).toMatchObject({
      id: 5034,
      siteId: 121,
      siteUid,
      siteName: 'Fabrikam Inc',
      deviceType: { category: 'Desktop', type: 'Windows' },
      hostname: 'FAB-LT001',
      online: true,
      deleted: false,
      lastSeen: T0,
      creationDate: T0,
      deviceClass: 'device',
      portalUrl: 'https://merlot.rmm.datto.com/device/5034',
      webRemoteUrl: 'https://merlot.rmm.datto.com/web-remote/5034',
    });
    expect((served.udf as Json).udf4).toBe('four');
    expect((served.udf as Json).udf5).toBeNull();
    expect((audit.bios as Json).serialNumber).toBe('FAB123');
  });

  it.each([
    [{ hostname: 'X' }, 400, 'siteUid: required'],
    [{ siteUid: 'nope', hostname: 'X' }, 400, 'siteUid: no site with uid nope'],
    [{ siteUid: SITE_A }, 400, 'hostname: required'],
    [{ siteUid: SITE_A, hostname: 'X', online: 'yes' }, 400, 'online: must be a boolean, got "yes"'],
    [{ siteUid: SITE_A, hostname: 'X', id: 5000 }, 409, 'id: device 5000 already exists'],
    [{ siteUid: SITE_A, hostname: 'X', colour: 'red' }, 400, expect.stringMatching(/^colour: unknown field; known: id, uid, siteUid, /)],
    [{ siteUid: SITE_A, hostname: 'X', udf: { udf1: 3 } }, 400, 'udf: must be an object of string or null values, got {"udf1":3}'],
  ])('refuses the device %j', async (body, status, error) => {
    const sim = await startSim();

    const response = await control(sim, 'POST', '/_sandbox/devices', body);

    expect(response.status).toBe(status);
    expect((response.body as Json).error).toEqual(error);
  });

  it('changes a device, merging UDFs, and refuses to change its id or site there', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const updated = await control(sim, 'PATCH', `/_sandbox/devices/${deviceUid(0)}`, { online: false, lastLoggedInUser: null, udf: { udf5: null, udf6: 'six' } });
    const served = await get<Json>(sim, bearer, `/api/v2/device/${deviceUid(0)}`);
    const siteChange = await control(sim, 'PATCH', `/_sandbox/devices/${deviceUid(0)}`, { siteUid: SITE_B });
    const unknown = await control(sim, 'PATCH', '/_sandbox/devices/nope', { online: true });

    expect(updated.status).toBe(200);
    expect(served).toMatchObject({ online: false, lastLoggedInUser: null });
    expect(served.udf).toMatchObject({ udf1: 'A-0001', udf5: null, udf6: 'six', udf300: 'last' });
    expect(siteChange.body).toEqual({ error: "siteUid: use moveDevice to change a device's site", field: 'siteUid' });
    expect(unknown.status).toBe(404);
  });

  it('moves a device, and deletes one the way Datto does: into Deleted Devices, flagged deleted', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const moved = await control(sim, 'PUT', `/_sandbox/devices/${deviceUid(0)}/site/${SITE_B}`);
    const deleted = await control(sim, 'DELETE', `/_sandbox/devices/${deviceUid(4)}`);
    const purged = await control(sim, 'DELETE', `/_sandbox/devices/${deviceUid(0)}?purge=true`);
    const gone = await call(sim, bearer, `/api/v2/device/${deviceUid(0)}`);
    const inBin = await get<Json>(sim, bearer, `/api/v2/device/${deviceUid(4)}`);
    const alerts = await get<{ alerts: Json[] }>(sim, bearer, '/api/v2/account/alerts/open');

    expect(moved.body).toMatchObject({ siteUid: SITE_B });
    expect([deleted.status, purged.status, gone.status]).toEqual([204, 204, 404]);
    expect(inBin).toMatchObject({ siteUid: DELETED_DEVICES, siteName: 'Deleted Devices', deleted: true, online: false });
    // Purging device 0 took its alerts with it.
    expect(alerts.alerts).toEqual([]);
  });

  it('makes the Deleted Devices site when the account has none', async () => {
    const seed = buildSeed();
    seed.sites = seed.sites.filter((s) => s.system !== 'deleted-devices');
    const sim = await startSim(seed);

    sim.control.deleteDevice(deviceUid(5));

    const bin = sim.control.state().sites.find((s) => s.system === 'deleted-devices');
    expect(bin).toMatchObject({ uid: `${ACCOUNT_UID}-00000000`, name: 'Deleted Devices' });
  });

  it('renames a site and replaces an audit', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const renamed = await control(sim, 'PATCH', `/_sandbox/sites/${SITE_A}`, { name: 'Contoso Group', notes: 'merged' });
    const audit = await control(sim, 'PUT', `/_sandbox/devices/${deviceUid(4)}/audit`, { bios: { serialNumber: 'To Be Filled By O.E.M.' } });
    const served = await get<Json>(sim, bearer, `/api/v2/audit/device/${deviceUid(4)}`);
    const badId = await control(sim, 'PATCH', `/_sandbox/sites/${SITE_A}`, { id: 1 });

    expect(renamed.body).toMatchObject({ uid: SITE_A, name: 'Contoso Group', notes: 'merged' });
    expect(audit.status).toBe(204);
    expect((served.bios as Json).serialNumber).toBe('To Be Filled By O.E.M.');
    expect(badId.body).toEqual({ error: 'id: cannot change', field: 'id' });
  });
});

describe('alerts', () => {
  it('raises and resolves alerts over HTTP, with the errors a test author needs', async () => {
    const sim = await startSim();

    const raised = await control(sim, 'POST', '/_sandbox/alerts', { deviceUid: deviceUid(5), priority: 'High', context: { '@class': 'online_offline_status_ctx', status: 'OFFLINE' } });
    const resolved = await control(sim, 'POST', `/_sandbox/alerts/${(raised.body as Json).alertUid as string}/resolve`, { resolvedBy: 'tech' });
    const again = await control(sim, 'POST', `/_sandbox/alerts/${(raised.body as Json).alertUid as string}/resolve`);
    const noClass = await control(sim, 'POST', '/_sandbox/alerts', { deviceUid: deviceUid(5), context: { status: 'OFFLINE' } });
    const noDevice = await control(sim, 'POST', '/_sandbox/alerts', { deviceUid: 'nope' });
    const taken = await control(sim, 'POST', '/_sandbox/alerts', { deviceUid: deviceUid(5), alertUid: OPEN_ALERT });

    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({ priority: 'High', resolved: false, alertSourceInfo: { deviceUid: deviceUid(5), deviceName: 'HOST-005', siteUid: SITE_B, siteName: 'Northwind Traders' } });
    expect(resolved.body).toMatchObject({ resolved: true, resolvedBy: 'tech', resolvedOn: T0 });
    expect(again.status).toBe(409);
    expect((noClass.body as Json).error).toMatch(/^context: needs an "@class"/);
    expect(noDevice.body).toEqual({ error: 'deviceUid: no device with uid nope', field: 'deviceUid' });
    expect(taken.status).toBe(409);
  });
});

describe('fault injection (shared with the other simulators)', () => {
  it('answers injected 500s and 429s in Datto\'s error shape, the 429 with Retry-After', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    await control(sim, 'PUT', '/_sandbox/faults', [{ route: '/api/v2/account', errorRate: 1, count: 1 }, { route: '/api/v2/account', rateLimitRate: 1, count: 1 }]);
    const error = await call(sim, bearer, '/api/v2/account');
    const limited = await call(sim, bearer, '/api/v2/account');
    const fine = await call(sim, bearer, '/api/v2/account');

    expect(error.status).toBe(500);
    expect(error.body).toMatchObject({ status: 500, error: 'Internal Server Error', path: '/api/v2/account' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(fine.status).toBe(200);
    expect(sim.server.requests().map((r) => r.fault ?? null)).toEqual([null, 'error', 'rate-limit', null]);
  });
});

describe('state, clock and unknown routes', () => {
  it('dumps the account without secrets or tokens', async () => {
    const sim = await startSim();
    await token(sim);

    const state = (await control(sim, 'GET', '/_sandbox/state')).body as Json;

    expect(state.apiUsers).toEqual([{ username: USER.username, key: USER.key }]);
    expect(JSON.stringify(state)).not.toContain(USER.secret);
    expect(state).toMatchObject({ activeTokens: 1, clockMs: T0, webhook: null });
    expect((state.devices as Json[]).length).toBe(12);
    expect((state.alerts as Json[]).length).toBe(2);
  });

  it('advances the clock forward only', async () => {
    const sim = await startSim();

    const moved = await control(sim, 'POST', '/_sandbox/clock', { advanceMs: 5000 });
    const back = await control(sim, 'POST', '/_sandbox/clock', { advanceMs: -1 });

    expect(moved.body).toEqual({ clockMs: T0 + 5000 });
    expect(back).toEqual({ status: 400, body: { error: 'advanceMs: the clock only moves forward; got -1', field: 'advanceMs' } });
  });

  it('lists every control route for an unknown one, and never counts control calls in the request log', async () => {
    const sim = await startSim();

    const response = await control(sim, 'GET', '/_sandbox/nothing');

    expect(response.status).toBe(404);
    expect((response.body as Json).routes).toHaveLength(CONTROL_ROUTES.length);
    expect(sim.server.requests()).toEqual([]);
  });
});
