/**
 * serve end to end: the NinjaOne simulator fires real webhooks at a real serve on a free port,
 * which writes to the Halo simulator. Every test asserts the final Halo state (and the inbox),
 * not the calls made.
 */

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTE_MARKER } from '../../src/serve/ticket-content.js';
import { conditionActivity, post, startWorld, type World } from './fixtures.js';

// The real capture, copied verbatim into the repository (test/sandbox/ninjaone/fixtures/README.md says from where).
const SAMPLE = new URL('../sandbox/ninjaone/fixtures/samples/condition-triggered.vmware-host-memory.country-consulting.json', import.meta.url);

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

describe('serve: TRIGGERED', () => {
  it('opens exactly one ticket with type, client, site, asset, end user and priority from Halo', async () => {
    world = await startWorld();
    const { cast } = world;

    const uid = world.trigger({ deviceId: cast.withUser.deviceId, severity: 'MAJOR', message: 'Disk C: is 95% full', conditionName: 'Disk C: free space is below 10%' });
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    expect(ticket).toMatchObject({
      tickettype_id: 21,
      client_id: cast.withUser.clientId,
      site_id: cast.withUser.siteId,
      asset_ids: [cast.withUser.assetId],
      user_id: cast.withUser.userId,
      priority_id: 2,
      status_id: 1,
      ninja_alert_id: uid,
      ninja_device_id: cast.withUser.deviceId,
      third_party_id_string: `haloform:${uid}`,
    });
    expect(ticket.summary).toMatch(/: Disk C: free space is below 10%$/);
    expect(ticket.details_html).toContain('<th align="left">Alert</th><td>Disk C: is 95% full</td>');
    const [delivery] = await world.serve.store.listDeliveries({ status: 'done' });
    expect(delivery).toMatchObject({ ticketId: ticket.id, statusCode: 'TRIGGERED', seriesKey: uid });
    expect(await world.serve.metrics.value('haloform_tickets_created_total', { placement: 'asset' })).toBe(1);
  });

  it.each([
    ['an asset whose user is on another site: the General User of its site', 'userElsewhere', 'asset'],
    ['an asset without a user: the General User of its site', 'plain', 'asset'],
    ['a device Halo knows only by its location: that site', 'bySite', 'site'],
    ["a device whose location Halo does not know: its client's main site", 'byClient', 'client'],
  ] as const)('places %s', async (_, role, placement) => {
    world = await startWorld();
    const expected = world.cast[role];

    const uid = world.trigger({ deviceId: expected.deviceId, severity: 'CRITICAL' });
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    const generalUser = world.state().users.find((u) => u.site_id === expected.siteId && u.isgeneraluser)!;
    expect(ticket).toMatchObject({ client_id: expected.clientId, site_id: expected.siteId, user_id: generalUser.id, priority_id: 1 });
    expect(ticket.asset_ids).toEqual('assetId' in expected ? [expected.assetId] : []);
    expect(await world.serve.metrics.value('haloform_tickets_created_total', { placement })).toBe(1);
  });

  it('puts a device Halo cannot place in the catch-all, with a note saying why', async () => {
    world = await startWorld();
    const { cast } = world;

    const uid = world.trigger({ deviceId: cast.unknown.deviceId });
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    expect(ticket).toMatchObject({ client_id: cast.catchAll.clientId, site_id: cast.catchAll.siteId, asset_ids: [] });
    const [note] = world.notesOf(ticket.id);
    expect(note).toContain(NOTE_MARKER);
    expect(note).toContain(`This ticket is in the catch-all because NinjaOne device ${cast.unknown.deviceId}`);
    expect(note).toContain(`no asset has ninjarmm_id ${cast.unknown.deviceId}`);
    expect(note).toContain('Run haloform apply to sync it');
  });

  it('notes a repeat of the alert on its open ticket instead of opening another', async () => {
    world = await startWorld();
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();

    world.fireAgain(uid);
    world.fireAgain(uid);
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    const notes = world.notesOf(ticket.id);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/\[haloform\] The alert fired again at .* \(2nd time\)/);
    expect(notes[1]).toMatch(/\(3rd time\)/);
    expect(ticket.status_id).toBe(1);
  });

  it('opens a new ticket when the alert fires again after a technician closed its ticket', async () => {
    world = await startWorld();
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();
    const first = only(world.ticketsOf(uid));
    world.sandbox.halo.control.technicianAction(first.id, { note: 'fixed it', new_status: 9 });

    world.fireAgain(uid);
    await world.settle();

    const tickets = world.ticketsOf(uid);
    expect(tickets.map((t) => t.status_id)).toEqual([9, 1]);
  });

  it('accepts the real TRIGGERED sample and opens a ticket for it', async () => {
    world = await startWorld();
    const body = readFileSync(SAMPLE, 'utf8');

    const response = await post(world.serve.url, body);
    await world.serve.idle();

    expect(response).toEqual({ status: 202, body: { status: 'accepted', deliveryId: expect.any(Number) } });
    const ticket = only(world.ticketsOf('e6b0b0bd-5753-445d-9e4a-71c08983cbd5'));
    expect(ticket.summary).toBe('192.168.50.43: Memory Utilization is greater than or equal to 80% for 5 minutes');
    expect(ticket.priority_id).toBe(4);
    expect(ticket.details_html).toContain('vmm_cond_memory_usage_ge');
    expect(ticket.details_html).toContain('Country Consulting');
  });

  it('acknowledges an activity alerts.include excludes, and opens nothing', async () => {
    world = await startWorld();
    const body = readFileSync(new URL('../sandbox/ninjaone/fixtures/samples/activity.monitor-system-rebooted.pipedream.json', import.meta.url), 'utf8');

    const response = await post(world.serve.url, body);
    await world.serve.idle();

    expect(response).toMatchObject({ status: 202, body: { status: 'ignored', reason: 'statusCode SYSTEM_REBOOTED neither raises nor resets an alert' } });
    expect(world.state().tickets).toEqual([]);
    expect((await world.serve.store.listDeliveries({ status: 'ignored' })).length).toBe(1);
  });
});

