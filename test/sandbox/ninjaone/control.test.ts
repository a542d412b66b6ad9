import { describe, expect, it } from 'vitest';
import { call, control, get, startReceiver, startSim, token } from './helpers.js';
import { buildSeed, CLIENT, deviceId, T0 } from './seed-builder.js';

type Row = Record<string, unknown> & { id: number };

describe('the control API over HTTP', () => {
  it('adds a device that the API then lists in id order, with defaults filled in', async () => {
    const sim = await startSim(buildSeed({ devices: 5 }));
    const bearer = await token(sim);

    const added = await control(sim, 'POST', '/_sandbox/devices', { id: 12, organizationId: 2, nodeClass: 'WINDOWS_SERVER', displayName: 'NEW-SRV', system: { serialNumber: 'XYZ' } });
    const ids = (await get<Row[]>(sim, bearer, '/v2/devices')).map((d) => d.id);
    const single = await get<Row>(sim, bearer, '/v2/device/12');

    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: 12, organizationId: 2, locationId: 3, nodeClass: 'WINDOWS_SERVER', approvalStatus: 'APPROVED', offline: false, created: T0, deviceType: 'AgentDevice' });
    expect(ids).toEqual([deviceId(0), 12, deviceId(1), deviceId(2), deviceId(3), deviceId(4)]);
    expect(single).toMatchObject({ id: 12, displayName: 'NEW-SRV', system: { serialNumber: 'XYZ' }, deviceType: 'AgentDevice' });
  });

  it('numbers a device after the largest id when none is given', async () => {
    const sim = await startSim(buildSeed({ devices: 5 }));

    const added = sim.control.addDevice({ organizationId: 1, nodeClass: 'NMS_ROUTER' });

    expect(added.id).toBe(deviceId(4) + 1);
    expect(added.deviceType).toBe('NMSTarget');
  });

  it('moves a device to another organisation and location', async () => {
    const sim = await startSim(buildSeed({ devices: 5 }));
    const bearer = await token(sim);

    const moved = await control(sim, 'PATCH', `/_sandbox/devices/${deviceId(0)}`, { organizationId: 3, locationId: 6, displayName: 'RENAMED' });
    const org1 = (await get<Row[]>(sim, bearer, '/v2/organization/1/devices')).map((d) => d.id);
    const org3 = (await get<Row[]>(sim, bearer, '/v2/organization/3/devices')).map((d) => d.id);
    const device = await get<Row>(sim, bearer, `/v2/device/${deviceId(0)}`);

    expect(moved.status).toBe(200);
    expect(org1).toEqual([deviceId(3)]);
    expect(org3).toEqual([deviceId(0), deviceId(2)]);
    expect(device).toMatchObject({ organizationId: 3, locationId: 6, displayName: 'RENAMED' });
  });

  it('removes a field with null in a patch', async () => {
    const sim = await startSim(buildSeed({ devices: 5 }));

    const patched = sim.control.updateDevice(deviceId(0), { netbiosName: null });

    expect(patched).not.toHaveProperty('netbiosName');
  });

  it('deletes a device with its alerts and custom fields', async () => {
    const sim = await startSim(buildSeed({ devices: 5 }));
    const bearer = await token(sim);

    const deleted = await control(sim, 'DELETE', `/_sandbox/devices/${deviceId(0)}`);
    const read = await call(sim, bearer, `/v2/device/${deviceId(0)}`);
    const alerts = await get<unknown[]>(sim, bearer, '/v2/alerts');
    const again = await control(sim, 'DELETE', `/_sandbox/devices/${deviceId(0)}`);

    expect(deleted.status).toBe(204);
    expect(read.status).toBe(404);
    expect(alerts).toEqual([]);
    expect(sim.control.state().customFields).not.toHaveProperty(String(deviceId(0)));
    expect(again).toEqual({ status: 404, body: { error: `device ${deviceId(0)} does not exist` } });
  });

  it('adds organisations and locations', async () => {
    const sim = await startSim(buildSeed({ organizations: 2 }));
    const bearer = await token(sim);

    const org = await control(sim, 'POST', '/_sandbox/organizations', { name: 'Contoso Ltd', description: 'New client' });
    const location = await control(sim, 'POST', '/_sandbox/locations', { organizationId: 3, name: 'Head Office', address: '1 Main St' });
    const detailed = await get<Row>(sim, bearer, '/v2/organization/3');

    expect(org).toEqual({ status: 201, body: { id: 3, name: 'Contoso Ltd', nodeApprovalMode: 'AUTOMATIC', description: 'New client' } });
    expect(location).toEqual({ status: 201, body: { id: 5, organizationId: 3, name: 'Head Office', address: '1 Main St' } });
    expect(detailed).toMatchObject({ name: 'Contoso Ltd', description: 'New client', id: 3, locations: [{ name: 'Head Office', address: '1 Main St', id: 5 }] });
  });

  it('sets and clears custom field values', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }));
    const bearer = await token(sim);

    const set = await control(sim, 'PATCH', `/_sandbox/devices/${deviceId(1)}/custom-fields`, { assetTag: 'NEW-1', warrantyEnd: T0 });
    const cleared = await control(sim, 'PATCH', `/_sandbox/devices/${deviceId(1)}/custom-fields`, { warrantyEnd: null });
    const read = await get(sim, bearer, `/v2/device/${deviceId(1)}/custom-fields`);

    expect(set).toEqual({ status: 200, body: { assetTag: 'NEW-1', warrantyEnd: T0 } });
    expect(cleared.body).toEqual({ assetTag: 'NEW-1' });
    expect(read).toEqual({ assetTag: 'NEW-1' });
  });

  it.each([
    ['POST', '/_sandbox/devices', { nodeClass: 'MAC' }, 400, 'organizationId: required', 'organizationId'],
    ['POST', '/_sandbox/devices', { organizationId: 9, nodeClass: 'MAC' }, 400, 'organizationId: no organization with id 9', 'organizationId'],
    ['POST', '/_sandbox/devices', { organizationId: 1, locationId: 3, nodeClass: 'MAC' }, 400, 'locationId: location 3 belongs to organization 2, not 1', 'locationId'],
    ['POST', '/_sandbox/devices', { organizationId: 1 }, 400, 'nodeClass: required, e.g. "WINDOWS_WORKSTATION"', 'nodeClass'],
    ['POST', '/_sandbox/devices', { organizationId: '1', nodeClass: 'MAC' }, 400, 'organizationId: must be an integer, got "1"', 'organizationId'],
    ['POST', '/_sandbox/devices', { organizationId: 1, nodeClass: 'MAC', offline: 'no' }, 400, 'offline: must be a boolean, got "no"', 'offline'],
    ['POST', '/_sandbox/devices', { organizationId: 1, nodeClass: 'MAC', approvalStatus: 'OK' }, 400, 'approvalStatus: must be one of PENDING, STAGED, APPROVED, DECOMMISSIONED, got "OK"', 'approvalStatus'],
    ['POST', '/_sandbox/devices', { id: deviceId(0), organizationId: 1, nodeClass: 'MAC' }, 409, `id: device ${deviceId(0)} already exists`, 'id'],
    ['PATCH', `/_sandbox/devices/${deviceId(0)}`, { organizationId: 2 }, 400, 'locationId: location 1 belongs to organization 1; moving the device to organization 2 needs a locationId there (3, 4)', 'locationId'],
    ['PATCH', `/_sandbox/devices/${deviceId(0)}`, { nodeClass: null }, 400, 'nodeClass: every device has one; it cannot be removed', 'nodeClass'],
    ['PATCH', `/_sandbox/devices/${deviceId(0)}`, { tags: 'vip' }, 400, 'tags: must be an array of strings, got "vip"', 'tags'],
    ['PATCH', `/_sandbox/devices/${deviceId(0)}/custom-fields`, { assetTagg: 'x' }, 400, 'assetTagg: no custom field with this name (defined: assetTag, warrantyEnd, secretKey, writeOnlyField)', 'assetTagg'],
    ['POST', '/_sandbox/organizations', { description: 'x' }, 400, 'name: required', 'name'],
    ['POST', '/_sandbox/organizations', { name: 'X', nodeApprovalMode: 'AUTO' }, 400, 'nodeApprovalMode: must be one of AUTOMATIC, MANUAL, REJECT, got "AUTO"', 'nodeApprovalMode'],
    ['POST', '/_sandbox/locations', { name: 'Annex' }, 400, 'organizationId: required', 'organizationId'],
    ['POST', '/_sandbox/alerts', { deviceId: 4242 }, 400, 'deviceId: no device with id 4242', 'deviceId'],
    ['POST', '/_sandbox/alerts', { deviceId: deviceId(0), severity: 3 }, 400, 'severity: must be a string, got 3', 'severity'],
    ['POST', '/_sandbox/alerts', { deviceId: deviceId(0), colour: 'red' }, 400, 'colour: unknown field; known: deviceId, uid, sourceType, sourceConfigUid, sourceName, subject, message, code, params, data, severity, priority, conditionName, conditionHealthStatus', 'colour'],
    ['PATCH', '/_sandbox/webhook-delivery', { delayMs: -1 }, 400, 'delayMs: must be a number at least 0, got -1', 'delayMs'],
    ['POST', '/_sandbox/clock', {}, 400, 'advanceMs: required, a number of milliseconds', 'advanceMs'],
  ])('%s %s %j answers %i naming the field', async (method, path, body, status, error, field) => {
    const sim = await startSim(buildSeed({ devices: 3, organizations: 2 }));

    const response = await control(sim, method, path, body);

    expect(response).toEqual({ status, body: { error, field } });
  });

  it('answers 400 for a body that is not JSON, and 404 with the route list for an unknown control path', async () => {
    const sim = await startSim(buildSeed({ devices: 1 }));

    const notJson = await fetch(`${sim.url}/_sandbox/devices`, { method: 'POST', body: '{nope' });
    const unknown = await control(sim, 'GET', '/_sandbox/nothing-here');

    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'request body is not valid JSON' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'no control route GET /_sandbox/nothing-here', routes: expect.arrayContaining([expect.stringMatching(/^POST \/_sandbox\/alerts/)]) });
  });

  it('raises and resets alerts, flushes and lists deliveries over HTTP', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }));
    const receiver = await startReceiver();
    const bearer = await token(sim);
    await call(sim, bearer, '/v2/webhook', { method: 'PUT', body: { url: receiver.url } });

    const raised = await control(sim, 'POST', '/_sandbox/alerts', { deviceId: deviceId(1), message: 'Disk C: below 10%', code: 'agent_win_cond_disk_free_le', params: { drive: 'C:', threshold: 10 }, severity: 'CRITICAL', priority: 'HIGH', sourceType: 'CONDITION_AGENT_DISK_FREE_SPACE' });
    const uid = (raised.body as { alert: { uid: string } }).alert.uid;
    const reset = await control(sim, 'POST', `/_sandbox/alerts/${uid}/reset`);
    const flushed = await control(sim, 'POST', '/_sandbox/webhooks/flush');
    const log = await control(sim, 'GET', '/_sandbox/webhook-deliveries');
    const cleared = await control(sim, 'DELETE', '/_sandbox/webhook-deliveries');

    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({ alert: { deviceId: deviceId(1), severity: 'CRITICAL', data: { message: { code: 'agent_win_cond_disk_free_le', params: { drive: 'C:', threshold: 10 } } } }, activity: { statusCode: 'TRIGGERED', seriesUid: uid } });
    expect(reset).toMatchObject({ status: 200, body: { activity: { statusCode: 'RESET', seriesUid: uid } } });
    expect(flushed.body).toEqual(log.body);
    expect((log.body as { outcome: string }[]).map((d) => d.outcome)).toEqual(['delivered', 'delivered']);
    expect(receiver.received.map((r) => r.body.statusCode)).toEqual(['TRIGGERED', 'RESET']);
    expect(cleared.status).toBe(204);
    expect(sim.control.webhookDeliveries()).toEqual([]);
  });

  it('changes delivery options, the 429 Retry-After and the clock over HTTP', async () => {
    const sim = await startSim(buildSeed({ devices: 1 }));

    const options = await control(sim, 'PATCH', '/_sandbox/webhook-delivery', { duplicateRate: 0.5, delayMs: 5 });
    const clock = await control(sim, 'POST', '/_sandbox/clock', { advanceMs: 1500 });
    const retry = await control(sim, 'PUT', '/_sandbox/retry-after', { seconds: 30 });

    expect(options.body).toEqual({ dropRate: 0, duplicateRate: 0.5, delayMs: 5, reorderWindow: 0, maxAttempts: 4, retryBackoffMs: 200, timeoutMs: 10000, concurrency: 1 });
    expect(clock.body).toEqual({ clockMs: T0 * 1000 + 1500 });
    expect(retry.body).toEqual({ seconds: 30 });
  });

  it('dumps the state seed-shaped, with no secrets', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }));
    await token(sim);

    const state = await control(sim, 'GET', '/_sandbox/state');

    expect(Object.keys(state.body as object)).toEqual([
      'apps',
      'organizations',
      'locations',
      'devices',
      'customFieldDefinitions',
      'customFields',
      'organizationCustomFields',
      'locationCustomFields',
      'alerts',
      'webhooks',
      'webhookDelivery',
      'activities',
      // Added with row overlays (issue 13): the overlays in force.
      'overlays',
      'activeTokens',
      'clockMs',
    ]);
    expect(state.body).toMatchObject({ apps: [{ clientId: CLIENT.clientId, scopes: ['monitoring', 'management'] }, expect.any(Object)], activeTokens: 1 });
    expect((state.body as { devices: Row[] }).devices.map((d) => d.id)).toEqual([deviceId(0), deviceId(1), deviceId(2)]);
    expect(JSON.stringify(state.body)).not.toContain(CLIENT.clientSecret);
  });

  it('never changes the seed it was given', async () => {
    const seed = buildSeed({ devices: 6 });
    const before = structuredClone(seed);
    const sim = await startSim(seed);

    sim.control.updateDevice(deviceId(0), { organizationId: 2, locationId: 3, displayName: 'X', os: { name: 'changed' } });
    sim.control.deleteDevice(deviceId(1));
    sim.control.setDeviceCustomFields(deviceId(2), { assetTag: 'changed', warrantyEnd: null });
    sim.control.addDevice({ organizationId: 1, nodeClass: 'MAC' });
    sim.control.resetAlert('0b0c2f8e-0c41-4a8e-9a51-5d1c5a0f3e11');

    expect(seed).toEqual(before);
  });
});
