/**
 * What haloform writes into Halo for an alert: the ticket summary and details, and the internal
 * notes (fired again, reset, left open, placed in the catch-all). Pure: data in, HTML out, every
 * value escaped. Each note starts with NOTE_MARKER so haloform can tell its own notes from a
 * technician's (an action without it means someone worked on the ticket).
 */

import type { Activity } from './activity.js';
import { severityOf } from './activity.js';

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

export interface DeviceText {
  id?: number;
  name?: string;
  nodeClass?: string;
  organization?: string;
  location?: string;
}

export function ticketSummary(activity: Activity, deviceName: string | undefined): string {
  const what = (activity.message || activity.subject || activity.sourceName || 'NinjaOne alert').replace(/\s+/g, ' ').trim();
  const text = deviceName ? `${deviceName}: ${what}` : what;
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

/** The ticket's details: the alert as NinjaOne sent it, readable. */
export function ticketDetailsHtml(activity: Activity, device: DeviceText, placement: PlacementText, links: { ninjaDeviceUrl?: string }): string {
  const rows: [string, string | undefined][] = [
    ['Alert', activity.message],
    ['Severity', severityOf(activity)],
    ['Priority (NinjaOne)', activity.priority],
    ['Device', [device.name, device.id !== undefined ? `(NinjaOne id ${device.id})` : undefined].filter(Boolean).join(' ') || undefined],
    ['Node class', device.nodeClass],
    ['Organisation', device.organization],
    ['Location', device.location],
    ['Condition', [activity.sourceName, activity.code].filter(Boolean).join(' · ') || undefined],
    ['Triggered', activity.activityTime !== undefined ? isoTime(activity.activityTime) : undefined],
    ['Alert id (series)', activity.seriesUid],
    ['Activity id', activity.id !== undefined ? String(activity.id) : undefined],
  ];
  const params = Object.entries(activity.params ?? {}).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)] as [string, string]);
  const table = (pairs: [string, string | undefined][]) =>
    `<table>${pairs
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v!)}</td></tr>`)
      .join('')}</table>`;
  const parts = [`<p>${escapeHtml(activity.message || 'NinjaOne raised an alert.')}</p>`, table(rows)];
  if (params.length > 0) parts.push(`<p><b>Condition values</b></p>${table(params)}`);
  if (links.ninjaDeviceUrl) parts.push(`<p><a href="${escapeHtml(links.ninjaDeviceUrl)}">Open the device in NinjaOne</a></p>`);
  if (placement.how === 'catch-all') parts.push(`<p><b>Placed in the catch-all:</b> ${escapeHtml(placement.reason ?? '')}</p>`);
  parts.push('<p><small>Created by haloform serve from a NinjaOne webhook; it closes itself when the alert resets.</small></p>');
  return parts.join('\n');
}

export function firedAgainNoteHtml(activity: Activity, count: number): string {
  const when = activity.activityTime !== undefined ? ` at ${isoTime(activity.activityTime)}` : '';
  return note(`The alert fired again${when} (${ordinal(count)} time): ${activity.message ?? ''}`);
}

export function resetNoteHtml(activity: Activity, fromPoller: boolean): string {
  if (fromPoller) return note('The alert is no longer active in NinjaOne (found by haloform\'s poller: the reset webhook did not arrive).');
  const when = activity.activityTime !== undefined ? ` at ${isoTime(activity.activityTime)}` : '';
  return note(`The alert reset${when}${activity.message ? `: ${activity.message}` : ''}.`);
}

export function leftOpenNoteHtml(reason: string): string {
  return note(`haloform did not close this ticket: ${reason}.`);
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

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function isoTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return Number.isNaN(d.getTime()) ? String(epochSeconds) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}
