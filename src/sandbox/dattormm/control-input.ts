/**
 * Checks what the Datto control API is given (programmatically or as JSON) and turns it into store
 * records. Every problem is a ControlError whose message starts with the offending field
 * (`siteUid: no site with uid …`), so a test author sees at once what to fix.
 */

import type { Random } from '../random.js';
import { seededUuid } from '../uuid.js';
import { checkDeliveryOptions, type DeliveryOptions } from '../webhook-delivery.js';
import type { TriggerAlertInput } from './alerts.js';
import type { DattoClock } from './clock.js';
import type { DattoAudit, DattoDevice, DattoSite } from './seed.js';
import type { DattoStore } from './store.js';

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

type Kind = 'int' | 'string' | 'string?' | 'number?' | 'boolean' | 'boolean?' | 'object?' | 'udf';

const SITE_FIELDS: Record<keyof DattoSite, Kind> = {
  id: 'int',
  uid: 'string',
  name: 'string',
  description: 'string?',
  notes: 'string?',
  onDemand: 'boolean',
  splashtopAutoInstall: 'boolean',
  proxySettings: 'object?',
  autotaskCompanyName: 'string?',
  autotaskCompanyId: 'string?',
  portalUrl: 'string?',
  system: 'string',
};

const DEVICE_FIELDS: Record<keyof DattoDevice, Kind> = {
  id: 'int',
  uid: 'string',
  siteUid: 'string',
  deviceType: 'object?',
  hostname: 'string',
  intIpAddress: 'string?',
  operatingSystem: 'string?',
  lastLoggedInUser: 'string?',
  domain: 'string?',
  cagVersion: 'string?',
  displayVersion: 'string?',
  extIpAddress: 'string?',
  description: 'string?',
  a64Bit: 'boolean?',
  rebootRequired: 'boolean?',
  online: 'boolean',
  suspended: 'boolean',
  deleted: 'boolean',
  lastSeen: 'number?',
  lastReboot: 'number?',
  lastAuditDate: 'number?',
  creationDate: 'number?',
  udf: 'udf',
  snmpEnabled: 'boolean',
  deviceClass: 'string',
  portalUrl: 'string?',
  warrantyDate: 'string?',
  antivirus: 'object?',
  patchManagement: 'object?',
  softwareStatus: 'string?',
  webRemoteUrl: 'string?',
  networkProbe: 'boolean',
  onboardedViaNetworkMonitor: 'boolean',
};

/** A site as the control API takes it: only `name` is required. */
export type SiteInput = Partial<DattoSite> & { name: string };

/** A device as the control API takes it: site and hostname required; `audit` stores its audit too. */
export type DeviceInput = Partial<DattoDevice> & { siteUid: string; hostname: string; audit?: DattoAudit };

/** The deviceType a device of a class gets when the input gives none ([unverified] values beyond Desktop/Laptop/Server). */
export function defaultDeviceType(deviceClass: string): { category: string; type: string } {
  if (deviceClass === 'printer') return { category: 'Printer', type: 'Printer' };
  if (deviceClass === 'esxihost') return { category: 'ESXi Host', type: 'VMware ESXi' };
  if (deviceClass === 'rmmnetworkdevice') return { category: 'Network Device', type: 'Switch' };
  return { category: 'Desktop', type: 'Windows' };
}

export function newSite(input: unknown, store: DattoStore, random: Random, platform: string): DattoSite {
  const body = object(input, 'site');
  check(body, SITE_FIELDS);
  if (typeof body.name !== 'string' || body.name.trim() === '') throw new ControlError(400, 'name: required', 'name');
  const id = body.id === undefined ? store.nextId('site') : (body.id as number);
  if (store.siteIdTaken(id)) throw new ControlError(409, `id: site ${id} already exists`, 'id');
  const uid = (body.uid as string | undefined) ?? seededUuid(random);
  if (store.sites.has(uid)) throw new ControlError(409, `uid: site ${uid} already exists`, 'uid');
  return {
    id,
    uid,
    name: body.name,
    description: (body.description as string | null | undefined) ?? null,
    notes: (body.notes as string | null | undefined) ?? null,
    onDemand: (body.onDemand as boolean | undefined) ?? false,
    splashtopAutoInstall: (body.splashtopAutoInstall as boolean | undefined) ?? false,
    proxySettings: (body.proxySettings as DattoSite['proxySettings'] | undefined) ?? null,
    autotaskCompanyName: (body.autotaskCompanyName as string | null | undefined) ?? null,
    autotaskCompanyId: (body.autotaskCompanyId as string | null | undefined) ?? null,
    portalUrl: body.portalUrl === undefined ? `https://${platform}.rmm.datto.com/site/${id}` : (body.portalUrl as string | null),
    ...(body.system === undefined ? {} : { system: body.system as DattoSite['system'] }),
  };
}

