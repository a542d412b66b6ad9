/**
 * A NinjaOne activity as the webhook posts it (reference/ninjaone/NOTES.md §5, §7): checked for
 * the fields serve uses, each problem named by its JSON path (`$.id`, `$.device.organizationId`),
 * and tolerant of what NinjaOne really sends — omitted fields, unknown enum values, ids as
 * "177210". Also: which series an activity belongs to, and whether `alerts.include` wants it.
 */

import type { Alerts } from '../../config/spec.js';

/** The device node NinjaOne adds when the webhook expands `device` (NOTES §7). */
export interface ActivityDevice {
  id?: number;
  organizationId?: number;
  locationId?: number;
  nodeClass?: string;
  displayName?: string;
  systemName?: string;
  dnsName?: string;
  organizationName?: string;
  locationName?: string;
  /** The device object as sent, for `assets.name.from` sources beyond the three above. */
  record?: Readonly<Record<string, unknown>>;
}

/** The fields serve uses; the raw body is kept in the inbox as received. */
export interface Activity {
  /** NinjaOne's activity id; absent only for events the poller makes. */
  id?: number;
  /** Epoch seconds. */
  activityTime?: number;
  deviceId?: number;
  seriesUid?: string;
  activityType: string;
  statusCode: string;
  status?: string;
  severity?: string;
  priority?: string;
  sourceConfigUid?: string;
  sourceName?: string;
  subject?: string;
  message?: string;
  /**
   * The condition as people named it ("Disk C: free space is below 10%"): in every /v2/alerts row
   * (NOTES §5), and in webhooks from real tenants, though neither the spec's Activity nor the
   * captured webhook has it (NOTES §7). Real alerts often have `subject` and `sourceName` empty
   * ("") and this is their only title; an empty string counts as absent wherever text is built.
   */
  conditionName?: string;
  /** `data.message.code`. */
  code?: string;
  /** `data.message.params`. */
  params?: Record<string, unknown>;
  device?: ActivityDevice;
}

export type ActivityCheck = { ok: true; activity: Activity } | { ok: false; path: string; problem: string };

/** The statuses that open and close alert tickets. */
export const ALERT_STATUS_CODES = ['TRIGGERED', 'RESET'] as const;

class Problem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
  }
}

/**
 * Checks a parsed body. `requireId: false` is for the poller's own events, which have no
 * activity id (and a RESET of theirs may have no device).
 */
export function readActivity(value: unknown, options: { requireId?: boolean } = {}): ActivityCheck {
  try {
    return { ok: true, activity: read(value, options.requireId ?? true) };
  } catch (e) {
    if (e instanceof Problem) return { ok: false, path: e.path, problem: e.problem };
    throw e;
  }
}

function read(value: unknown, requireId: boolean): Activity {
  const r = object(value, '$', 'one NinjaOne activity');
  const id = integer(r, 'id', '$', requireId);
  const activityType = string(r, 'activityType', '$', true)!;
  const statusCode = string(r, 'statusCode', '$', true)!;
  const activity: Activity = { activityType, statusCode };
  if (id !== undefined) activity.id = id;
  const time = r.activityTime;
  if (time !== undefined && time !== null) {
    if (typeof time !== 'number' || !Number.isFinite(time)) throw new Problem('$.activityTime', `must be a number of epoch seconds, got ${describe(time)}`);
    activity.activityTime = time;
  }
  for (const key of ['seriesUid', 'status', 'severity', 'priority', 'sourceConfigUid', 'sourceName', 'subject', 'message'] as const) {
    const v = string(r, key, '$', false);
    if (v !== undefined) activity[key] = v;
  }
  // Display text only, and not in the spec: a value that is no string is ignored, never refused.
  if (typeof r.conditionName === 'string') activity.conditionName = r.conditionName;
  const deviceId = integer(r, 'deviceId', '$', false);
  if (deviceId !== undefined) activity.deviceId = deviceId;
  if (r.data !== undefined && r.data !== null) {
    const data = object(r.data, '$.data', 'an object');
    if (data.message !== undefined && data.message !== null) {
      const message = object(data.message, '$.data.message', 'an object');
      const code = string(message, 'code', '$.data.message', false);
      if (code !== undefined) activity.code = code;
      // The v2.0.5 webhook PDF spells it `_params` (NOTES §6 swagger NinjaWebhook); captures say `params`.
      const params = message.params ?? message._params;
      if (params !== undefined && params !== null) activity.params = object(params, '$.data.message.params', 'an object');
    }
  }
  if (r.device !== undefined && r.device !== null) activity.device = device(object(r.device, '$.device', 'an object'));
  if (activity.deviceId === undefined && activity.device?.id !== undefined) activity.deviceId = activity.device.id;
  // The poller's own events (no id) may lack a device: a RESET for a ticket whose device is unknown.
  if (isAlertEvent(activity) && requireId) {
    if (activity.deviceId === undefined) throw new Problem('$.deviceId', `is required for a ${activity.statusCode} activity (the device the alert is on)`);
    if (activity.seriesUid === undefined && activity.sourceConfigUid === undefined) {
      throw new Problem('$.seriesUid', `is required for a ${activity.statusCode} activity (or sourceConfigUid): it ties TRIGGERED to its RESET`);
    }
  }
  return activity;
}

