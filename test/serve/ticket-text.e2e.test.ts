/**
 * serve end to end, for the text of tickets from what real tenants send (issue 13): alerts with
 * an empty subject and sourceName and a human-readable conditionName, epoch-millisecond
 * parameters, devices known only by their systemName, devices NinjaOne no longer has, and
 * hostile characters. Real webhooks from the NinjaOne simulator to a real serve; assertions on
 * the Halo simulator's final state.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { deviceDisplayName } from '../../src/model/device-names.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';
import { conditionActivity, post, specText, startWorld, type World } from './fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** A disk alert as real tenants send it: no subject, no sourceName, a conditionName, times in epoch milliseconds. */
const DISK_ALERT = {
  sourceType: 'CONDITION_AGENT_DISK_FREE_SPACE',
  sourceName: '',
  subject: '',
  conditionName: 'Disk C: free space is below 10%',
  message: 'Disk C: free space is 4.2% (0.5 GB free of 4.0 GB), at or below 10% for 15 minutes',
  code: 'agent_win_cond_disk_free_le',
  params: { drive: 'C:', threshold: 10, unit: '%', value: 4.2, free_space: 536870912, total_space: 4294967296, duration: 15, start_date: 1742390775556, end_date: 1742391675556 },
  severity: 'MAJOR',
  priority: 'HIGH',
} as const;

/** The name serve gives a device of the NinjaOne simulator (assets.name.from defaults). */
function nameOf(w: World, deviceId: number): string {
  const device = w.sandbox.ninjaone.control.state().devices.find((d) => d.id === deviceId)!;
  return deviceDisplayName(NINJAONE, device as unknown as Record<string, unknown>, deviceId);
}

describe('serve: ticket text', () => {
  it('titles a ticket by the conditionName and shows its parameters in words', async () => {
    world = await startWorld();
    const deviceId = world.cast.plain.deviceId;

    const uid = world.trigger({ deviceId, ...DISK_ALERT, params: { ...DISK_ALERT.params } });
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    expect(ticket.summary).toBe(`${nameOf(world, deviceId)}: Disk C: free space is below 10%`);
    const row = (k: string, v: string) => `<tr><th align="left">${k}</th><td>${v}</td></tr>`;
    expect(ticket.details_html).toContain(row('Condition', 'Disk C: free space is below 10%'));
    expect(ticket.details_html).toContain(row('Alert', DISK_ALERT.message));
    expect(ticket.details_html).toContain(row('Start', '2025-03-19 13:26 UTC'));
    expect(ticket.details_html).toContain(row('End', '2025-03-19 13:41 UTC'));
    expect(ticket.details_html).toContain(row('Free space', '512 MB'));
    expect(ticket.details_html).toContain(row('Total space', '4.0 GB'));
    expect(ticket.details_html).toContain(row('Duration', '15 minutes'));
    expect(ticket.details_html).toContain(row('Threshold', '10 %'));
    expect(ticket.details_html).not.toContain('1742391675556');
    expect(ticket.details_html).not.toMatch(/<th align="left">(Subject|Source)<\/th>/);
  });

  it('titles a ticket the poller opens from /v2/alerts by the conditionName too', async () => {
    world = await startWorld();
    world.sandbox.ninjaone.control.setWebhookDelivery({ dropRate: 1 });
    const deviceId = world.cast.plain.deviceId;
    const uid = world.trigger({ deviceId, ...DISK_ALERT, params: { ...DISK_ALERT.params } });
    await world.settle();
    expect(world.ticketsOf(uid)).toEqual([]);

    await world.serve.poll();
    await world.serve.idle();

    const ticket = only(world.ticketsOf(uid));
    expect(ticket.summary).toBe(`${nameOf(world, deviceId)}: Disk C: free space is below 10%`);
    expect(ticket.details_html).toContain('<tr><th align="left">End</th><td>2025-03-19 13:41 UTC</td></tr>');
  });

  it('names a cloud monitor that has only a systemName by it', async () => {
    world = await startWorld();
    const { deviceId, siteId } = world.cast.bySite;
    const node = world.sandbox.ninjaone.control.state().devices.find((d) => d.id === deviceId)!;
    const device = { id: deviceId, organizationId: node.organizationId, locationId: node.locationId, nodeClass: 'CLOUD_MONITOR_TARGET', systemName: 'www.example.com' };

    world.sandbox.ninjaone.control.fireActivity(conditionActivity(820_001, 'TRIGGERED', 'monitor-alert', deviceId, { conditionName: 'HTTP check failed', device }));
    await world.settle();

    const ticket = only(world.ticketsOf('monitor-alert'));
    expect(ticket).toMatchObject({ summary: 'www.example.com: HTTP check failed', site_id: siteId });
    expect(ticket.details_html).toContain(`<tr><th align="left">Device</th><td>www.example.com (NinjaOne id ${deviceId})</td></tr>`);
  });

  it('names a device by the first of assets.name.from it has', async () => {
    world = await startWorld({ spec: `${specText()}assets:\n  name:\n    from: [system.name, systemName, displayName]\n` });
    const { deviceId } = world.cast.bySite;
    const node = world.sandbox.ninjaone.control.state().devices.find((d) => d.id === deviceId)!;
    const device = { id: deviceId, organizationId: node.organizationId, locationId: node.locationId, displayName: 'Display name', systemName: 'SYSTEM-NAME' };

    world.sandbox.ninjaone.control.fireActivity(conditionActivity(825_001, 'TRIGGERED', 'named-alert', deviceId, { conditionName: 'Low disk', device }));
    await world.settle();

    expect(only(world.ticketsOf('named-alert')).summary).toBe('SYSTEM-NAME: Low disk');
  });

  it("names a device the webhook did not describe by its Halo asset's tag", async () => {
    world = await startWorld();
    const { deviceId, assetId } = world.cast.plain;
    const tag = world.state().assets.find((a) => a.id === assetId)!.inventory_number;

    await post(world.serve.url, JSON.stringify(conditionActivity(830_001, 'TRIGGERED', 'bare-alert', deviceId, { conditionName: 'CPU above 90%' })));
    await world.serve.idle();

    expect(only(world.ticketsOf('bare-alert')).summary).toBe(`${tag}: CPU above 90%`);
  });

  it('keeps control and bidi characters of a webhook out of the ticket', async () => {
    world = await startWorld();
    const deviceId = world.cast.plain.deviceId;
    const body = conditionActivity(840_001, 'TRIGGERED', 'hostile-alert', deviceId, { conditionName: 'Invoice\u202Efdp.exe\u0000 paid', message: 'a\u0007b\u009bc <i>x</i>' });

    await post(world.serve.url, JSON.stringify(body));
    await world.serve.idle();

    const ticket = only(world.ticketsOf('hostile-alert'));
    expect(ticket.summary.endsWith(': Invoicefdp.exe paid')).toBe(true);
    expect(ticket.details_html).toContain('<tr><th align="left">Alert</th><td>abc &lt;i&gt;x&lt;/i&gt;</td></tr>');
    expect(`${ticket.summary}${ticket.details_html}`).not.toMatch(/[\u0000\u0007\u009b\u202e]/);
  });
});

