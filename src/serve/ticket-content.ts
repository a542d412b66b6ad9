/**
 * What haloform writes into Halo for an alert: the ticket summary and details, and the internal
 * notes (fired again, reset, left open, placed in the catch-all). Pure: data in, text and HTML
 * out. Every piece of text is stripped of control and bidi characters (a webhook's U+202E or NUL
 * never lands in a ticket) and, in HTML, escaped. Each note starts with NOTE_MARKER so haloform
 * can tell its own notes from a technician's (an action without it means someone worked on the ticket).
 */

import { deviceNoun } from '../rmm/provider.js';
import { NINJAONE } from '../rmm/ninjaone/provider.js';
import { CONTROLS } from '../render/safe-text.js';
import type { Activity } from '../rmm/ninjaone/activity.js';
import { severityOf } from '../rmm/ninjaone/activity.js';
import { formatDateTime, humaniseCode, humaniseParams } from './humanise.js';
import { TEMPLATE_PLACEHOLDERS } from '../config/vocabulary.js';

export { TEMPLATE_PLACEHOLDERS, templatePlaceholders } from '../config/vocabulary.js';

/** Starts every note haloform writes; plain text, so it survives Halo's HTML handling. */
export const NOTE_MARKER = '[haloform]';

/** Halo's summary column is limited; longer summaries are cut with an ellipsis. */
const MAX_SUMMARY = 250;

/** Where the device was placed in Halo, for the details. */
export interface PlacementText {
  clientName?: string;
  siteName?: string;
  assetTag?: string;
  how: 'asset' | 'site' | 'client' | 'catch-all';
  /** Why the catch-all was used. */
  reason?: string;
}

/** The device an alert is on, as far as it is known. */
export interface DeviceText {
  id?: number;
  /** Its name by `assets.name.from`, else its Halo asset's tag, else "NinjaOne device <id>". */
  name?: string;
  nodeClass?: string;
  organization?: string;
  organizationId?: number;
  location?: string;
  locationId?: number;
}

/**
 * "<device name>: <what>", where what is the first non-empty of the condition's name, the
 * message, the subject, the source name and the condition code in words. Plain text (Halo shows
 * the summary as text), on one line, cut at Halo's limit.
 */