describe('serve: alerts.include', () => {
  it('reads the node class from NinjaOne when the webhook did not carry the device', async () => {
    const { specText } = await import('./fixtures.js');
    world = await startWorld({
      spec: specText({
        alerts: `  ticketType: Alert
  include: { activityTypes: [CONDITION], nodeClasses: [WINDOWS_SERVER, LINUX_SERVER] }`,
      }),
    });
    const devices = world.sandbox.ninjaone.control.state().devices;
    const server = devices.find((d) => world!.cast.linked.includes(d.id) && d.nodeClass === 'WINDOWS_SERVER')!;
    const other = devices.find((d) => world!.cast.linked.includes(d.id) && d.nodeClass === 'WINDOWS_WORKSTATION')!;

    const accepted = await post(world.serve.url, JSON.stringify(conditionActivity(600_001, 'TRIGGERED', 'server-alert', server.id)));
    const excluded = await post(world.serve.url, JSON.stringify(conditionActivity(600_002, 'TRIGGERED', 'workstation-alert', other.id)));
    await world.serve.idle();

    expect([accepted.body.status, excluded.body.status]).toEqual(['accepted', 'accepted']);
    expect(world.ticketsOf('server-alert')).toHaveLength(1);
    expect(world.ticketsOf('workstation-alert')).toEqual([]);
    const [ignored] = await world.serve.store.listDeliveries({ status: 'ignored' });
    expect(ignored).toMatchObject({ activityId: 600_002 });
    expect((await world.serve.store.history(ignored!.id)).at(-1)).toMatchObject({ event: 'ignored', detail: { note: 'node class WINDOWS_WORKSTATION is not in alerts.include.nodeClasses (WINDOWS_SERVER, LINUX_SERVER)' } });
  });
});

describe('serve: alerts.include and resets', () => {
  it('opens nothing for the RESET of an alert whose TRIGGERED was left out, even when the RESET does not say its severity', async () => {
    const { specText } = await import('./fixtures.js');
    world = await startWorld({ spec: specText({ alerts: '  ticketType: Alert\n  include: { activityTypes: [CONDITION], severities: [CRITICAL, NONE] }' }) });
    const device = world.cast.plain.deviceId;

    const trigger = await post(world.serve.url, JSON.stringify(conditionActivity(610_001, 'TRIGGERED', 'minor-alert', device, { severity: 'MINOR' })));
    const { severity: _s, ...withoutSeverity } = conditionActivity(610_002, 'RESET', 'minor-alert', device);
    const reset = await post(world.serve.url, JSON.stringify(withoutSeverity));
    await world.serve.idle();

    expect([trigger.body.status, reset.body.status]).toEqual(['ignored', 'accepted']);
    expect(world.state().tickets).toEqual([]);
    const [resetDelivery] = await world.serve.store.listDeliveries({ activityId: 610_002 });
    expect(resetDelivery).toMatchObject({ status: 'ignored' });
  });
});

