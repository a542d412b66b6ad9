/**
 * The text of alert tickets (src/serve/ticket-content.ts) for what real tenants send: an empty
 * subject and sourceName with a conditionName (NOTES §5, §7), a message alone, nothing but the
 * condition code, a cloud monitor known only by its systemName, and hostile characters.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readActivity, type Activity } from '../../src/rmm/ninjaone/activity.js';
import { catchAllNoteHtml, cleanText, firedAgainNoteHtml, resetNoteHtml, ticketDetailsHtml, ticketSummary } from '../../src/serve/ticket-content.js';

const SAMPLE = new URL('../sandbox/ninjaone/fixtures/samples/condition-triggered.vmware-host-memory.country-consulting.json', import.meta.url);

/** The real TRIGGERED capture, read as serve reads it. */
function sample(extra: Record<string, unknown> = {}): Activity {
  const check = readActivity({ ...(JSON.parse(readFileSync(SAMPLE, 'utf8')) as Record<string, unknown>), ...extra });
  if (!check.ok) throw new Error(`${check.path} ${check.problem}`);
  return check.activity;
}

const base: Activity = { id: 5, activityType: 'CONDITION', statusCode: 'TRIGGERED', seriesUid: 'series-1', activityTime: 1742391675.556, severity: 'MAJOR', priority: 'HIGH', subject: '', sourceName: '', message: '' };

describe('ticketSummary', () => {
  it.each([
    ['only a conditionName', { conditionName: 'Disk C: free space is below 10%' }, 'PC-1: Disk C: free space is below 10%'],
    ['a conditionName and a message: the condition', { conditionName: 'Disk C: free space is below 10%', message: 'Disk C: free space is 4.2%' }, 'PC-1: Disk C: free space is below 10%'],
    ['only a message', { message: 'Disk C: free space is 4.2%' }, 'PC-1: Disk C: free space is 4.2%'],
    ['blank conditionName: the message', { conditionName: '  ', message: 'CPU is busy' }, 'PC-1: CPU is busy'],
    ['only a subject (the event-log alert: its event id)', { subject: '41' }, 'PC-1: 41'],
    ['only a sourceName', { sourceName: '_average_' }, 'PC-1: _average_'],
    ['all empty but the code', { code: 'vmm_cond_memory_usage_ge', params: { threshold: 80, unit: '%' } }, 'PC-1: Memory usage at or above 80 %'],
    ['nothing at all', {}, 'PC-1: NinjaOne alert'],
    ['text over several lines', { message: 'Line one\n\tline two' }, 'PC-1: Line one line two'],
  ])('%s', (_, extra, summary) => {
    expect(ticketSummary({ ...base, ...extra }, 'PC-1')).toBe(summary);
  });

  it('names a cloud monitor by its systemName, and cuts at 250 characters', () => {
    expect(ticketSummary({ ...base, conditionName: 'HTTP check failed' }, 'www.example.com')).toBe('www.example.com: HTTP check failed');
    expect(ticketSummary({ ...base, conditionName: 'x'.repeat(400) }, 'PC-1')).toHaveLength(250);
    expect(ticketSummary({ ...base, conditionName: 'x'.repeat(400) }, 'PC-1').endsWith('x…')).toBe(true);
    expect(ticketSummary({ ...base, conditionName: `${'x'.repeat(242)}👍👍👍` }, 'PC-1')).toBe(`PC-1: ${'x'.repeat(242)}…`);
  });
});

