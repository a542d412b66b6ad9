/**
 * Checks what the control API is given (programmatically or as JSON) and turns it into store
 * records. Every problem is a ControlError whose message starts with the offending field, so a
 * test author sees at once what to fix: `locationId: location 7 belongs to organization 2 …`.
 */

import { RowOverlays, type Overlay } from '../overlays.js';
import type { NinjaDevice, NinjaLocation, NinjaOrganization } from '../seed.js';
import type { TriggerAlertInput } from './activity-feed.js';
import type { SimClock } from './clock.js';
import type { FieldValues, NinjaStore } from './store.js';
import { checkDeliveryOptions, type DeliveryOptions } from '../webhook-delivery.js';

/** A control-API input problem: 400 (bad input), 404 (no such record) or 409 (already exists). */
export class ControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** deviceType for a nodeClass, when an added device does not say (the demo generator's mapping). */
export function deviceTypeFor(nodeClass: string): string {
  if (nodeClass === 'VMWARE_VM_HOST' || nodeClass === 'HYPERV_VMM_HOST') return 'VMHost';
  if (nodeClass === 'VMWARE_VM_GUEST' || nodeClass === 'HYPERV_VMM_GUEST') return 'VMGuest';
  if (nodeClass === 'ANDROID' || nodeClass === 'APPLE_IOS' || nodeClass === 'APPLE_IPADOS') return 'MdmDevice';
  if (nodeClass === 'CLOUD_MONITOR_TARGET') return 'CloudMonitorHTTP';
  if (nodeClass === 'UNMANAGED_DEVICE') return 'UnmanagedDevice';
  if (nodeClass.startsWith('NMS_')) return 'NMSTarget';
  return 'AgentDevice';
}

type Kind = 'integer' | 'number' | 'string' | 'boolean' | 'object' | 'string[]' | 'notes';

/** Types of the device fields the simulator knows; other keys are type detail and pass as given. */
const DEVICE_FIELD_TYPES: Record<string, Kind> = {
  id: 'integer',
  uid: 'string',
  assignedOwnerUid: 'string',
  parentDeviceId: 'integer',
  organizationId: 'integer',
  locationId: 'integer',
  nodeClass: 'string',
  nodeRoleId: 'integer',
  rolePolicyId: 'integer',
  policyId: 'integer',
  approvalStatus: 'string',
  offline: 'boolean',
  displayName: 'string',
  systemName: 'string',
  dnsName: 'string',
  netbiosName: 'string',
  created: 'number',
  lastContact: 'number',
  lastUpdate: 'number',
  userData: 'object',
  tags: 'string[]',
  maintenance: 'object',
  ipAddresses: 'string[]',
  macAddresses: 'string[]',
  publicIP: 'string',
  notes: 'notes',
  deviceType: 'string',
};

/** Fields every device has; a patch cannot remove them. */
const REQUIRED_DEVICE_FIELDS = ['organizationId', 'locationId', 'nodeClass', 'nodeRoleId', 'rolePolicyId', 'approvalStatus', 'offline', 'created', 'deviceType'];

const APPROVAL_STATUSES = ['PENDING', 'STAGED', 'APPROVED', 'DECOMMISSIONED'];
const APPROVAL_MODES = ['AUTOMATIC', 'MANUAL', 'REJECT'];

/** A new device from `input`; ids, defaults and references checked against the store. */
export function newDevice(input: unknown, store: NinjaStore, clock: SimClock): NinjaDevice {
  const body = object(input, 'device');
  checkTypes(body, DEVICE_FIELD_TYPES, true);
  const id = body.id === undefined ? store.nextId('device') : positiveId(body.id, 'id');
  if (store.devices.has(id)) throw new ControlError(409, `id: device ${id} already exists`, 'id');
  if (body.organizationId === undefined) throw new ControlError(400, 'organizationId: required', 'organizationId');
  const organizationId = body.organizationId as number;
  if (!store.organizations.has(organizationId)) throw new ControlError(400, `organizationId: no organization with id ${organizationId}`, 'organizationId');
  let locationId = body.locationId as number | undefined;
  if (locationId === undefined) {
    locationId = store.locationsOf(organizationId)[0];
    if (locationId === undefined) throw new ControlError(400, `locationId: required (organization ${organizationId} has no locations)`, 'locationId');
  }
  checkLocation(store, organizationId, locationId);
  if (typeof body.nodeClass !== 'string' || body.nodeClass === '') throw new ControlError(400, 'nodeClass: required, e.g. "WINDOWS_WORKSTATION"', 'nodeClass');
  checkApprovalStatus(body.approvalStatus);
  const nodeClass = body.nodeClass;
  // Role and policy default to those of another device of the class, so added devices look like their peers.
  let peer: NinjaDevice | undefined;
  for (const device of store.devices.values()) {
    if (device.nodeClass === nodeClass && (!peer || device.id < peer.id)) peer = device;
  }
  const created = (body.created as number | undefined) ?? clock.epochSeconds();
  const { id: _id, ...rest } = body;
  return {
    id,
    ...rest,
    organizationId,
    locationId,
    nodeClass,
    nodeRoleId: (body.nodeRoleId as number | undefined) ?? peer?.nodeRoleId ?? 1,
    rolePolicyId: (body.rolePolicyId as number | undefined) ?? peer?.rolePolicyId ?? 1,
    approvalStatus: (body.approvalStatus as NinjaDevice['approvalStatus'] | undefined) ?? 'APPROVED',
    offline: (body.offline as boolean | undefined) ?? false,
    created,
    lastContact: (body.lastContact as number | undefined) ?? created,
    lastUpdate: (body.lastUpdate as number | undefined) ?? created,
    deviceType: (body.deviceType as string | undefined) ?? deviceTypeFor(nodeClass),
  } as NinjaDevice;
}

/** `current` with `patch` applied (null removes a key); moving organisation needs a location there. */
export function patchedDevice(current: NinjaDevice, patch: unknown, store: NinjaStore): NinjaDevice {
  const body = object(patch, 'patch');
  checkTypes(body, DEVICE_FIELD_TYPES, false);
  if (body.id !== undefined && body.id !== null && body.id !== current.id) throw new ControlError(400, `id: a device's id cannot change (device ${current.id})`, 'id');
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id') continue;
    if (value === null) {
      if (REQUIRED_DEVICE_FIELDS.includes(key)) throw new ControlError(400, `${key}: every device has one; it cannot be removed`, key);
      delete next[key];
    } else {
      next[key] = value;
    }
  }
  const organizationId = next.organizationId as number;
  if (!store.organizations.has(organizationId)) throw new ControlError(400, `organizationId: no organization with id ${organizationId}`, 'organizationId');
  const locationId = next.locationId as number;
  const location = store.locations.get(locationId);
  if (body.organizationId !== undefined && body.locationId === undefined && location && location.organizationId !== organizationId) {
    throw new ControlError(
      400,
      `locationId: location ${locationId} belongs to organization ${location.organizationId}; moving the device to organization ${organizationId} needs a locationId there (${store.locationsOf(organizationId).join(', ') || 'it has none'})`,
      'locationId',
    );
  }
  checkLocation(store, organizationId, locationId);
  checkApprovalStatus(body.approvalStatus);
  return next as NinjaDevice;
}