describe('serve: RESET', () => {
  it('notes the reset and closes the ticket', async () => {
    world = await startWorld();
    const uid = world.trigger({ deviceId: world.cast.withUser.deviceId });
    await world.settle();

    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    expect(ticket).toMatchObject({ status_id: 9, hasbeenclosed: true });
    const notes = world.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^<p>\[haloform\] The alert reset at /);
  });

  it('leaves a ticket a technician has worked on open, with a note saying so', async () => {
    world = await startWorld();
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();
    const ticketId = only(world.ticketsOf(uid)).id;
    world.sandbox.halo.control.technicianAction(ticketId, { note: 'Looking into it' });

    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    expect(ticket.status_id).toBe(1);
    const notes = world.notesOf(ticketId);
    expect(notes).toHaveLength(3);
    expect(notes[1]).toMatch(/The alert reset/);
    expect(notes[2]).toMatch(/haloform did not close this ticket: a technician worked on it \(action \d+ by agent 2\)/);
    expect((await world.serve.store.getSeries(uid))).toMatchObject({ touched: true, ticketOpen: true });
  });

  it('leaves a ticket open when someone changed its status', async () => {
    world = await startWorld();
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();
    const ticketId = only(world.ticketsOf(uid)).id;
    world.sandbox.halo.control.patch('tickets', ticketId, { status_id: 2 });

    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();

    expect(only(world.ticketsOf(uid)).status_id).toBe(2);
    expect(world.notesOf(ticketId).at(-1)).toContain('its status changed since haloform created it (status 1 → 2)');
  });

  it('closes a touched ticket too when closeOnlyUntouched is false, and only notes with onReset: note', async () => {
    const { specText } = await import('./fixtures.js');
    const alerts = (onReset: string, untouched: boolean) => `  ticketType: Alert
  onReset: ${onReset}
  closeOnlyUntouched: ${untouched}
  include: { activityTypes: [CONDITION] }`;
    world = await startWorld({ spec: specText({ alerts: alerts('close', false) }) });
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();
    world.sandbox.halo.control.technicianAction(only(world.ticketsOf(uid)).id, { note: 'on it' });
    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();
    expect(only(world.ticketsOf(uid)).status_id).toBe(9);
    await world.close();

    world = await startWorld({ spec: specText({ alerts: alerts('note', true) }) });
    const other = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();
    world.sandbox.ninjaone.control.resetAlert(other);
    await world.settle();
    const ticket = only(world.ticketsOf(other));
    expect(ticket.status_id).toBe(1);
    expect(world.notesOf(ticket.id)).toEqual([expect.stringMatching(/The alert reset/)]);
  });

  it('handles a RESET that arrives before its TRIGGERED: one ticket, closed, nothing noted twice', async () => {
    world = await startWorld();
    const device = world.cast.withUser.deviceId;
    const control = world.sandbox.ninjaone.control;

    control.fireActivity(conditionActivity(900_002, 'RESET', 'series-reordered', device));
    await world.settle();
    control.fireActivity(conditionActivity(900_001, 'TRIGGERED', 'series-reordered', device));
    await world.settle();

    const ticket = only(world.ticketsOf('series-reordered'));
    expect(ticket).toMatchObject({ status_id: 9, user_id: world.cast.withUser.userId, asset_ids: [world.cast.withUser.assetId], priority_id: 2 });
    expect(world.notesOf(ticket.id)).toEqual([expect.stringMatching(/The alert reset/)]);
    const late = (await world.serve.store.listDeliveries({ activityId: 900_001 }))[0]!;
    expect((await world.serve.store.history(late.id)).map((h) => h.event)).toEqual(['late', 'done']);
  });
});

