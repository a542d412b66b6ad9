/** The writes a PSA sync makes (reference/dattormm/NOTES.md §7), and the audit and single-record reads around them. */

import { describe, expect, it } from 'vitest';
import { NOT_FOUND, WRONG_CLASS } from '../../../src/sandbox/dattormm/index.js';
import { call, get, startSim, token } from './helpers.js';
import { buildSeed, deviceUid, OPEN_ALERT, RESOLVED_ALERT, SITE_A, SITE_B, T0, USER } from './seed-builder.js';

type Json = Record<string, unknown>;

async function ready(options: Parameters<typeof startSim>[1] = {}) {
  const sim = await startSim(buildSeed(), options);
  return { sim, bearer: await token(sim) };
}

describe('POST /api/v2/device/{uid}/udf', () => {
  it('is a partial update: keys left out keep their values, "" clears, the answer has no body', async () => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, `/api/v2/device/${deviceUid(0)}/udf`, { method: 'POST', body: { udf5: '', udf12: 'twelve', udf300: 'changed' } });
    const device = await get<{ udf: Json }>(sim, bearer, `/api/v2/device/${deviceUid(0)}`);

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(device.udf).toMatchObject({ udf1: 'A-0001', udf5: null, udf12: 'twelve', udf300: 'changed' });
  });

  it('keeps a UDF sent as null (the DTO cannot tell null from absent) unless udfNullClears is set', async () => {
    const strict = await ready();
    const clearing = await ready({ udfNullClears: true });

    for (const { sim, bearer } of [strict, clearing]) await call(sim, bearer, `/api/v2/device/${deviceUid(0)}/udf`, { method: 'POST', body: { udf1: null } });
    const kept = await get<{ udf: Json }>(strict.sim, strict.bearer, `/api/v2/device/${deviceUid(0)}`);
    const cleared = await get<{ udf: Json }>(clearing.sim, clearing.bearer, `/api/v2/device/${deviceUid(0)}`);

    expect(kept.udf.udf1).toBe('A-0001');
    expect(cleared.udf.udf1).toBeNull();
  });

  it('ignores keys that are not udf1…udf300 and stores numbers as strings', async () => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, `/api/v2/device/${deviceUid(4)}/udf`, { method: 'POST', body: { udf301: 'x', colour: 'blue', udf7: 42 } });
    const device = await get<{ udf: Json }>(sim, bearer, `/api/v2/device/${deviceUid(4)}`);

    expect(response.status).toBe(200);
    expect(Object.keys(device.udf)).toHaveLength(300);
    expect(Object.entries(device.udf).filter(([, v]) => v !== null)).toEqual([['udf7', '42']]);
  });

  it.each([
    ['an unknown device', '/api/v2/device/nope/udf', { udf1: 'x' }, undefined, 404, NOT_FOUND.device],
    ['a body that is not JSON', `/api/v2/device/${deviceUid(0)}/udf`, undefined, '{udf1:', 400, 'JSON parse error: the request body is not valid JSON'],
    ['no body', `/api/v2/device/${deviceUid(0)}/udf`, undefined, undefined, 400, 'Required request body is missing'],
    ['a list', `/api/v2/device/${deviceUid(0)}/udf`, ['udf1'], undefined, 400, 'JSON parse error: the request body must be a JSON object'],
  ])('answers %s with the error body', async (_what, path, body, rawBody, status, message) => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, path, { method: 'POST', ...(body === undefined ? {} : { body }), ...(rawBody === undefined ? {} : { rawBody }) });

    expect(response.status).toBe(status);
    expect(response.body).toEqual({ timestamp: new Date(T0).toISOString().replace('Z', '+00:00'), status, error: status === 404 ? 'Not Found' : 'Bad Request', message, path });
  });

  it('answers 204 instead with voidWriteStatus: 204', async () => {
    const { sim, bearer } = await ready({ voidWriteStatus: 204 });

    const response = await call(sim, bearer, `/api/v2/device/${deviceUid(0)}/udf`, { method: 'POST', body: { udf2: 'two' } });

    expect(response.status).toBe(204);
  });
});