/** `site` with `patch` applied; id and uid cannot change. */
export function patchedSite(site: DattoSite, patch: unknown): DattoSite {
  const body = object(patch, 'patch');
  check(body, SITE_FIELDS);
  for (const key of ['id', 'uid'] as const) if (body[key] !== undefined && body[key] !== site[key]) throw new ControlError(400, `${key}: cannot change`, key);
  if (body.name !== undefined && (body.name as string).trim() === '') throw new ControlError(400, 'name: cannot be empty', 'name');
  return { ...site, ...(body as Partial<DattoSite>) };
}

export function newDevice(input: unknown, store: DattoStore, random: Random, clock: DattoClock, platform: string): { device: DattoDevice; audit?: DattoAudit } {
  const { audit, ...body } = object(input, 'device');
  check(body, DEVICE_FIELDS);
  if (typeof body.siteUid !== 'string') throw new ControlError(400, 'siteUid: required', 'siteUid');
  if (!store.sites.has(body.siteUid)) throw new ControlError(400, `siteUid: no site with uid ${body.siteUid}`, 'siteUid');
  if (typeof body.hostname !== 'string') throw new ControlError(400, 'hostname: required', 'hostname');
  if (audit !== undefined && (typeof audit !== 'object' || audit === null || Array.isArray(audit))) throw new ControlError(400, 'audit: must be an object (systemInfo, bios, nics, …)', 'audit');
  const id = body.id === undefined ? store.nextId('device') : (body.id as number);
  if (store.deviceIdTaken(id)) throw new ControlError(409, `id: device ${id} already exists`, 'id');
  const uid = (body.uid as string | undefined) ?? seededUuid(random);
  if (store.devices.has(uid)) throw new ControlError(409, `uid: device ${uid} already exists`, 'uid');
  const deviceClass = (body.deviceClass as string | undefined) ?? 'device';
  const now = clock.nowMs();
  const device: DattoDevice = {
    id,
    uid,
    siteUid: body.siteUid,
    deviceType: defaultDeviceType(deviceClass),
    hostname: body.hostname,
    intIpAddress: null,
    operatingSystem: null,
    lastLoggedInUser: null,
    domain: null,
    cagVersion: null,
    displayVersion: null,
    extIpAddress: null,
    description: null,
    a64Bit: null,
    rebootRequired: false,
    online: true,
    suspended: false,
    deleted: false,
    lastSeen: now,
    lastReboot: null,
    lastAuditDate: null,
    creationDate: now,
    udf: {},
    snmpEnabled: false,
    deviceClass,
    portalUrl: `https://${platform}.rmm.datto.com/device/${id}`,
    warrantyDate: null,
    antivirus: null,
    patchManagement: null,
    softwareStatus: null,
    webRemoteUrl: deviceClass === 'device' ? `https://${platform}.rmm.datto.com/web-remote/${id}` : null,
    networkProbe: false,
    onboardedViaNetworkMonitor: deviceClass === 'rmmnetworkdevice',
    ...(body as Partial<DattoDevice>),
  };
  device.id = id;
  device.uid = uid;
  device.udf = sparseUdf(device.udf);
  return audit === undefined ? { device } : { device, audit: audit as DattoAudit };
}

/** `device` with `patch` applied; id, uid and site cannot change here (moveDevice moves); `udf` keys merge, null clears one. */
export function patchedDevice(device: DattoDevice, patch: unknown): DattoDevice {
  const body = object(patch, 'patch');
  check(body, DEVICE_FIELDS);
  for (const key of ['id', 'uid'] as const) if (body[key] !== undefined && body[key] !== device[key]) throw new ControlError(400, `${key}: cannot change`, key);
  if (body.siteUid !== undefined && body.siteUid !== device.siteUid) throw new ControlError(400, 'siteUid: use moveDevice to change a device\'s site', 'siteUid');
  const { udf, ...rest } = body as Partial<DattoDevice>;
  const next: DattoDevice = { ...device, ...rest };
  if (udf !== undefined) next.udf = sparseUdf({ ...(device.udf ?? {}), ...udf });
  return next;
}

