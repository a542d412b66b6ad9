/**
 * Stored records → the JSON the API v2 returns: every property of the spec's schema present, in
 * the spec's order, `null` when there is no value (NOTES §0: null is pervasive, the spec models
 * none), the site filled into devices, device counts into sites and the account, and all UDF keys
 * into devices (NOTES §6.2).
 */

import type { DattoAlert, DattoAudit, DattoDevice, DattoSite } from './seed.js';
import type { DattoStore } from './store.js';

type Json = Record<string, unknown>;

/** How many `udfN` keys a device carries: 300 since 2026 (spec201), 30 before (NOTES §6.2). */
export type UdfCount = 30 | 300;

export function renderSite(store: DattoStore, site: DattoSite): Json {
  const devices = store.devicesOf(site.uid);
  const online = devices.filter((d) => d.online).length;
  return {
    id: site.id,
    uid: site.uid,
    accountUid: store.account.uid,
    name: site.name,
    description: site.description,
    notes: site.notes,
    onDemand: site.onDemand,
    splashtopAutoInstall: site.splashtopAutoInstall,
    // The spec's order (alphabetical for this one schema).
    proxySettings: site.proxySettings === null ? null : { host: site.proxySettings.host, password: site.proxySettings.password, port: site.proxySettings.port, type: site.proxySettings.type, username: site.proxySettings.username },
    devicesStatus: { numberOfDevices: devices.length, numberOfOnlineDevices: online, numberOfOfflineDevices: devices.length - online },
    autotaskCompanyName: site.autotaskCompanyName,
    autotaskCompanyId: site.autotaskCompanyId,
    portalUrl: site.portalUrl,
  };
}

export function renderDevice(store: DattoStore, device: DattoDevice, udfCount: UdfCount): Json {
  const site = store.sites.get(device.siteUid);
  return {
    id: device.id,
    uid: device.uid,
    siteId: site?.id ?? null,
    siteUid: device.siteUid,
    siteName: site?.name ?? null,
    deviceType: device.deviceType === null ? null : { category: device.deviceType.category, type: device.deviceType.type },
    hostname: device.hostname,
    intIpAddress: device.intIpAddress,
    operatingSystem: device.operatingSystem,
    lastLoggedInUser: device.lastLoggedInUser,
    domain: device.domain,
    cagVersion: device.cagVersion,
    displayVersion: device.displayVersion,
    extIpAddress: device.extIpAddress,
    description: device.description,
    a64Bit: device.a64Bit,
    rebootRequired: device.rebootRequired,
    online: device.online,
    suspended: device.suspended,
    deleted: device.deleted,
    lastSeen: device.lastSeen,
    lastReboot: device.lastReboot,
    lastAuditDate: device.lastAuditDate,
    creationDate: device.creationDate,
    udf: renderUdf(device.udf, udfCount),
    snmpEnabled: device.snmpEnabled,
    deviceClass: device.deviceClass,
    portalUrl: device.portalUrl,
    warrantyDate: device.warrantyDate,
    antivirus: device.antivirus === null ? null : { antivirusProduct: device.antivirus.antivirusProduct, antivirusStatus: device.antivirus.antivirusStatus },
    patchManagement:
      device.patchManagement === null
        ? null
        : {
            patchStatus: device.patchManagement.patchStatus,
            patchesApprovedPending: device.patchManagement.patchesApprovedPending,
            patchesNotApproved: device.patchManagement.patchesNotApproved,
            patchesInstalled: device.patchManagement.patchesInstalled,
          },
    softwareStatus: device.softwareStatus,
    webRemoteUrl: device.webRemoteUrl,
    networkProbe: device.networkProbe,
    onboardedViaNetworkMonitor: device.onboardedViaNetworkMonitor,
  };
}

/** Every `udf1` … `udfN` key, in order, `null` where nothing is stored. */
export function renderUdf(stored: Readonly<Record<string, string | null>> | undefined, udfCount: UdfCount): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (let i = 1; i <= udfCount; i++) out[`udf${i}`] = stored?.[`udf${i}`] ?? null;
  return out;
}