describe('ticketDetailsHtml', () => {
  it('shows the real capture with a conditionName, its values in words and every id', () => {
    const activity = sample({ conditionName: 'Memory utilization is at or above 80% for 5 minutes' });
    const device = { id: 7, name: '192.168.50.43', nodeClass: 'VMWARE_VM_HOST', organization: 'Country Consulting', organizationId: 2, location: 'Main Office', locationId: 2 };

    const html = ticketDetailsHtml(activity, device, { how: 'asset' }, { ninjaDeviceUrl: 'https://eu.ninjarmm.com/#/deviceDashboard/7/overview' });

    const row = (k: string, v: string) => `<tr><th align="left">${k}</th><td>${v}</td></tr>`;
    expect(html).toBe(
      [
        '<p>Memory utilization is at or above 80% for 5 minutes</p>',
        `<table>${[
          row('Condition', 'Memory utilization is at or above 80% for 5 minutes'),
          row('Alert', 'Memory Utilization is greater than or equal to 80% for 5 minutes'),
          row('Source', '_average_'),
          row('Severity', 'NONE'),
          row('Device', '192.168.50.43 (NinjaOne id 7)'),
          row('Node class', 'VMWARE_VM_HOST'),
          row('Organisation', 'Country Consulting (NinjaOne id 2)'),
          row('Location', 'Main Office (NinjaOne id 2)'),
          row('Triggered', '2025-03-19 13:41 UTC'),
          row('Condition code', 'vmm_cond_memory_usage_ge'),
          row('Condition id (NinjaOne)', '205b85b2-8a12-4123-834f-164be08b3314'),
          row('Alert id (series)', 'e6b0b0bd-5753-445d-9e4a-71c08983cbd5'),
          row('Activity id', '177210'),
        ].join('')}</table>`,
        `<p><b>Condition values</b></p><table>${[
          row('Duration', '5 minutes'),
          row('End', '2025-03-19 13:41 UTC'),
          row('Start', '2025-03-19 13:36 UTC'),
          row('Target', '_average_'),
          row('Threshold', '80 %'),
          row('Value', '84.8 %'),
        ].join('')}</table>`,
        '<p><a href="https://eu.ninjarmm.com/#/deviceDashboard/7/overview">Open the device in NinjaOne</a></p>',
        '<p><small>Created by haloform serve from a NinjaOne alert; it closes itself when the alert resets.</small></p>',
      ].join('\n'),
    );
  });

  it('with only a conditionName: it is the headline and the condition, with no empty rows', () => {
    const html = ticketDetailsHtml({ ...base, conditionName: 'Disk C: free space is below 10%' }, { id: 7, name: 'PC-1' }, { how: 'asset' }, {});

    expect(html.startsWith('<p>Disk C: free space is below 10%</p>')).toBe(true);
    expect(html).toContain('<th align="left">Condition</th><td>Disk C: free space is below 10%</td>');
    expect(html).not.toMatch(/<th align="left">(Alert|Subject|Source)<\/th>/);
    expect(html).not.toContain('<td></td>');
  });

  it('with only a message: it is the headline and the alert row', () => {
    const html = ticketDetailsHtml({ ...base, message: 'Disk C: free space is 4.2%' }, { id: 7, name: 'PC-1' }, { how: 'asset' }, {});

    expect(html.startsWith('<p>Disk C: free space is 4.2%</p>')).toBe(true);
    expect(html).toContain('<th align="left">Alert</th><td>Disk C: free space is 4.2%</td>');
    expect(html).not.toContain('<th align="left">Condition</th>');
  });

  it('with all empty but the code: the code in words, and the code itself', () => {
    const html = ticketDetailsHtml({ ...base, code: 'agent_win_cond_disk_free_le', params: { threshold: 10, unit: '%', free_space: 536870912 } }, { id: 7, name: 'PC-1' }, { how: 'asset' }, {});

    expect(html.startsWith('<p>Disk free at or below 10 %</p>')).toBe(true);
    expect(html).toContain('<th align="left">Condition code</th><td>agent_win_cond_disk_free_le</td>');
    expect(html).toContain('<th align="left">Free space</th><td>512 MB</td>');
  });

  it('shows a cloud monitor by its systemName, and a device with no name by its id once', () => {
    const monitor = ticketDetailsHtml({ ...base, conditionName: 'HTTP check failed' }, { id: 41, name: 'www.example.com', nodeClass: 'CLOUD_MONITOR_TARGET' }, { how: 'site' }, {});
    const unnamed = ticketDetailsHtml({ ...base, conditionName: 'HTTP check failed' }, { id: 41, name: 'NinjaOne device 41' }, { how: 'site' }, {});

    expect(monitor).toContain('<th align="left">Device</th><td>www.example.com (NinjaOne id 41)</td>');
    expect(monitor).toContain('<th align="left">Node class</th><td>CLOUD_MONITOR_TARGET</td>');
    expect(unnamed).toContain('<th align="left">Device</th><td>NinjaOne device 41</td>');
  });

  it('escapes every value', () => {
    const activity: Activity = { ...base, conditionName: '<img src=x onerror=alert(1)>', message: 'Disk <C:> is "full" & slow', params: { '<&>': '<b>' } };

    const html = ticketDetailsHtml(activity, { id: 7, name: '<script>', organization: 'A & B' }, { how: 'catch-all', reason: 'no "site" <here>' }, { ninjaDeviceUrl: 'https://x/?a=1&b="2"' });

    expect(html).toContain('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(html).toContain('Disk &lt;C:&gt; is &quot;full&quot; &amp; slow');
    expect(html).toContain('&lt;script&gt; (NinjaOne id 7)');
    expect(html).toContain('<th align="left">&lt;&amp;&gt;</th><td>&lt;b&gt;</td>');
    expect(html).toContain('A &amp; B');
    expect(html).toContain('no &quot;site&quot; &lt;here&gt;');
    expect(html).toContain('href="https://x/?a=1&amp;b=&quot;2&quot;"');
    expect(html).not.toMatch(/<(img|script)[ >]/);
    expect(html.match(/<b>/g)).toEqual(['<b>', '<b>']); // "Condition values" and "Placed in the catch-all" only
  });
});

describe('control and bidi characters', () => {
  const hostile = [
    ['NUL', '\u0000'],
    ['ESC (an ANSI colour)', '\u001b[31m'],
    ['carriage return', '\r'],
    ['DEL', '\u007f'],
    ['C1 NEL', '\u0085'],
    ['C1 CSI', '\u009b'],
    ['RLO', '\u202e'],
    ['LRE', '\u202a'],
    ['RLI', '\u2067'],
    ['PDI', '\u2069'],
    ['LRM', '\u200e'],
    ['RLM', '\u200f'],
    ['ALM', '\u061c'],
  ] as const;
  // Every character the ticket text must never carry.
  const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

  it.each(hostile)('%s never lands in a ticket', (_, char) => {
    const evil = `Disk${char} C: full`;
    const activity: Activity = { ...base, conditionName: evil, message: `msg${char}`, subject: `s${char}`, sourceName: `src${char}`, code: `code${char}`, params: { [`key${char}`]: `value${char}` } };

    const texts = [
      ticketSummary(activity, `PC${char}-1`),
      ticketDetailsHtml(activity, { id: 7, name: `PC${char}-1`, organization: `Org${char}`, location: `Loc${char}` }, { how: 'catch-all', reason: `why${char}` }, {}),
      firedAgainNoteHtml(activity, 2),
      resetNoteHtml(activity, false),
      catchAllNoteHtml(`NinjaOne device 7 ("PC${char}-1") is not linked`),
    ];

    for (const text of texts) expect(text).not.toMatch(UNSAFE);
    expect(texts[0]).toMatch(/^PC(\[31m)?-1: Disk(\[31m)? C: full$/);
  });

  it('treats a text of nothing but controls as empty', () => {
    expect(ticketSummary({ ...base, conditionName: '\u202e\u0000', message: 'real message' }, 'PC-1')).toBe('PC-1: real message');
  });

  it('keeps tab, newline and ordinary Unicode', () => {
    expect(cleanText('a\tb\nc — Zürich 東京 مرحبا 👍')).toBe('a\tb\nc — Zürich 東京 مرحبا 👍');
  });
});

describe('readActivity: conditionName and the device record', () => {
  it.each([
    ['a string', 'Disk C: free space is below 10%', 'Disk C: free space is below 10%'],
    ['an empty string, kept (empty counts as absent when text is built)', '', ''],
    ['a number, ignored rather than refused: it is display text, not in the spec', 42, undefined],
    ['null', null, undefined],
  ])('reads %s', (_, value, expected) => {
    const check = readActivity(conditionActivityBody({ conditionName: value }));

    expect(check.ok && check.activity.conditionName).toBe(expected);
  });

  it('keeps the device object as sent, for assets.name.from sources', () => {
    const check = readActivity(conditionActivityBody({ device: { id: 7, systemName: 'www.example.com', system: { name: 'MONITOR' } } }));

    expect(check.ok && check.activity.device?.record).toEqual({ id: 7, systemName: 'www.example.com', system: { name: 'MONITOR' } });
  });
});

function conditionActivityBody(extra: Record<string, unknown>): Record<string, unknown> {
  return { id: 1, deviceId: 7, seriesUid: 's', activityType: 'CONDITION', statusCode: 'TRIGGERED', subject: '', sourceName: '', ...extra };
}