export function newOrganization(input: unknown, store: NinjaStore): NinjaOrganization {
  const body = object(input, 'organization');
  checkTypes(body, { id: 'integer', name: 'string', description: 'string', nodeApprovalMode: 'string', userData: 'object' }, true);
  const id = body.id === undefined ? store.nextId('organization') : positiveId(body.id, 'id');
  if (store.organizations.has(id)) throw new ControlError(409, `id: organization ${id} already exists`, 'id');
  if (typeof body.name !== 'string' || body.name.trim() === '') throw new ControlError(400, 'name: required', 'name');
  const mode = (body.nodeApprovalMode as string | undefined) ?? 'AUTOMATIC';
  if (!APPROVAL_MODES.includes(mode)) throw new ControlError(400, `nodeApprovalMode: must be one of ${APPROVAL_MODES.join(', ')}, got "${mode}"`, 'nodeApprovalMode');
  const org: NinjaOrganization = { id, name: body.name, nodeApprovalMode: mode as NinjaOrganization['nodeApprovalMode'] };
  if (body.description !== undefined) org.description = body.description as string;
  if (body.userData !== undefined) org.userData = body.userData as Record<string, unknown>;
  return org;
}

export function newLocation(input: unknown, store: NinjaStore): NinjaLocation {
  const body = object(input, 'location');
  checkTypes(body, { id: 'integer', organizationId: 'integer', name: 'string', address: 'string', description: 'string', userData: 'object' }, true);
  const id = body.id === undefined ? store.nextId('location') : positiveId(body.id, 'id');
  if (store.locations.has(id)) throw new ControlError(409, `id: location ${id} already exists`, 'id');
  if (body.organizationId === undefined) throw new ControlError(400, 'organizationId: required', 'organizationId');
  if (!store.organizations.has(body.organizationId as number)) throw new ControlError(400, `organizationId: no organization with id ${body.organizationId}`, 'organizationId');
  if (typeof body.name !== 'string' || body.name.trim() === '') throw new ControlError(400, 'name: required', 'name');
  const location: NinjaLocation = { id, organizationId: body.organizationId as number, name: body.name };
  if (body.address !== undefined) location.address = body.address as string;
  if (body.description !== undefined) location.description = body.description as string;
  if (body.userData !== undefined) location.userData = body.userData as Record<string, unknown>;
  return location;
}

