/** `/v2/activities` and the device lifecycle activities the control API fires (NOTES §5). */

import { describe, expect, it } from 'vitest';
import { call, control, get, startSim, token } from './helpers.js';
import { buildSeed, deviceId } from './seed-builder.js';

interface Listed {
  lastActivityId: number;
  activities: { id: number; deviceId?: number; activityType: string; statusCode: string; data?: unknown }[];
}

describe('/v2/activities', () => {
  it('lists what happened newest first: a device added, changed and deleted fires NODE_CREATED, NODE_UPDATED and NODE_DELETED', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }));
    const bearer = await token(sim);
    const before = (await get<Listed>(sim, bearer, '/v2/activities')).lastActivityId;
    const added = sim.control.addDevice({ organizationId: 1, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'NEW' });
    sim.control.updateDevice(deviceId(1), { displayName: 'RENAMED' });
    sim.control.deleteDevice(deviceId(2));

    const listed = await get<Listed>(sim, bearer, `/v2/activities?newerThan=${before}`);

    expect(listed.activities.map((a) => [a.statusCode, a.deviceId, a.activityType])).toEqual([
      ['NODE_DELETED', deviceId(2), 'SYSTEM'],
      ['NODE_UPDATED', deviceId(1), 'SYSTEM'],
      ['NODE_CREATED', added.id, 'SYSTEM'],
    ]);
    expect(listed.lastActivityId).toBe(listed.activities[0]!.id);
    expect(listed.activities.every((a) => a.id > before)).toBe(true);
  });

  it('an organisation or location added or renamed fires CLIENT_* or LOCATION_*, on no device (class ALL lists them, DEVICE does not)', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }));
    const bearer = await token(sim);
    const before = (await get<Listed>(sim, bearer, '/v2/activities')).lastActivityId;
    const org = await control(sim, 'POST', '/_sandbox/organizations', { name: 'Fabrikam' });
    const location = await control(sim, 'POST', '/_sandbox/locations', { organizationId: (org.body as { id: number }).id, name: 'Quay' });
    const renamed = await control(sim, 'PATCH', `/_sandbox/organizations/${(org.body as { id: number }).id}`, { name: 'Fabrikam Group' });
    const moved = await control(sim, 'PATCH', `/_sandbox/locations/${(location.body as { id: number }).id}`, { address: '1 Quay St' });

    expect([org.status, location.status, renamed.status, moved.status]).toEqual([201, 201, 200, 200]);
    expect(renamed.body).toMatchObject({ name: 'Fabrikam Group' });
    expect(moved.body).toMatchObject({ name: 'Quay', address: '1 Quay St' });
    const all = await get<Listed>(sim, bearer, `/v2/activities?class=ALL&newerThan=${before}`);
    const ids = { organizationId: (org.body as { id: number }).id, locationId: (location.body as { id: number }).id };
    expect(all.activities.map((a) => [a.statusCode, a.deviceId, a.activityType, a.data])).toEqual([
      ['LOCATION_UPDATED', undefined, 'SYSTEM', ids],
      ['CLIENT_UPDATED', undefined, 'SYSTEM', { organizationId: ids.organizationId }],
      ['LOCATION_CREATED', undefined, 'SYSTEM', ids],
      ['CLIENT_CREATED', undefined, 'SYSTEM', { organizationId: ids.organizationId }],
    ]);
    expect((await get<Listed>(sim, bearer, `/v2/activities?class=DEVICE&newerThan=${before}`)).activities).toEqual([]);
    expect(await control(sim, 'PATCH', '/_sandbox/organizations/999', { name: 'x' })).toMatchObject({ status: 404 });
    expect(await control(sim, 'PATCH', `/_sandbox/locations/${ids.locationId}`, { name: ' ' })).toMatchObject({ status: 400, body: { error: 'name: cannot be empty', field: 'name' } });
    expect(await control(sim, 'PATCH', `/_sandbox/organizations/${ids.organizationId}`, { colour: 'red' })).toMatchObject({ status: 400 });
  });

  it('pages down with olderThan, clamps pageSize to 10..1000, filters by class, type and status, and refuses newerThan with olderThan', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }));
    const bearer = await token(sim);
    for (let i = 0; i < 15; i++) sim.control.updateDevice(deviceId(0), { displayName: `PC-${i}` });
    sim.control.fireActivity({ activityType: 'CONDITION', statusCode: 'TRIGGERED', deviceId: deviceId(1) });

    const first = await get<Listed>(sim, bearer, '/v2/activities?pageSize=1');
    const next = await get<Listed>(sim, bearer, `/v2/activities?pageSize=10&olderThan=${first.activities.at(-1)!.id}`);
    const system = await get<Listed>(sim, bearer, '/v2/activities?class=SYSTEM&pageSize=1000');
    const updated = await get<Listed>(sim, bearer, '/v2/activities?status=NODE_UPDATED&type=SYSTEM');
    const both = await call(sim, bearer, '/v2/activities?newerThan=1&olderThan=99999999');

    expect(first.activities).toHaveLength(10);
    expect(next.activities).toHaveLength(6); // 15 updates and a TRIGGERED, 10 on the first page
    expect(next.activities[0]!.id).toBeLessThan(first.activities.at(-1)!.id);
    expect(system.activities.some((a) => a.statusCode === 'TRIGGERED')).toBe(false);
    expect(updated.activities).toHaveLength(15);
    expect(both.status).toBe(400);
  });
});
