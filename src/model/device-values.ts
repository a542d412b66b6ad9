/**
 * Reading a spec's device path out of a NinjaOne device, and turning the value into what Halo
 * stores: epoch seconds into dates, lists into one line, booleans into Yes/No. Pure.
 */

import type { DevicePath } from '../config/spec.js';
import type { NinjaDevice } from '../ninjaone/types.js';

/** What the device path can reach besides the device record itself. */
export interface DeviceContext {
  customFields?: Readonly<Record<string, unknown>>;
  organization?: { id: number; name: string };
  location?: { id: number; name: string };
}

/** The value at `path`, or undefined when the device does not have it. */
export function readDevicePath(device: NinjaDevice, path: DevicePath, context: DeviceContext): unknown {
  const [root, ...rest] = path;
  if (!root) return undefined;
  let value: unknown;
  if (root.name === 'customFields') {
    const [field, ...deeper] = rest;
    if (!field) return context.customFields;
    value = context.customFields?.[field.name];
    if (field.index !== undefined) value = Array.isArray(value) ? value[field.index] : undefined;
    return walk(value, deeper);
  }
  if (root.name === 'organization') value = context.organization;
  else if (root.name === 'location') value = context.location;
  else value = device.record[root.name];
  if (root.index !== undefined) value = Array.isArray(value) ? value[root.index] : undefined;
  return walk(value, rest);
}

function walk(start: unknown, path: DevicePath): unknown {
  let value = start;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[segment.name];
    if (segment.index !== undefined) value = Array.isArray(value) ? value[segment.index] : undefined;
  }
  return value;
}

/** How a Halo target stores values. */
export type TargetFormat = 'date' | 'text';

/** Device fields that hold epoch seconds (reference/ninjaone/NOTES.md §0). */
const TIMESTAMP_KEYS = new Set(['created', 'lastContact', 'lastUpdate', 'lastBootTime', 'createTime', 'updateTime', 'logonTime']);

export interface FormatHint {
  /** The value is a point in time in epoch seconds (a timestamp key, or a DATE custom field). */
  timestamp?: boolean;
  /** The NinjaOne custom field type, for customFields.* paths. */
  customFieldType?: string;
}

/** Whether a path names a timestamp, from its last segment. */
export function pathIsTimestamp(path: DevicePath): boolean {
  const last = path[path.length - 1];
  return last !== undefined && TIMESTAMP_KEYS.has(last.name);
}

/**
 * The Halo form of a NinjaOne value, or undefined when there is nothing to write (absent, null,
 * empty): "a value NinjaOne does not have leaves the Halo value alone".
 */
export function formatForHalo(value: unknown, target: TargetFormat, hint: FormatHint = {}): string | undefined {
  if (value === undefined || value === null) return undefined;
  const dateOnly = target === 'date' || hint.customFieldType === 'DATE';
  if (typeof value === 'number' && (hint.timestamp || target === 'date' || hint.customFieldType === 'DATE' || hint.customFieldType === 'DATE_TIME')) {
    return epochToIso(value, dateOnly);
  }
  if (typeof value === 'string' && target === 'date') {
    const trimmed = value.trim();
    return /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? trimmed.slice(0, 10) : trimmed || undefined;
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) {
    const parts = [...new Set(value.map((v) => formatForHalo(v, 'text', hint)).filter((v): v is string => v !== undefined))];
    return parts.length > 0 ? parts.join(', ') : undefined;
  }
  return JSON.stringify(value);
}

/** Epoch seconds (or milliseconds, when too large to be seconds) as an ISO date or date-time in UTC. */
export function epochToIso(value: number, dateOnly: boolean): string {
  const ms = value > 1e11 ? value : value * 1000;
  const iso = new Date(Math.round(ms)).toISOString();
  return dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
}

/** The form two values are compared in: dates by day, text trimmed. */
export function comparable(value: unknown, target: TargetFormat): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (text === '') return undefined;
  return target === 'date' && /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
}