/** An organisation with `input` (name, description) applied. */
export function patchedOrganization(existing: NinjaOrganization, input: unknown): NinjaOrganization {
  const body = object(input, 'organization');
  checkTypes(body, { name: 'string', description: 'string' }, true, true);
  return { ...existing, ...namePatch(body), ...(body.description !== undefined ? { description: body.description as string } : {}) };
}

/** A location with `input` (name, address, description) applied; it stays in its organisation. */
export function patchedLocation(existing: NinjaLocation, input: unknown): NinjaLocation {
  const body = object(input, 'location');
  checkTypes(body, { name: 'string', address: 'string', description: 'string' }, true, true);
  return {
    ...existing,
    ...namePatch(body),
    ...(body.address !== undefined ? { address: body.address as string } : {}),
    ...(body.description !== undefined ? { description: body.description as string } : {}),
  };
}

function namePatch(body: Record<string, unknown>): { name?: string } {
  if (body.name === undefined) return {};
  if (typeof body.name !== 'string' || body.name.trim() === '') throw new ControlError(400, 'name: cannot be empty', 'name');
  return { name: body.name };
}

/** A `{fieldName: value}` map; every name must be a defined custom field; null clears a value. */
export function fieldValues(input: unknown, store: NinjaStore): FieldValues {
  const body = object(input, 'values');
  for (const name of Object.keys(body)) {
    if (!store.definition(name)) {
      const known = store.definitions.map((d) => d.name).join(', ') || 'none are defined';
      throw new ControlError(400, `${name}: no custom field with this name (defined: ${known})`, name);
    }
  }
  return body;
}