export function renderAlert(alert: DattoAlert, extraActions: readonly Json[] = []): Json {
  return {
    alertUid: alert.alertUid,
    priority: alert.priority,
    diagnostics: alert.diagnostics,
    resolved: alert.resolved,
    resolvedBy: alert.resolvedBy,
    resolvedOn: alert.resolvedOn,
    muted: alert.muted,
    ticketNumber: alert.ticketNumber,
    timestamp: alert.timestamp,
    alertMonitorInfo: alert.alertMonitorInfo === null ? null : { sendsEmails: alert.alertMonitorInfo.sendsEmails, createsTicket: alert.alertMonitorInfo.createsTicket },
    alertContext: structuredClone(alert.alertContext),
    alertSourceInfo: {
      deviceUid: alert.alertSourceInfo.deviceUid,
      deviceName: alert.alertSourceInfo.deviceName,
      siteUid: alert.alertSourceInfo.siteUid,
      siteName: alert.alertSourceInfo.siteName,
    },
    responseActions: [
      ...alert.responseActions.map((a) => ({ actionTime: a.actionTime, actionType: a.actionType, description: a.description, actionReference: a.actionReference, actionReferenceInt: a.actionReferenceInt })),
      ...extraActions,
    ],
    autoresolveMins: alert.autoresolveMins,
  };
}

/** `GET /v2/account`: the stored account plus device counts (on-demand = devices of on-demand sites). */
export function renderAccount(store: DattoStore): Json {
  const devices = store.deviceList().filter((d) => !d.deleted);
  const online = devices.filter((d) => d.online).length;
  const onDemand = devices.filter((d) => store.sites.get(d.siteUid)?.onDemand === true).length;
  const { account } = store;
  return {
    id: account.id,
    name: account.name,
    descriptor: { bilingEmail: account.descriptor.bilingEmail, deviceLimit: account.descriptor.deviceLimit, timeZone: account.descriptor.timeZone },
    uid: account.uid,
    currency: account.currency,
    devicesStatus: {
      numberOfDevices: devices.length,
      numberOfOnlineDevices: online,
      numberOfOfflineDevices: devices.length - online,
      numberOfOnDemandDevices: onDemand,
      numberOfManagedDevices: devices.length - onDemand,
    },
  };
}

/** The audit kinds and their keys in the spec's order: `list` keys default to [], the rest to null. */
export const AUDIT_KEYS = {
  device: { url: ['portalUrl', 'webRemoteUrl'], keys: ['systemInfo', 'nics', 'bios', 'baseBoard', 'displays', 'logicalDisks', 'mobileInfo', 'processors', 'videoBoards', 'attachedDevices', 'snmpInfo', 'physicalMemory'], lists: ['nics', 'displays', 'logicalDisks', 'mobileInfo', 'processors', 'videoBoards', 'attachedDevices', 'physicalMemory'] },
  esxihost: { url: ['portalUrl'], keys: ['systemInfo', 'guests', 'processors', 'nics', 'physicalMemory', 'datastores'], lists: ['guests', 'processors', 'nics', 'physicalMemory', 'datastores'] },
  printer: { url: ['portalUrl'], keys: ['snmpInfo', 'printerMarkerSupplies', 'printer', 'systemInfo', 'nics'], lists: ['printerMarkerSupplies', 'nics'] },
} as const;

export type AuditKind = keyof typeof AUDIT_KEYS;

/** The audit of `device` as the endpoint of `kind` returns it; the portal links come from the device. */
export function renderAudit(kind: AuditKind, device: DattoDevice, audit: DattoAudit | undefined): Json {
  const shape = AUDIT_KEYS[kind];
  const out: Json = {};
  for (const key of shape.url) out[key] = key === 'portalUrl' ? device.portalUrl : device.webRemoteUrl;
  for (const key of shape.keys) {
    const value = audit?.[key];
    out[key] = value === undefined ? ((shape.lists as readonly string[]).includes(key) ? [] : null) : structuredClone(value);
  }
  return out;
}