export function ticketSummary(activity: Activity, deviceName: string | undefined, template?: { text: string; values: TemplateValues }): string {
  const what = alertTitle(activity) ?? 'NinjaOne alert';
  const name = present(deviceName);
  const filled = template ? present(fillTemplate(template.text, template.values, (v) => v.replace(/\s+/g, ' ')).replace(/\s+/g, ' ')) : undefined;
  const text = filled ?? (name ? `${name}: ${what}` : what);
  if (text.length <= MAX_SUMMARY) return text;
  // Never half an emoji: a cut between the two halves of a surrogate pair moves back one.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(MAX_SUMMARY - 2)) ? MAX_SUMMARY - 2 : MAX_SUMMARY - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * The ticket's details: a headline (the summary's what), a table of the alert — condition,
 * message, subject, source, severity, priority, device, node class, organisation, location,
 * when it triggered, and NinjaOne's ids — then the condition values in words, the device link,
 * and why the catch-all, if it was used.
 */
export function ticketDetailsHtml(activity: Activity, device: DeviceText, placement: PlacementText, links: { ninjaDeviceUrl?: string }, template?: string): string {
  const condition = present(activity.conditionName);
  const message = present(activity.message);
  const deviceName = present(device.name);
  const rows: [string, string | undefined][] = [
    ['Condition', condition],
    ['Alert', message !== condition ? message : undefined],
    ['Subject', present(activity.subject)],
    ['Source', present(activity.sourceName)],
    ['Severity', severityOf(activity)],
    ['Priority (NinjaOne)', present(activity.priority)],
    ['Device', withId(deviceName !== undefined && deviceName !== deviceNoun(NINJAONE, device.id) ? deviceName : undefined, device.id, deviceName)],
    ['Node class', present(device.nodeClass)],
    ['Organisation', withId(present(device.organization), device.organizationId)],
    ['Location', withId(present(device.location), device.locationId)],
    ['Triggered', activity.activityTime !== undefined ? (formatDateTime(activity.activityTime * 1000) ?? String(activity.activityTime)) : undefined],
    ['Condition code', present(activity.code)],
    ['Condition id (NinjaOne)', present(activity.sourceConfigUid)],
    ['Alert id (series)', present(activity.seriesUid)],
    ['Activity id', activity.id !== undefined ? String(activity.id) : undefined],
  ];
  const params = humaniseParams(activity.params).map((p) => [p.label, p.text] as [string, string]);
  const opening = template
    ? `<p>${fillTemplate(escapeHtml(template), templateValues(activity, device, placement, links), escapeHtml).replace(/\r?\n/g, '<br>')}</p>`
    : `<p>${escapeHtml(alertTitle(activity) ?? 'NinjaOne raised an alert.')}</p>`;
  const parts = [opening, table(rows)];
  if (params.length > 0) parts.push(`<p><b>Condition values</b></p>${table(params)}`);
  if (links.ninjaDeviceUrl) parts.push(`<p><a href="${escapeHtml(links.ninjaDeviceUrl)}">Open the device in NinjaOne</a></p>`);
  if (placement.how === 'catch-all') parts.push(`<p><b>Placed in the catch-all:</b> ${escapeHtml(placement.reason ?? '')}</p>`);
  parts.push('<p><small>Created by haloform serve from a NinjaOne alert; it closes itself when the alert resets.</small></p>');
  return parts.join('\n');
}

export type TemplateValues = Partial<Record<keyof typeof TEMPLATE_PLACEHOLDERS, string>>;

/** What each placeholder stands for in this alert (absent when it is not known). */
export function templateValues(activity: Activity, device: DeviceText, placement: Partial<PlacementText>, links: { ninjaDeviceUrl?: string }): TemplateValues {
  const entries: [keyof TemplateValues, string | undefined][] = [
    ['device', present(device.name)],
    ['organisation', present(device.organization)],
    ['location', present(device.location)],
    ['client', present(placement.clientName)],
    ['site', present(placement.siteName)],
    ['condition', alertTitle(activity)],
    ['message', present(activity.message)],
    ['severity', severityOf(activity)],
    ['priority', present(activity.priority)],
    ['nodeClass', present(device.nodeClass)],
    ['parameters', present(humaniseParams(activity.params).map((p) => `${p.label}: ${p.text}`).join('; '))],
    ['triggered', activity.activityTime !== undefined ? formatDateTime(activity.activityTime * 1000) : undefined],
    ['alertId', present(activity.seriesUid)],
    ['deviceLink', present(links.ninjaDeviceUrl)],
  ];
  return Object.fromEntries(entries.filter((e): e is [keyof TemplateValues, string] => e[1] !== undefined));
}

/** The template with each {placeholder} replaced by its value made safe by `safe` (an unknown one is left as written; the spec check refuses those). */
function fillTemplate(template: string, values: TemplateValues, safe: (value: string) => string): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    if (!(name in TEMPLATE_PLACEHOLDERS)) return whole;
    const value = values[name as keyof TemplateValues];
    return value === undefined ? '' : safe(cleanText(value));
  });
}

/** What the alert is about, in the order people named it best; undefined when it says nothing. */
function alertTitle(activity: Activity): string | undefined {
  const title = present(activity.conditionName) ?? present(activity.message) ?? present(activity.subject) ?? present(activity.sourceName) ?? present(humaniseCode(activity.code, activity.params));
  return title?.replace(/\s+/g, ' ');
}

function table(pairs: [string, string | undefined][]): string {
  return `<table>${pairs
    .filter((pair): pair is [string, string] => pair[1] !== undefined && cleanText(pair[1]).trim() !== '')
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')}</table>`;
}

/** "Main Office (NinjaOne id 2)", the name alone, or the id alone; `otherwise` when there is neither. */
function withId(name: string | undefined, id: number | undefined, otherwise?: string): string | undefined {
  if (name !== undefined && id !== undefined) return `${name} (NinjaOne id ${id})`;
  return name ?? (id !== undefined ? (otherwise ?? `NinjaOne id ${id}`) : otherwise);
}

/** The text without control and bidi characters, trimmed; undefined when nothing is left. */
function present(text: string | undefined): string | undefined {
  if (typeof text !== 'string') return undefined;
  const clean = cleanText(text).trim();
  return clean === '' ? undefined : clean;
}

export function firedAgainNoteHtml(activity: Activity, count: number): string {
  const when = activity.activityTime !== undefined ? ` at ${isoTime(activity.activityTime)}` : '';
  return note(`The alert fired again${when} (${ordinal(count)} time): ${present(activity.message) ?? alertTitle(activity) ?? 'NinjaOne alert'}`);
}