/** Applies a checked value map to `current` (null removes). */
export function applyFieldValues(current: FieldValues | undefined, values: FieldValues): FieldValues {
  const next: FieldValues = { ...current };
  for (const [name, value] of Object.entries(values)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
}

export function triggerInput(input: unknown, store: NinjaStore): TriggerAlertInput {
  const body = object(input, 'alert');
  checkTypes(
    body,
    {
      deviceId: 'integer',
      uid: 'string',
      sourceType: 'string',
      sourceConfigUid: 'string',
      sourceName: 'string',
      subject: 'string',
      message: 'string',
      code: 'string',
      params: 'object',
      data: 'object',
      severity: 'string',
      priority: 'string',
      conditionName: 'string',
      conditionHealthStatus: 'string',
    },
    true,
    true,
  );
  if (body.deviceId === undefined) throw new ControlError(400, 'deviceId: required', 'deviceId');
  if (!store.devices.has(body.deviceId as number)) throw new ControlError(400, `deviceId: no device with id ${body.deviceId}`, 'deviceId');
  if (typeof body.uid === 'string' && store.alerts.has(body.uid)) throw new ControlError(409, `uid: alert ${body.uid} is already active`, 'uid');
  return body as unknown as TriggerAlertInput;
}

export function activityInput(input: unknown): Record<string, unknown> {
  const body = object(input, 'activity');
  checkTypes(body, { id: 'integer', activityTime: 'number', deviceId: 'integer', seriesUid: 'string', activityType: 'string', statusCode: 'string', data: 'object' }, true);
  return body;
}

/**
 * The body of `POST /_sandbox/overlays`: one overlay `{list, id, field, drop?: true, value?}` or a
 * list of them, each naming a list the simulator renders (`lists`, matched case-insensitively).
 * Nothing is added unless every overlay is good.
 */
export function overlayInput(input: unknown, lists: readonly string[]): Overlay[] {
  let overlays: Overlay[];
  try {
    overlays = RowOverlays.parse(input);
  } catch (e) {
    throw new ControlError(400, (e as Error).message);
  }
  overlays.forEach((o, i) => {
    const at = overlays.length > 1 || Array.isArray(input) ? `overlay ${i}: ` : '';
    if (typeof o.list !== 'string' || !lists.includes(o.list.toLowerCase())) {
      throw new ControlError(400, `${at}list: ${typeof o.list === 'string' ? `no list "${o.list}"` : 'required'}; use one of ${lists.join(', ')}`, 'list');
    }
    if (typeof o.id !== 'number' && typeof o.id !== 'string') throw new ControlError(400, `${at}id: required, the row's id (uid for alerts, name for definitions) or "*" for every row`, 'id');
    if (typeof o.field !== 'string' || o.field === '' || o.field.split('.').includes('')) {
      throw new ControlError(400, `${at}field: required, a key or a dotted path such as "system.serialNumber"`, 'field');
    }
  });
  return overlays;
}

/** An overlay as `GET /_sandbox/overlays` shows it: the shape POST takes. */
export function overlayOutput(overlay: Overlay): Record<string, unknown> {
  const { list, id, field, op } = overlay;
  return 'drop' in op ? { list, id, field, drop: true } : { list, id, field, value: op.value };
}

export function deliveryOptions(input: unknown): Partial<DeliveryOptions> {
  const checked = checkDeliveryOptions(object(input, 'options'));
  if ('error' in checked) throw new ControlError(400, checked.error, checked.field);
  return checked.options;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlError(400, `${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}

function positiveId(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new ControlError(400, `${field}: must be a positive integer, got ${JSON.stringify(value)}`, field);
  return value as number;
}

/** Checks the type of each known key present; `null` is allowed only in patches; `strict` refuses unknown keys. */
function checkTypes(body: Record<string, unknown>, types: Record<string, Kind>, nullIsError: boolean, strict = false): void {
  for (const [key, value] of Object.entries(body)) {
    const kind = types[key];
    if (!kind) {
      if (strict) throw new ControlError(400, `${key}: unknown field; known: ${Object.keys(types).join(', ')}`, key);
      continue;
    }
    if (value === undefined) continue;
    if (value === null) {
      if (nullIsError) throw new ControlError(400, `${key}: must be ${describe(kind)}, got null (leave the key out instead)`, key);
      continue;
    }
    if (!isKind(value, kind)) throw new ControlError(400, `${key}: must be ${describe(kind)}, got ${JSON.stringify(value)}`, key);
  }
}

function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'notes':
      return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string');
  }
}

function describe(kind: Kind): string {
  return kind === 'string[]' ? 'an array of strings' : kind === 'notes' ? 'an array of {"text": "..."}' : kind === 'integer' ? 'an integer' : `a ${kind}`;
}

function checkLocation(store: NinjaStore, organizationId: number, locationId: number): void {
  const location = store.locations.get(locationId);
  if (!location) throw new ControlError(400, `locationId: no location with id ${locationId}`, 'locationId');
  if (location.organizationId !== organizationId) {
    throw new ControlError(400, `locationId: location ${locationId} belongs to organization ${location.organizationId}, not ${organizationId}`, 'locationId');
  }
}

function checkApprovalStatus(value: unknown): void {
  if (value !== undefined && value !== null && !APPROVAL_STATUSES.includes(value as string)) {
    throw new ControlError(400, `approvalStatus: must be one of ${APPROVAL_STATUSES.join(', ')}, got ${JSON.stringify(value)}`, 'approvalStatus');
  }
}