/** Checks an alert to raise: the device exists, the context has an `@class`. */
export function triggerInput(input: unknown, store: DattoStore): TriggerAlertInput {
  const body = object(input, 'alert');
  const known: Record<string, string> = {
    deviceUid: 'string',
    context: 'object',
    priority: 'string',
    message: 'string',
    alertType: 'string',
    category: 'string',
    diagnostics: 'string?',
    alertUid: 'string',
    autoresolveMins: 'number?',
    sendsEmails: 'boolean',
    createsTicket: 'boolean',
    timestamp: 'number',
  };
  for (const [key, value] of Object.entries(body)) {
    const kind = known[key];
    if (!kind) throw new ControlError(400, `${key}: unknown alert key; known: ${Object.keys(known).join(', ')}`, key);
    if (value === null && kind.endsWith('?')) continue;
    const type = kind.replace('?', '');
    if (type === 'object' ? typeof value !== 'object' || value === null || Array.isArray(value) : typeof value !== type) throw new ControlError(400, `${key}: must be ${type === 'object' ? 'an object' : `a ${type}`}`, key);
  }
  if (typeof body.deviceUid !== 'string') throw new ControlError(400, 'deviceUid: required', 'deviceUid');
  if (!store.devices.has(body.deviceUid)) throw new ControlError(400, `deviceUid: no device with uid ${body.deviceUid}`, 'deviceUid');
  const context = body.context as Record<string, unknown> | undefined;
  if (context !== undefined && (typeof context['@class'] !== 'string' || context['@class'] === '')) throw new ControlError(400, 'context: needs an "@class", e.g. {"@class": "comp_script_ctx", "samples": {}}', 'context');
  if (typeof body.alertUid === 'string' && store.alerts.has(body.alertUid)) throw new ControlError(409, `alertUid: alert ${body.alertUid} already exists`, 'alertUid');
  return body as unknown as TriggerAlertInput;
}

/** Delivery knobs, checked by the shared queue's rules. */
export function deliveryOptions(input: unknown): Partial<DeliveryOptions> {
  const checked = checkDeliveryOptions(object(input, 'delivery options'));
  if ('error' in checked) throw new ControlError(400, checked.error, checked.field);
  return checked.options;
}

/** UDFs with the empty ones left out (stored sparse; rendered with every key). */
function sparseUdf(udf: Record<string, string | null> | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(udf ?? {})) {
    if (!/^udf\d+$/.test(key)) throw new ControlError(400, `udf.${key}: UDF keys are udf1 … udf300`, 'udf');
    if (value !== null && value !== '') out[key] = value;
  }
  return out;
}

function object(input: unknown, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ControlError(400, `${what}: must be a JSON object`);
  return input as Record<string, unknown>;
}

/** Each key known and of its kind. */
function check(body: Record<string, unknown>, fields: Record<string, Kind>): void {
  for (const [key, value] of Object.entries(body)) {
    const kind = fields[key];
    if (!kind) throw new ControlError(400, `${key}: unknown field; known: ${Object.keys(fields).join(', ')}`, key);
    if (value === undefined) continue;
    const nullable = kind.endsWith('?');
    if (value === null && (nullable || kind === 'udf')) continue;
    const ok =
      kind === 'int'
        ? Number.isInteger(value) && (value as number) > 0
        : kind === 'udf' || kind.startsWith('object')
          ? typeof value === 'object' && value !== null && !Array.isArray(value) && (kind !== 'udf' || Object.values(value).every((v) => v === null || typeof v === 'string'))
          : typeof value === kind.replace('?', '');
    if (!ok) {
      const what = kind === 'int' ? 'a positive integer' : kind === 'udf' ? 'an object of string or null values' : kind.startsWith('object') ? 'an object' : `a ${kind.replace('?', '')}`;
      throw new ControlError(400, `${key}: must be ${what}${nullable ? ' or null' : ''}, got ${JSON.stringify(value)}`, key);
    }
  }
}
