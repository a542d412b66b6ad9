/**
 * Maintenance (alerts.maintenanceWindows, and NinjaOne's device maintenance): an alert inside a
 * window, or on a device NinjaOne has in maintenance, opens no ticket — logged as suppressed —
 * and its reset opens none either; a window for other organisations changes nothing.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { inWindow } from '../../src/serve/maintenance.js';
import { alertsWith, specErrors, specText, startWorld, type World } from './fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const withWindows = (windows: string) => alertsWith(`  maintenanceWindows:\n${windows}`);
const ALWAYS = '    - { name: Patch night, from: "00:00", to: "23:59" }';

describe('maintenance', () => {
  it('suppresses an alert inside a window — no ticket, nor from its reset — and says why in the inbox', async () => {
    world = await startWorld({ spec: specText({ alerts: withWindows(ALWAYS) }) });
    const uid = world.trigger({ deviceId: world.cast.linked[0]! });
    await world.settle();
    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();

    expect(world.state().tickets).toEqual([]);
    const [reset, trigger] = await world.serve.store.listDeliveries({ seriesKey: uid });
    expect(trigger).toMatchObject({ status: 'ignored', statusCode: 'TRIGGERED' });
    expect(reset).toMatchObject({ status: 'ignored', statusCode: 'RESET' });
    const history = await world.serve.store.history(trigger!.id);
    expect(history.find((h) => h.event === 'suppressed')?.detail).toEqual({ reason: 'maintenance window "Patch night" (alerts.maintenanceWindows)' });
  });

  it('opens the ticket as usual when the window is for another organisation', async () => {
    world = await startWorld({ spec: specText({ alerts: withWindows('    - { organisations: [999999], from: "00:00", to: "23:59" }') }) });
    const uid = world.trigger({ deviceId: world.cast.linked[0]! });
    await world.settle();
    expect(world.ticketsOf(uid)).toHaveLength(1);
  });

  it('suppresses an alert on a device NinjaOne has in maintenance, and not once its maintenance ended', async () => {
    world = await startWorld();
    const device = world.cast.linked[0]!;
    const now = Date.now() / 1000;
    world.sandbox.ninjaone.control.updateDevice(device, { maintenance: { status: 'IN_MAINTENANCE', start: now - 600, end: now + 3600, reasonMessage: 'Disk swap' } });
    const quiet = world.trigger({ deviceId: device });
    await world.settle();
    expect(world.ticketsOf(quiet)).toEqual([]);
    const [delivery] = await world.serve.store.listDeliveries({ seriesKey: quiet });
    expect(delivery).toMatchObject({ status: 'ignored', statusCode: 'TRIGGERED' });
    const history = await world.serve.store.history(delivery!.id);
    expect(String(history.find((h) => h.event === 'suppressed')?.detail?.reason)).toMatch(/^the device is in maintenance in NinjaOne until \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z: Disk swap$/);

    world.sandbox.ninjaone.control.updateDevice(device, { maintenance: { status: 'IN_MAINTENANCE', start: now - 7200, end: now - 3600 } });
    const after = world.trigger({ deviceId: device });
    await world.settle();
    expect(world.ticketsOf(after)).toHaveLength(1);
  });

  it('a window past midnight covers both days; days name the day it starts', () => {
    const window = { days: ['sat' as const], from: 22 * 60, to: 6 * 60, timezone: 'Europe/London' };
    expect(inWindow(window, Date.parse('2026-12-05T23:00:00Z'))).toBe(true); // Saturday 23:00 in London
    expect(inWindow(window, Date.parse('2026-12-06T05:30:00Z'))).toBe(true); // Sunday 05:30
    expect(inWindow(window, Date.parse('2026-12-06T06:30:00Z'))).toBe(false);
    expect(inWindow(window, Date.parse('2026-12-04T23:00:00Z'))).toBe(false); // Friday
    expect(inWindow({ ...window, timezone: 'America/New_York' }, Date.parse('2026-12-06T04:00:00Z'))).toBe(true); // Saturday 23:00 in New York
  });

  it('refuses a time zone it does not know and a window that never covers anything, naming the window', () => {
    const errors = specErrors(specText({ alerts: withWindows('    - { from: "22:00", to: "22:00", timezone: Europe/Londn }') })).map((d) => `${d.summary}: ${d.detail}`);
    expect(errors.sort()).toEqual([
      'Empty maintenance window: alerts.maintenanceWindows[0] starts and ends at the same time, so it never covers anything. Set to after from (or earlier, for a window past midnight).',
      'Unknown time zone: alerts.maintenanceWindows[0].timezone is "Europe/Londn", which is not a time zone this machine knows. Use an IANA name such as Europe/London, America/New_York or UTC.',
    ]);
  });
});

describe('alerts.template', () => {
  const withTemplate = (template: string) => alertsWith(`  template:\n${template}`);

  it('writes the summary and the opening of the details from the template, values escaped and control characters gone', async () => {
    world = await startWorld({ spec: specText({ alerts: withTemplate('    summary: "[{severity}] {device} — {condition}"\n    details: "Client {client}, site {site}.\\nSee {deviceLink} <b>now</b>"') }) });
    const uid = world.trigger({ deviceId: world.cast.linked[0]!, severity: 'CRITICAL', message: 'Disk <script>alert(1)</script>\u202E full' });
    await world.settle();
    const [ticket] = world.ticketsOf(uid);
    expect(ticket!.summary).toMatch(/^\[CRITICAL\] \S+ — Disk <script>alert\(1\)<\/script> full$/);
    const details = String(ticket!.details_html ?? ticket!.details ?? '');
    expect(details).toMatch(/^<p>Client [^<]+, site [^<]+\.<br>See https?:\/\/\S+ &lt;b&gt;now&lt;\/b&gt;<\/p>\n<table>/);
    expect(details).not.toContain('<script>');
    expect(details).not.toContain('\u202E');
  });

  it('refuses a placeholder it does not fill, with a did-you-mean', () => {
    const errors = specErrors(specText({ alerts: withTemplate('    summary: "{devcie}: {condition}"') }));
    expect(errors.map((d) => d.summary)).toEqual(['Unknown placeholder']);
    expect(errors[0]!.detail).toMatch(/^alerts\.template\.summary names \{devcie\}, which haloform does not fill\. Did you mean "device"\? Placeholders: \{device\}, /);
  });
});
