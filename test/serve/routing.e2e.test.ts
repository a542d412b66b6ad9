/**
 * Alert routing end to end (issue 17): a real serve routes each alert by alerts.routes — first
 * match wins — and its ticket carries the route's ticket type, team, agent, category, priority,
 * status and SLA; a suppressing route opens none; a route on device tags reads the device from
 * NinjaOne (the webhook's brief device has no tags); the inbox finds alerts by route; and a
 * name Halo no longer has leaves that setting to Halo, said in a note, without losing the alert.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { alertsWith, specErrors, specText, startWorld, type World } from './fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ROUTES = `  routes:
    - name: backup-failures
      match: { condition: "/backup/i" }
      team: Backup
      category: Backup>Failure
      agent: Jordan Lee
    - name: critical-servers
      match: { severity: [CRITICAL, MAJOR], deviceClass: WINDOWS_SERVER }
      ticketType: Incident
      priority: High
      team: Infrastructure
      status: In Progress
      sla: Standard SLA
    - name: quiet-devices
      match: { tags: [lab] }
      suppress: true
`;

const routed = (routes = ROUTES) => specText({ alerts: alertsWith(`  priority: { CRITICAL: 1, MAJOR: 2, MODERATE: 3, MINOR: 4, NONE: 4 }\n${routes}`) });

describe('alert routing', () => {
  it('puts the first matching route on each ticket: team, agent, category, priority, status, SLA, ticket type', async () => {
    world = await startWorld({ spec: routed() });
    const devices = world.sandbox.ninjaone.control.state().devices;
    const server = devices.find((d) => world!.cast.linked.includes(d.id) && d.nodeClass === 'WINDOWS_SERVER')!;
    const workstation = devices.find((d) => world!.cast.linked.includes(d.id) && d.nodeClass === 'WINDOWS_WORKSTATION')!;

    // Both a backup condition and a critical server: the first route wins.
    const backup = world.trigger({ deviceId: server.id, message: 'Backup job "Nightly" failed', conditionName: 'Backup failed', severity: 'CRITICAL' });
    const disk = world.trigger({ deviceId: server.id, message: 'Disk C: 3% free', conditionName: 'Disk space', severity: 'MAJOR' });
    const other = world.trigger({ deviceId: workstation.id, message: 'CPU above 90%', conditionName: 'CPU', severity: 'MINOR' });
    await world.settle();

    const [b] = world.ticketsOf(backup);
    expect(b).toMatchObject({ tickettype_id: 21, team: 'Backup', agent_id: 4, category_1: 'Backup>Failure', priority_id: 1 });
    const [d] = world.ticketsOf(disk);
    expect(d).toMatchObject({ tickettype_id: 1, team: 'Infrastructure', priority_id: 2, status_id: 2, sla_id: 1 });
    expect(d!.agent_id ?? 0).toBe(0);
    const [o] = world.ticketsOf(other);
    expect(o).toMatchObject({ tickettype_id: 21, priority_id: 4 });
    expect(o!.team ?? undefined).toBeUndefined();

    // The inbox knows the route; --route finds its alerts.
    const store = world.serve.store;
    expect((await store.getSeries(disk))?.route).toBe('critical-servers');
    expect((await store.listDeliveries({ route: 'backup-failures' })).map((x) => x.seriesKey)).toEqual([backup]);
    expect((await store.listDeliveries({ route: 'default' })).map((x) => x.seriesKey)).toEqual([other]);

    // A ticket of a routed type closes with its reset, as any alert ticket (the poller reads every routed type).
    world.sandbox.ninjaone.control.resetAlert(disk);
    await world.settle();
    expect(world.state().tickets.find((t) => t.id === d!.id)?.status_id).toBe(9);
  });

  it('suppresses by a route on device tags, reading the device NinjaOne did not expand', async () => {
    world = await startWorld({ spec: routed() });
    const device = world.cast.linked[3]!;
    world.sandbox.ninjaone.control.updateDevice(device, { tags: ['Lab'] });
    world.sandbox.ninjaone.server.clearRequests();
    const uid = world.trigger({ deviceId: device, severity: 'MINOR' });
    await world.settle();
    expect(world.ticketsOf(uid)).toEqual([]);
    const [delivery] = await world.serve.store.listDeliveries({ seriesKey: uid });
    expect(delivery).toMatchObject({ status: 'ignored' });
    const history = await world.serve.store.history(delivery!.id);
    expect(history.find((h) => h.event === 'suppressed')?.detail).toEqual({ reason: 'route "quiet-devices" (alerts.routes[2]) suppresses it', route: 'quiet-devices' });
    expect(world.sandbox.ninjaone.server.requests().some((r) => r.path === '/v2/devices-detailed' && new URLSearchParams(r.query).get('df') === `id = ${device}`)).toBe(true);
    // Its reset opens nothing either.
    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();
    expect(world.ticketsOf(uid)).toEqual([]);
  });

  it('opens the ticket with what Halo has when a routed name is gone since the plan, and says so on it', async () => {
    world = await startWorld({ spec: routed(`  routes:\n    - name: to-a-team-deleted-since\n      match: {}\n      team: Night Shift\n`) });
    const uid = world.trigger({ deviceId: world.cast.linked[0]! });
    await world.settle();
    const [ticket] = world.ticketsOf(uid);
    expect(ticket).toBeDefined();
    expect(ticket!.team ?? undefined).toBeUndefined();
    expect(world.notesOf(ticket!.id).join('\n')).toMatch(/Route &quot;to-a-team-deleted-since&quot; names what Halo does not have.*"?Night Shift/);
  });

  it('refuses routes that cannot work: a bad regular expression, a duplicate name, suppress with settings', () => {
    const errors = specErrors(
      routed(`  routes:
    - name: a
      match: { condition: "/disk(/" }
    - name: A
      match: { severity: CRITICAL }
      suppress: true
      team: Backup
`),
    );
    expect(errors.map((e) => [e.summary, e.path])).toEqual([
      ['Bad regular expression', ['alerts', 'routes', 0, 'match', 'condition']],
      ['Duplicate route name', ['alerts', 'routes', 1, 'name']],
      ['Conflicting keys', ['alerts', 'routes', 1, 'suppress']],
    ]);
  });
});
