/**
 * Reading a spec's device path out of an RMM device: the device record itself, its custom
 * fields (inherited from its location and organisation when the mapping says so), its
 * organisation and location (names and their own custom fields). Pure.
 */

import type { DevicePath, FieldMapping } from '../config/spec.js';
import type { RmmDevice, RmmId, RmmLocation, RmmOrganization, RmmSnapshot } from '../rmm/snapshot.js';
import type { RmmProvider } from '../rmm/provider.js';

/** What a device path can reach besides the device record itself. */
export interface DeviceContext {
  customFields?: Readonly<Record<string, unknown>>;
  organization?: { id: RmmId; name: string; customFields?: Readonly<Record<string, unknown>> };
  location?: { id: RmmId; name: string; customFields?: Readonly<Record<string, unknown>> };
}

/** The value at `path`, or undefined when the device does not have it. */
export function readDevicePath(device: RmmDevice, path: DevicePath, context: DeviceContext): unknown {
  const root = path[0];
  if (!root) return undefined;
  if (root.name === 'customFields') return readCustomFieldPath(context.customFields, path);
  let value: unknown;
  if (root.name === 'organization') value = context.organization;
  else if (root.name === 'location') value = context.location;
  else value = device.record[root.name];
  if (root.index !== undefined) value = Array.isArray(value) ? value[root.index] : undefined;
  return walk(value, path, 1);
}

/**
 * The raw value of a mapping's path: with `inherit`, a `customFields.<name>` the device lacks is
 * its location's value, else its organisation's (NinjaOne's own inheritance, NOTES §4.1).
 */
export function readMappedPath(device: RmmDevice, mapping: Pick<FieldMapping, 'from' | 'inherit'>, context: DeviceContext): unknown {
  const own = readDevicePath(device, mapping.from, context);
  if (!mapping.inherit || mapping.from[0]?.name !== 'customFields' || !absent(own)) return own;
  const fromLocation = readCustomFieldPath(context.location?.customFields, mapping.from);
  if (!absent(fromLocation)) return fromLocation;
  return readCustomFieldPath(context.organization?.customFields, mapping.from);
}

/** A `customFields…` path read from `fields` (a device's, or its location's or organisation's own). */
function readCustomFieldPath(fields: Readonly<Record<string, unknown>> | undefined, path: DevicePath): unknown {
  const field = path[1];
  if (!field) return fields;
  let value = fields?.[field.name];
  if (field.index !== undefined) value = Array.isArray(value) ? value[field.index] : undefined;
  return walk(value, path, 2);
}

function absent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** The value reached from `start` by the segments of `path` from `from` on (paths are read for every device: no slices). */
function walk(start: unknown, path: DevicePath, from: number): unknown {
  let value = start;
  for (let i = from; i < path.length; i++) {
    const segment = path[i]!;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[segment.name];
    if (segment.index !== undefined) value = Array.isArray(value) ? value[segment.index] : undefined;
  }
  return value;
}

/** Whether a path names a timestamp, from its last segment (the provider's timestamp keys). */
export function pathIsTimestamp(path: DevicePath, provider: RmmProvider): boolean {
  const last = path[path.length - 1];
  return last !== undefined && provider.devices.timestampKeys.has(last.name);
}

/** The custom field a path reads (`customFields.x`, `organization.customFields.x`, `location.customFields.x`), if any. */
export function customFieldOf(path: DevicePath): string | undefined {
  if (path[0]?.name === 'customFields') return path[1]?.name;
  if ((path[0]?.name === 'organization' || path[0]?.name === 'location') && path[1]?.name === 'customFields') return path[2]?.name;
  return undefined;
}

/**
 * The device context (custom fields, organisation, location and theirs) of each device of a
 * snapshot. An organisation's or location's part is made once and shared by its devices.
 */
export function deviceContexts(ninja: RmmSnapshot): (device: RmmDevice) => DeviceContext {
  const organizations = new Map(ninja.organizations.map((o) => [o.id, placeContext(o, ninja.organizationCustomFields.get(o.id))]));
  const locations = new Map(ninja.locations.map((l) => [l.id, placeContext(l, ninja.locationCustomFields.get(l.id))]));
  return (device) => {
    const context: DeviceContext = {};
    const customFields = ninja.customFields.get(device.id);
    const organization = device.organizationId === undefined ? undefined : organizations.get(device.organizationId);
    const location = device.locationId === undefined ? undefined : locations.get(device.locationId);
    if (customFields) context.customFields = customFields;
    if (organization) context.organization = organization;
    if (location) context.location = location;
    return context;
  };
}

function placeContext(place: RmmOrganization | RmmLocation, customFields: Readonly<Record<string, unknown>> | undefined): NonNullable<DeviceContext['organization']> {
  return { id: place.id, name: place.name, ...(customFields ? { customFields } : {}) };
}