describe('serve: duplicates and replays', () => {
  it('acknowledges the same delivery twice and processes it once', async () => {
    world = await startWorld();
    world.sandbox.ninjaone.control.setWebhookDelivery({ duplicateRate: 1 });

    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();

    expect(world.sandbox.ninjaone.control.webhookDeliveries().map((d) => [d.outcome, d.responseStatus])).toEqual([
      ['delivered', 202],
      ['delivered', 200],
    ]);
    only(world.ticketsOf(uid));
    const duplicates = await world.serve.store.listDeliveries({ status: 'duplicate' });
    expect(duplicates).toHaveLength(1);
    expect(await world.serve.metrics.value('haloform_webhook_duplicates_total')).toBe(1);
  });

  it('answers a resent body as a duplicate of the first delivery', async () => {
    world = await startWorld();
    const body = JSON.stringify(conditionActivity(700_001, 'TRIGGERED', 'series-dup', world.cast.plain.deviceId));

    const first = await post(world.serve.url, body);
    const second = await post(world.serve.url, body, { path: '/api/notifyninjaalerts' });
    await world.serve.idle();

    expect(first).toEqual({ status: 202, body: { status: 'accepted', deliveryId: expect.any(Number) } });
    expect(second).toEqual({ status: 200, body: { status: 'duplicate', deliveryId: expect.any(Number), duplicateOf: first.body.deliveryId } });
    only(world.ticketsOf('series-dup'));
  });

  it('applies a replayed done delivery once: nothing changes in Halo', async () => {
    world = await startWorld();
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();
    const [done] = await world.serve.store.listDeliveries({ status: 'done' });
    const before = world.state();

    expect(await world.serve.store.replay(done!.id)).toEqual({ ok: true, deliveryId: done!.id });
    await world.serve.idle();

    expect(world.state().tickets).toEqual(before.tickets);
    expect(world.state().actions).toEqual(before.actions);
    expect((await world.serve.store.history(done!.id)).map((h) => h.event)).toEqual(['ticket-created', 'done', 'replayed', 'already-applied', 'done']);
    only(world.ticketsOf(uid));
  });

  it('keeps 50 series straight when their deliveries arrive interleaved, shuffled and duplicated', async () => {
    world = await startWorld();
    const control = world.sandbox.ninjaone.control;
    control.setWebhookDelivery({ reorderWindow: 40, duplicateRate: 0.2, concurrency: 4 });
    const devices = world.cast.linked;
    const uids: string[] = [];
    for (let i = 0; i < 50; i++) uids.push(world.trigger({ deviceId: devices[i % devices.length]!, severity: i % 2 ? 'MINOR' : 'MAJOR' }));
    const twice = uids.filter((_, i) => i % 3 === 0);
    const reset = uids.filter((_, i) => i % 5 < 3);
    // Interleave: repeats and resets of different series alternate (a series' reset comes after its repeat, as in NinjaOne).
    for (let i = 0; i < 53; i++) {
      if (i < 50 && twice.includes(uids[i]!)) world.fireAgain(uids[i]!);
      if (i >= 3 && reset.includes(uids[i - 3]!)) control.resetAlert(uids[i - 3]!);
    }

    await world.settle();

    const deliveries = control.webhookDeliveries();
    expect(deliveries.every((d) => d.outcome === 'delivered')).toBe(true);
    expect(deliveries.some((d) => d.duplicate)).toBe(true);
    const arrival = (await world.serve.store.listDeliveries({ limit: 1000 })).reverse().map((d) => d.activityId!);
    expect(arrival).toHaveLength(deliveries.length);
    expect(arrival).not.toEqual([...arrival].sort((a, b) => a - b));
    const state = world.state();
    for (const [i, uid] of uids.entries()) {
      const tickets = state.tickets.filter((t) => t.ninja_alert_id === uid);
      expect(tickets, uid).toHaveLength(1);
      const ticket = tickets[0]!;
      expect(ticket.status_id, uid).toBe(reset.includes(uid) ? 9 : 1);
      expect(ticket.priority_id).toBe(i % 2 ? 4 : 2);
      const notes = state.actions.filter((a) => a.ticket_id === ticket.id).map((a) => a.note_html ?? '');
      if (!reset.includes(uid)) expect(notes.filter((n) => n.includes('fired again')), uid).toHaveLength(twice.includes(uid) ? 1 : 0);
      else expect(notes.filter((n) => n.includes('The alert reset')), uid).toHaveLength(1);
    }
    expect(state.tickets).toHaveLength(50);
    expect((await world.serve.store.counts())).toMatchObject({ pending: 0, dead: 0 });
  });
});