describe('POST /api/v2/device/{uid}/warranty', () => {
  it('sets a yyyy-mm-dd date and clears it with null', async () => {
    const { sim, bearer } = await ready();

    await call(sim, bearer, `/api/v2/device/${deviceUid(4)}/warranty`, { method: 'POST', body: { warrantyDate: '2028-02-29' } });
    const set = await get<Json>(sim, bearer, `/api/v2/device/${deviceUid(4)}`);
    await call(sim, bearer, `/api/v2/device/${deviceUid(4)}/warranty`, { method: 'POST', body: { warrantyDate: null } });
    const cleared = await get<Json>(sim, bearer, `/api/v2/device/${deviceUid(4)}`);

    expect(set.warrantyDate).toBe('2028-02-29');
    expect(cleared.warrantyDate).toBeNull();
  });

  it.each(['2027-02-30', '31/03/2027', '2027-03-31T00:00:00Z'])('refuses %s with 400', async (date) => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, `/api/v2/device/${deviceUid(0)}/warranty`, { method: 'POST', body: { warrantyDate: date } });

    expect(response.status).toBe(400);
    expect((response.body as Json).message).toBe(`warrantyDate must be an ISO 8601 date (yyyy-mm-dd) or null, got "${date}"`);
  });
});

describe('PUT /api/v2/device/{uid}/site/{siteUid}', () => {
  it('moves a device: its site fields and both sites\' counts follow', async () => {
    const { sim, bearer } = await ready();
    const before = await get<Json>(sim, bearer, `/api/v2/site/${SITE_B}`);

    const response = await call(sim, bearer, `/api/v2/device/${deviceUid(0)}/site/${SITE_B}`, { method: 'PUT' });
    const device = await get<Json>(sim, bearer, `/api/v2/device/${deviceUid(0)}`);
    const after = await get<Json>(sim, bearer, `/api/v2/site/${SITE_B}`);
    const devicesOfB = await get<{ devices: Json[] }>(sim, bearer, `/api/v2/site/${SITE_B}/devices`);

    expect(response.status).toBe(200);
    expect(device).toMatchObject({ siteId: 120, siteUid: SITE_B, siteName: 'Northwind Traders' });
    expect((after.devicesStatus as Json).numberOfDevices).toBe(((before.devicesStatus as Json).numberOfDevices as number) + 1);
    expect(devicesOfB.devices.map((d) => d.uid)).toContain(deviceUid(0));
  });

  it.each([
    ['an unknown device', `/api/v2/device/nope/site/${SITE_B}`],
    ['an unknown site', `/api/v2/device/${deviceUid(0)}/site/nope`],
  ])('answers %s with 404 "Device and/or site not found."', async (_what, path) => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, path, { method: 'PUT' });

    expect(response.status).toBe(404);
    expect((response.body as Json).message).toBe(NOT_FOUND.deviceOrSite);
  });
});

