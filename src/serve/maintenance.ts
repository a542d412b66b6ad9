/**
 * When an alert opens no ticket: its device is in maintenance in NinjaOne (the device's
 * `maintenance` as the webhook sends it: status IN_MAINTENANCE, between start and end, epoch
 * seconds), or it fires inside one of the spec's weekly `alerts.maintenanceWindows`.
 */

import type { Alerts, MaintenanceWindow, WeekDay } from '../config/spec.js';
import type { Activity } from '../rmm/ninjaone/activity.js';

/** Why the alert is suppressed now, or undefined. */
export function maintenanceReason(alerts: Pick<Alerts, 'maintenanceWindows'>, activity: Activity, now: number): string | undefined {
  const device = deviceMaintenance(activity.device?.record?.maintenance, now);
  if (device) return device;
  for (const window of alerts.maintenanceWindows) {
    if (!organisationMatches(window, activity)) continue;
    if (inWindow(window, now)) return `maintenance window ${window.name ? `"${window.name}"` : `${hhmm(window.from)}–${hhmm(window.to)} ${window.timezone}`} (alerts.maintenanceWindows)`;
  }
  return undefined;
}

function deviceMaintenance(value: unknown, now: number): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const m = value as { status?: unknown; start?: unknown; end?: unknown; reasonMessage?: unknown };
  if (m.status !== 'IN_MAINTENANCE') return undefined;
  const seconds = now / 1000;
  if (typeof m.start === 'number' && seconds < m.start) return undefined;
  if (typeof m.end === 'number' && seconds >= m.end) return undefined;
  const until = typeof m.end === 'number' ? ` until ${new Date(m.end * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}` : '';
  const why = typeof m.reasonMessage === 'string' && m.reasonMessage.trim() !== '' ? `: ${m.reasonMessage.trim()}` : '';
  return `the device is in maintenance in NinjaOne${until}${why}`;
}

/** A window for some organisations applies only when the alert's device says its organisation and it is one of them. */
function organisationMatches(window: MaintenanceWindow, activity: Activity): boolean {
  if (!window.organisations) return true;
  const id = activity.device?.organizationId;
  const name = activity.device?.organizationName?.trim().toLowerCase();
  return window.organisations.some((ref) => (ref.kind === 'id' ? ref.id === id : name !== undefined && ref.name.trim().toLowerCase() === name));
}

const DAYS: readonly WeekDay[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SHORT: Record<string, WeekDay> = { Sun: 'sun', Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat' };

/** Whether `now` is inside the window: on one of its days from `from`, until `to` (the next day when `to` is earlier). */
export function inWindow(window: MaintenanceWindow, now: number): boolean {
  const { day, minutes } = localTime(now, window.timezone);
  const yesterday = DAYS[(DAYS.indexOf(day) + 6) % 7]!;
  if (window.from < window.to) return window.days.includes(day) && minutes >= window.from && minutes < window.to;
  return (window.days.includes(day) && minutes >= window.from) || (window.days.includes(yesterday) && minutes < window.to);
}

function localTime(now: number, timeZone: string): { day: WeekDay; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(now));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: SHORT[get('weekday')] ?? 'sun', minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