/** A firing soon after the ticket closed: it reopened the ticket (alerts.reopenWithinMinutes). */
export function reopenedNoteHtml(activity: Activity, closedMinutesAgo: number): string {
  const when = activity.activityTime !== undefined ? ` at ${isoTime(activity.activityTime)}` : '';
  return note(
    `The alert fired again${when}: ${present(activity.message) ?? alertTitle(activity) ?? 'NinjaOne alert'}. The ticket had closed ${closedMinutesAgo} minute${closedMinutesAgo === 1 ? '' : 's'} before, so haloform reopened it rather than open another (alerts.reopenWithinMinutes).`,
  );
}

export function resetNoteHtml(activity: Activity, fromPoller: boolean): string {
  if (fromPoller) return note('The alert is no longer active in NinjaOne (found by haloform\'s poller: the reset webhook did not arrive).');
  const when = activity.activityTime !== undefined ? ` at ${isoTime(activity.activityTime)}` : '';
  const message = present(activity.message);
  return note(`The alert reset${when}${message ? `: ${message}` : ''}.`);
}

export function leftOpenNoteHtml(reason: string): string {
  return note(`haloform did not close this ticket: ${reason}.`);
}

/** A storm's parent ticket summary: the condition, how many devices, the organisation. */
export function stormSummary(condition: string, devices: number, organisation: string | undefined): string {
  const text = cleanText(`Alert storm: ${condition} on ${devices} devices${organisation ? ` (${organisation})` : ''}`).replace(/\s+/g, ' ');
  return text.length <= MAX_SUMMARY ? text : `${text.slice(0, MAX_SUMMARY - 1)}…`;
}

/** A storm's parent ticket details: why it exists, and every device so far, with the tickets opened before the storm. */
export function stormDetailsHtml(storm: { condition: string; organisation?: string; firings: readonly { device: string; deviceId: number; ticketId?: number }[] }, threshold: { alerts: number; withinMinutes: number }, latestAlert: string): string {
  const items = storm.firings.map((f) => `<li>${escapeHtml(f.device)} (NinjaOne device ${f.deviceId})${f.ticketId !== undefined ? ` — its own ticket ${f.ticketId}, opened before the storm` : ''}</li>`);
  return [
    `<p>${escapeHtml(`${storm.firings.length} devices fired "${storm.condition}"${storm.organisation ? ` in ${storm.organisation}` : ''} within ${threshold.withinMinutes} minutes (alerts.stormThreshold: ${threshold.alerts}), so haloform opened this one ticket for the storm instead of a ticket per device. Devices that fire it later are added as notes; the ticket closes when the last of them resets.`)}</p>`,
    `<p>${escapeHtml(`Latest alert: ${latestAlert}`)}</p>`,
    `<p>Devices:</p><ul>${items.join('')}</ul>`,
  ].join('');
}

/** A device joined the storm. */
export function stormJoinNoteHtml(device: string, deviceId: number, activity: Activity, devices: number): string {
  const title = alertTitle(activity);
  return note(`Also alerting: ${device} (NinjaOne device ${deviceId})${title ? `: ${title}` : ''}. ${devices} devices in this storm so far.`);
}

/** A device of the storm recovered while others still alert. */
export function stormLeaveNoteHtml(device: string, active: number, members: number): string {
  return note(`${device} recovered: its alert reset. ${active} of the ${members} devices on this ticket still alerting; it closes with the last.`);
}

/** The ticket's route names what Halo no longer has: those settings were left to Halo. */
export function routeProblemNoteHtml(route: string, problems: readonly string[]): string {
  return note(`Route "${route}" names what Halo does not have, so Halo's defaults were used for it: ${problems.join(' ')} Fix alerts.routes (haloform plan checks it).`);
}

export function catchAllNoteHtml(reason: string): string {
  return note(`This ticket is in the catch-all because ${reason}`);
}

export function isHaloformNote(text: string): boolean {
  return text.includes(NOTE_MARKER);
}

function note(text: string): string {
  return `<p>${escapeHtml(NOTE_MARKER)} ${escapeHtml(text)}</p>`;
}

/**
 * Text without control and bidi characters (CONTROLS: C0 but tab and newline, DEL, C1, and the
 * bidi controls that can make a ticket read otherwise than it says — "Trojan Source").
 */
export function cleanText(text: string): string {
  return text.replace(CONTROLS, '');
}

/** Text for HTML: control and bidi characters removed, then `& < > " '` escaped. */
export function escapeHtml(text: string): string {
  return cleanText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function isoTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return Number.isNaN(d.getTime()) ? String(epochSeconds) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}