describe('sites: PUT creates, POST updates', () => {
  it('creates a site and answers the Site', async () => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, '/api/v2/site', { method: 'PUT', body: { name: 'Fabrikam Inc', description: 'New customer', onDemand: false } });
    const site = response.body as Json;
    const listed = await get<{ sites: Json[] }>(sim, bearer, '/api/v2/account/sites');

    expect(response.status).toBe(200);
    expect(site).toMatchObject({ id: 121, accountUid: 'ab1c0002', name: 'Fabrikam Inc', description: 'New customer', notes: null, onDemand: false, splashtopAutoInstall: false, proxySettings: null, portalUrl: 'https://merlot.rmm.datto.com/site/121' });
    expect(site.devicesStatus).toEqual({ numberOfDevices: 0, numberOfOnlineDevices: 0, numberOfOfflineDevices: 0 });
    expect(listed.sites.map((s) => s.uid)).toContain(site.uid);
  });

  it('updates a site: name required, fields left out kept', async () => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, `/api/v2/site/${SITE_A}`, { method: 'POST', body: { name: 'Contoso Limited', notes: 'VIP' } });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ uid: SITE_A, name: 'Contoso Limited', notes: 'VIP', description: '', splashtopAutoInstall: true });
    expect(await get(sim, bearer, `/api/v2/device/${deviceUid(0)}`)).toMatchObject({ siteName: 'Contoso Limited' });
  });

  it.each([
    ['PUT', '/api/v2/site', { description: 'no name' }, 'name: required'],
    ['POST', `/api/v2/site/${SITE_A}`, { name: '  ' }, 'name: required'],
    ['PUT', '/api/v2/site', { name: 'X', onDemand: 'yes' }, 'onDemand: must be true or false'],
    ['PUT', '/api/v2/site', { name: 'X', proxySettings: { type: 'ftp' } }, 'proxySettings.type: must be http, socks4 or socks5'],
  ])('%s %s refuses %j with 400', async (method, path, body, message) => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, path, { method, body });

    expect(response.status).toBe(400);
    expect((response.body as Json).message).toBe(message);
  });

  it('allows a duplicate name unless duplicateSiteNames is "conflict"', async () => {
    const lenient = await ready();
    const strict = await ready({ duplicateSiteNames: 'conflict' });

    const allowed = await call(lenient.sim, lenient.bearer, '/api/v2/site', { method: 'PUT', body: { name: 'Contoso Ltd' } });
    const refused = await call(strict.sim, strict.bearer, '/api/v2/site', { method: 'PUT', body: { name: 'Contoso Ltd' } });

    expect(allowed.status).toBe(200);
    expect(refused.status).toBe(409);
  });

  it('answers an unknown site with 404 "Site was not found."', async () => {
    const { sim, bearer } = await ready();

    const read = await call(sim, bearer, '/api/v2/site/nope');
    const update = await call(sim, bearer, '/api/v2/site/nope', { method: 'POST', body: { name: 'x' } });

    expect([read.status, update.status]).toEqual([404, 404]);
    expect((read.body as Json).message).toBe(NOT_FOUND.site);
  });
});

describe('POST /api/v2/alert/{uid}/resolve', () => {
  it('resolves an open alert: it moves to the resolved lists with resolvedBy and resolvedOn', async () => {
    const { sim, bearer } = await ready();

    const response = await call(sim, bearer, `/api/v2/alert/${OPEN_ALERT}/resolve`, { method: 'POST' });
    const open = await get<{ alerts: Json[] }>(sim, bearer, '/api/v2/account/alerts/open');
    const resolved = await get<{ alerts: Json[] }>(sim, bearer, '/api/v2/account/alerts/resolved');
    const alert = await get<Json>(sim, bearer, `/api/v2/alert/${OPEN_ALERT}`);

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(open.alerts).toEqual([]);
    expect(resolved.alerts.map((a) => a.alertUid)).toEqual([OPEN_ALERT, RESOLVED_ALERT].sort());
    expect(alert).toMatchObject({ resolved: true, resolvedBy: USER.username, resolvedOn: T0 });
  });

  it('answers an unknown uid with 404, or with success when unknownAlertResolve is "ok"', async () => {
    const strict = await ready();
    const lenient = await ready({ unknownAlertResolve: 'ok' });

    const refused = await call(strict.sim, strict.bearer, '/api/v2/alert/nope/resolve', { method: 'POST' });
    const accepted = await call(lenient.sim, lenient.bearer, '/api/v2/alert/nope/resolve', { method: 'POST' });

    expect(refused.status).toBe(404);
    expect((refused.body as Json).message).toBe(NOT_FOUND.alert);
    expect(accepted.status).toBe(200);
  });

  it('accepts resolving a resolved alert again without changing it, or 409 with resolvedAlertResolve "conflict"', async () => {
    const lenient = await ready();
    const strict = await ready({ resolvedAlertResolve: 'conflict' });

    const again = await call(lenient.sim, lenient.bearer, `/api/v2/alert/${RESOLVED_ALERT}/resolve`, { method: 'POST' });
    const conflict = await call(strict.sim, strict.bearer, `/api/v2/alert/${RESOLVED_ALERT}/resolve`, { method: 'POST' });
    const alert = await get<Json>(lenient.sim, lenient.bearer, `/api/v2/alert/${RESOLVED_ALERT}`);

    expect(again.status).toBe(200);
    expect(conflict.status).toBe(409);
    expect(alert).toMatchObject({ resolvedBy: 'j.smith', resolvedOn: T0 - 3_600_000 });
  });
});

