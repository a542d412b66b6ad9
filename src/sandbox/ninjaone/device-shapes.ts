/**
 * How a stored device is written out by each endpoint (reference/ninjaone/NOTES.md §3.3–3.4):
 * brief lists carry base node fields only; `/v2/devices-detailed` adds `tags`, addresses and the
 * detail of the device's `deviceType`; `/v2/device/{id}` drops `tags`, `system.assetSerialNumber`
 * and `volumes[].nodeId` but adds `notes` — all as observed. Keys come in the spec's order and
 * absent values are omitted, never null.
 */

import type { NinjaDevice, NinjaLocation, NinjaOrganization } from '../seed.js';

export type DeviceView = 'brief' | 'detailed' | 'single';

/** Which `references` to attach (`expand=organization,location`, or a webhook's device). */
export interface ReferenceOptions {
  organization?: NinjaOrganization;
  location?: NinjaLocation;
}

/** Base node fields in the order the spec and the captures list them. */
const BASE_FIELDS = [
  'id',
  'uid',
  'assignedOwnerUid',
  'parentDeviceId',
  'organizationId',
  'locationId',
  'nodeClass',
  'nodeRoleId',
  'rolePolicyId',
  'policyId',
  'approvalStatus',
  'offline',
  'displayName',
  'systemName',
  'dnsName',
  'netbiosName',
  'created',
  'lastContact',
  'lastUpdate',
  'userData',
] as const;

const ADDRESS_FIELDS = ['ipAddresses', 'macAddresses', 'publicIP'] as const;

const CLOUD_MONITOR = ['enabled', 'interval', 'timeout', 'target'];

/** Type-specific detail keys, in spec order (spec components AgentDevice, VMHost, ...). */
export const DETAIL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  AgentDevice: ['os', 'system', 'memory', 'processors', 'volumes', 'lastLoggedInUser'],
  VMHost: ['cpuMhz', 'cpuModel', 'htActive', 'htAvailable', 'lastBootTime', 'memorySize', 'model', 'name', 'cpuCores', 'cpuPackages', 'cpuThreads', 'serviceTag', 'vendor', 'releaseName', 'version', 'buildNumber'],
  VMGuest: ['files', 'fullName', 'lastBootTime', 'memorySize', 'coresPerSocket', 'cpuCores', 'powerState', 'toolsInstallType', 'toolStatus', 'toolsVersion', 'guestOSFullName', 'guestOSFamily', 'guestOSId', 'toolsVersionStatus', 'snapshotCount', 'snapshotTotalSize'],
  MdmDevice: ['system', 'memory', 'network', 'volumes'],
  CloudMonitorHTTP: CLOUD_MONITOR,
  CloudMonitorPing: CLOUD_MONITOR,
  CloudMonitorDNS: CLOUD_MONITOR,
  CloudMonitorPortScan: CLOUD_MONITOR,
  CloudMonitorEmailServer: [...CLOUD_MONITOR, 'smtpPort', 'senderEmail', 'recipientEmail'],
  NMSTarget: [],
  NMSServer: [],
  UnmanagedDevice: [],
};

/** Keys that are never type detail (used to find the detail of an unknown deviceType). */
const NOT_DETAIL = new Set<string>([...BASE_FIELDS, ...ADDRESS_FIELDS, 'tags', 'maintenance', 'references', 'notes', 'deviceType']);

/** Renders one device for `view`. Never mutates the stored device. */
export function renderDevice(device: NinjaDevice, view: DeviceView, references?: ReferenceOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of BASE_FIELDS) copy(device, out, key);
  // Present (possibly []) in the detailed list, absent from brief rows and the single read [observed].
  if (view === 'detailed') out.tags = device.tags ?? [];
  copy(device, out, 'maintenance');
  const refs = renderReferences(references);
  if (refs) out.references = refs;
  if (view === 'brief') return out;

  for (const key of ADDRESS_FIELDS) copy(device, out, key);
  if (view === 'single') copy(device, out, 'notes');
  const detailKeys = DETAIL_FIELDS[device.deviceType] ?? Object.keys(device).filter((k) => !NOT_DETAIL.has(k));
  for (const key of detailKeys) {
    const value = device[key];
    if (value === undefined) continue;
    out[key] = device.deviceType === 'AgentDevice' ? agentDetail(key, value, device.id, view) : value;
  }
  out.deviceType = device.deviceType;
  return out;
}

/** `references.organization` / `.location` as the webhook capture shows them (NOTES §7). */
export function renderReferences(references: ReferenceOptions | undefined): Record<string, unknown> | undefined {
  if (!references || (!references.organization && !references.location)) return undefined;
  const out: Record<string, unknown> = {};
  const org = references.organization;
  if (org) {
    out.organization = withoutAbsent({ name: org.name, userData: org.userData, nodeApprovalMode: org.nodeApprovalMode, id: org.id });
  }
  const location = references.location;
  if (location) {
    out.location = withoutAbsent({ name: location.name, address: location.address, userData: location.userData, id: location.id });
  }
  return out;
}

/**
 * The detailed list shows `volumes[].nodeId` (the device id) and `system.assetSerialNumber`;
 * the single-device read of the same device has neither [observed, NOTES §3.4].
 */
function agentDetail(key: string, value: unknown, deviceId: number, view: DeviceView): unknown {
  if (key === 'volumes' && Array.isArray(value)) {
    return value.map((volume: unknown) => {
      if (!isObject(volume)) return volume;
      if (view === 'single') {
        const { nodeId: _nodeId, ...rest } = volume;
        return rest;
      }
      return 'nodeId' in volume ? volume : { nodeId: deviceId, ...volume };
    });
  }
  if (key === 'system' && view === 'single' && isObject(value) && 'assetSerialNumber' in value) {
    const { assetSerialNumber: _serial, ...rest } = value;
    return rest;
  }
  return value;
}

function copy(from: Record<string, unknown>, to: Record<string, unknown>, key: string): void {
  const value = from[key];
  // Absent values are omitted, never null (NOTES §0); nested nulls in detail pass through.
  if (value !== undefined && value !== null) to[key] = value;
}

/** Drops undefined keys, keeping the order of the rest. */
export function withoutAbsent(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