function device(r: Record<string, unknown>): ActivityDevice {
  const out: ActivityDevice = { record: r };
  for (const key of ['id', 'organizationId', 'locationId'] as const) {
    const v = integer(r, key, '$.device', false);
    if (v !== undefined) out[key] = v;
  }
  for (const key of ['nodeClass', 'displayName', 'systemName', 'dnsName'] as const) {
    const v = string(r, key, '$.device', false);
    if (v !== undefined) out[key] = v;
  }
  const refs = r.references;
  if (refs && typeof refs === 'object' && !Array.isArray(refs)) {
    const org = (refs as Record<string, unknown>).organization;
    const loc = (refs as Record<string, unknown>).location;
    if (org && typeof org === 'object' && typeof (org as Record<string, unknown>).name === 'string') out.organizationName = (org as Record<string, string>).name;
    if (loc && typeof loc === 'object' && typeof (loc as Record<string, unknown>).name === 'string') out.locationName = (loc as Record<string, string>).name;
  }
  return out;
}

function object(value: unknown, path: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Problem(path, `must be ${what}, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function string(r: Record<string, unknown>, key: string, at: string, required: boolean): string | undefined {
  const v = r[key];
  if (v === undefined || v === null) {
    if (required) throw new Problem(`${at}.${key}`, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') throw new Problem(`${at}.${key}`, `must be a string, got ${describe(v)}`);
  if (required && v.trim() === '') throw new Problem(`${at}.${key}`, 'must not be empty');
  return v;
}

/** An integer id; "177210" and 177210.0 are 177210 (ids are int64 in the spec; ours fit in 2^53). */
function integer(r: Record<string, unknown>, key: string, at: string, required: boolean): number | undefined {
  const v = r[key];
  if (v === undefined || v === null) {
    if (required) throw new Problem(`${at}.${key}`, 'is required');
    return undefined;
  }
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Problem(`${at}.${key}`, `must be an integer, got ${describe(v)}`);
  return n;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The statuses of a device joining, changing and leaving (NOTES §5), which the sync controller reconciles. */
export const LIFECYCLE_STATUS_CODES = ['NODE_CREATED', 'NODE_UPDATED', 'NODE_DELETED', 'CLIENT_CREATED', 'CLIENT_UPDATED', 'CLIENT_DELETED', 'LOCATION_CREATED', 'LOCATION_UPDATED', 'LOCATION_DELETED'] as const;

/** Organisation and location lifecycle codes (NinjaOne calls organisations clients here; the spec's statusCode enum). */
const PLACE_STATUS_CODES: readonly string[] = ['CLIENT_CREATED', 'CLIENT_UPDATED', 'CLIENT_DELETED', 'LOCATION_CREATED', 'LOCATION_UPDATED', 'LOCATION_DELETED'];

export function isLifecycleActivity(activity: Pick<Activity, 'statusCode'>): boolean {
  return (LIFECYCLE_STATUS_CODES as readonly string[]).includes(activity.statusCode);
}

/** An organisation or location was created, changed or deleted: not one device, so sync reads NinjaOne whole. */
export function isPlaceLifecycleActivity(activity: Pick<Activity, 'statusCode'>): boolean {
  return PLACE_STATUS_CODES.includes(activity.statusCode);
}

export function isAlertEvent(activity: Pick<Activity, 'statusCode'>): boolean {
  return (ALERT_STATUS_CODES as readonly string[]).includes(activity.statusCode);
}

/**
 * The series an activity belongs to: its `seriesUid` (= the alert uid), else device and
 * condition (NOTES §7: "fallback deviceId + sourceConfigUid"), else the activity alone.
 */
export function seriesKey(activity: Pick<Activity, 'seriesUid' | 'deviceId' | 'sourceConfigUid' | 'id'>): string {
  if (activity.seriesUid) return activity.seriesUid;
  if (activity.deviceId !== undefined && activity.sourceConfigUid) return fallbackSeriesKey(activity.deviceId, activity.sourceConfigUid);
  return `activity:${activity.id ?? 'none'}`;
}

export function fallbackSeriesKey(deviceId: number, sourceConfigUid: string): string {
  return `device:${deviceId}/config:${sourceConfigUid}`;
}

/** The severities NinjaOne documents; anything else counts as NONE. */
export const SEVERITIES = ['CRITICAL', 'MAJOR', 'MODERATE', 'MINOR', 'NONE'] as const;
export type KnownSeverity = (typeof SEVERITIES)[number];

export function severityOf(activity: Pick<Activity, 'severity'>): KnownSeverity {
  const s = activity.severity?.toUpperCase();
  return (SEVERITIES as readonly string[]).includes(s ?? '') ? (s as KnownSeverity) : 'NONE';
}

/** Whether `alerts.include` wants an activity: yes, no (with the reason), or "needs the device's node class". */
export type IncludeDecision = { include: true } | { include: false; reason: string } | { include: 'needs-node-class' };

/**
 * The filters of `alerts.include`. A RESET is judged only by activity type: dropping one for its
 * severity or class could leave a ticket open for ever, so the worker decides it by the series.
 */
export function includeDecision(activity: Activity, include: Alerts['include'], nodeClass?: string): IncludeDecision {
  if (!isAlertEvent(activity)) return { include: false, reason: `statusCode ${activity.statusCode} neither raises nor resets an alert` };
  if (!include.activityTypes.includes(activity.activityType)) {
    return { include: false, reason: `activityType ${activity.activityType} is not in alerts.include.activityTypes (${include.activityTypes.join(', ')})` };
  }
  if (activity.statusCode === 'RESET') return { include: true };
  if (include.severities && !include.severities.includes(severityOf(activity))) {
    return { include: false, reason: `severity ${severityOf(activity)} is not in alerts.include.severities (${include.severities.join(', ')})` };
  }
  if (include.nodeClasses) {
    const cls = nodeClass ?? activity.device?.nodeClass;
    if (cls === undefined) return { include: 'needs-node-class' };
    if (!include.nodeClasses.includes(cls)) return { include: false, reason: `node class ${cls} is not in alerts.include.nodeClasses (${include.nodeClasses.join(', ')})` };
  }
  return { include: true };
}