describe('reads by id and audits', () => {
  it('reads a device by its numeric id; a non-number is a 400, an unknown id a 404', async () => {
    const { sim, bearer } = await ready();

    const device = await get<Json>(sim, bearer, '/api/v2/device/id/5003');
    const text = await call(sim, bearer, '/api/v2/device/id/abc');
    const unknown = await call(sim, bearer, '/api/v2/device/id/1');

    expect(device.uid).toBe(deviceUid(1));
    expect(text.status).toBe(400);
    expect(unknown.status).toBe(404);
    expect((unknown.body as Json).message).toBe(NOT_FOUND.device);
  });

  it('answers the audit for the device class only; another class is a 400 with the spec message', async () => {
    const { sim, bearer } = await ready();

    const audit = await get<Json>(sim, bearer, `/api/v2/audit/device/${deviceUid(0)}`);
    const esxi = await get<Json>(sim, bearer, `/api/v2/audit/esxihost/${deviceUid(2)}`);
    const printer = await get<Json>(sim, bearer, `/api/v2/audit/printer/${deviceUid(1)}`);
    const esxiAsDevice = await call(sim, bearer, `/api/v2/audit/device/${deviceUid(2)}`);
    const networkAsDevice = await call(sim, bearer, `/api/v2/audit/device/${deviceUid(3)}`);
    const agentAsPrinter = await call(sim, bearer, `/api/v2/audit/printer/${deviceUid(0)}`);
    const unknown = await call(sim, bearer, '/api/v2/audit/device/nope');

    expect(audit).toMatchObject({ portalUrl: 'https://merlot.rmm.datto.com/device/5000', webRemoteUrl: 'https://merlot.rmm.datto.com/web-remote/5000', bios: { serialNumber: 'ABC1234' }, nics: [], snmpInfo: null });
    expect((esxi.systemInfo as Json).serviceTag).toBe('SVC9999');
    expect((printer.snmpInfo as Json).snmpSerial).toBe('PRN0001');
    expect([esxiAsDevice.status, networkAsDevice.status, agentAsPrinter.status, unknown.status]).toEqual([400, 400, 400, 404]);
    expect((esxiAsDevice.body as Json).message).toBe(WRONG_CLASS.device);
    expect((agentAsPrinter.body as Json).message).toBe(WRONG_CLASS.printer);
  });

  it('answers an agent without audit data with nulls and empty lists', async () => {
    const { sim, bearer } = await ready();

    const audit = await get<Json>(sim, bearer, `/api/v2/audit/device/${deviceUid(4)}`);

    expect(audit).toEqual({
      portalUrl: 'https://merlot.rmm.datto.com/device/5012',
      webRemoteUrl: 'https://merlot.rmm.datto.com/web-remote/5012',
      systemInfo: null,
      nics: [],
      bios: null,
      baseBoard: null,
      displays: [],
      logicalDisks: [],
      mobileInfo: [],
      processors: [],
      videoBoards: [],
      attachedDevices: [],
      snmpInfo: null,
      physicalMemory: [],
    });
  });

  it('counts the account\'s devices: online, offline, on-demand and managed, deleted ones left out', async () => {
    const { sim, bearer } = await ready();
    sim.control.moveDevice(deviceUid(5), '10000000-0000-4000-8000-000000000002');
    sim.control.deleteDevice(deviceUid(6));

    const account = await get<Json>(sim, bearer, '/api/v2/account');

    expect(account).toEqual({
      id: 42,
      name: 'Test MSP',
      descriptor: { bilingEmail: 'billing@test.example', deviceLimit: 100, timeZone: 'Europe/London' },
      uid: 'ab1c0002',
      currency: 'GBP',
      devicesStatus: { numberOfDevices: 11, numberOfOnlineDevices: 9, numberOfOfflineDevices: 2, numberOfOnDemandDevices: 1, numberOfManagedDevices: 10 },
    });
  });
});