describe('serve: why the catch-all', () => {
  it('says the organisation and location are unknown when NinjaOne answers 404 for the device', async () => {
    world = await startWorld();

    await post(world.serve.url, JSON.stringify(conditionActivity(850_001, 'TRIGGERED', 'gone-device', 987_654)));
    await world.serve.idle();

    const ticket = only(world.ticketsOf('gone-device'));
    expect(ticket).toMatchObject({ client_id: world.cast.catchAll.clientId, summary: 'NinjaOne device 987654: CPU utilisation is greater than 90% for 5 minutes' });
    expect(world.notesOf(ticket.id)).toEqual([
      '<p>[haloform] This ticket is in the catch-all because NinjaOne device 987654 is not linked in Halo: no asset has ninjarmm_id 987654. Its organisation and location are unknown: NinjaOne answered 404 Not Found for the device (it was deleted, or the API application cannot see it). Check that the device still exists in NinjaOne and that the API application can see its organisation, then move this ticket to the right client.</p>',
    ]);
  });

  it('names the location and organisation no Halo site or client carries', async () => {
    world = await startWorld();
    const deviceId = world.cast.unknown.deviceId;
    const state = world.sandbox.ninjaone.control.state();
    const node = state.devices.find((d) => d.id === deviceId)!;
    const org = state.organizations.find((o) => o.id === node.organizationId)!;
    const loc = state.locations.find((l) => l.id === node.locationId)!;

    const uid = world.trigger({ deviceId, ...DISK_ALERT });
    await world.settle();

    const ticket = only(world.ticketsOf(uid));
    const [note] = world.notesOf(ticket.id);
    expect(note).toContain(`no asset has ninjarmm_id ${deviceId}. No active Halo site carries the NinjaOne id of its location &quot;${loc.name}&quot; (NinjaOne id ${loc.id}), and no active Halo client carries the NinjaOne id of its organisation &quot;${org.name}&quot; (NinjaOne id ${org.id}). Run haloform apply to sync it`);
    expect(note).not.toContain('unknown');
  });

  it('says the location is unknown when only the organisation is known, and names no location', async () => {
    world = await startWorld();
    const state = world.sandbox.ninjaone.control.state();
    const org = state.organizations.find((o) => o.id === state.devices.find((d) => d.id === world!.cast.unknown.deviceId)!.organizationId)!;
    const device = { id: 987_655, organizationId: org.id, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'GONE-PC', references: { organization: { id: org.id, name: org.name } } };

    await post(world.serve.url, JSON.stringify(conditionActivity(860_001, 'TRIGGERED', 'no-location', 987_655, { device })));
    await world.serve.idle();

    const ticket = only(world.ticketsOf('no-location'));
    expect(ticket.summary).toBe('GONE-PC: CPU utilisation is greater than 90% for 5 minutes');
    const [note] = world.notesOf(ticket.id);
    expect(note).toContain(
      `NinjaOne device 987655 (&quot;GONE-PC&quot;) is not linked in Halo: no asset has ninjarmm_id 987655. Its location is unknown: NinjaOne answered 404 Not Found for the device (it was deleted, or the API application cannot see it). No active Halo client carries the NinjaOne id of its organisation &quot;${org.name}&quot; (NinjaOne id ${org.id}).`,
    );
    expect(note).not.toMatch(/location (with|&quot;)|site carries/);
  });
});
