/** Small hand-made Datto RMM seeds for the simulator tests: N devices of every class, deterministic. */

import type { DattoAlert, DattoDevice, DattoSeed, DattoSite } from '../../../src/sandbox/dattormm/seed.js';

/** The API user: the secret has `+`, `/` and `=` so it must be URL-encoded (NOTES §2). */
export const USER = { username: 'api.user', key: 'TESTKEY0123456789', secret: 'test+secret/value=' };

/** 2026-09-01T00:00:00Z in ms, the fixed clock of every test simulator. */
export const T0 = 1_788_220_800_000;

export const ACCOUNT_UID = 'ab1c0002';
export const MANAGED = '10000000-0000-4000-8000-000000000001';
export const ON_DEMAND = '10000000-0000-4000-8000-000000000002';
export const DELETED_DEVICES = `${ACCOUNT_UID}-00000000`;
export const SITE_A = '20000000-0000-4000-8000-00000000000a';
export const SITE_B = '20000000-0000-4000-8000-00000000000b';

/** The seed's alerts: one open and one resolved, on device 0. */
export const OPEN_ALERT = 'a0000000-0000-4000-8000-000000000001';
export const RESOLVED_ALERT = 'a0000000-0000-4000-8000-000000000002';

/** Device uids and ids by index; ids have gaps. */
export function deviceUid(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

export function deviceIdOf(index: number): number {
  return 5000 + index * 3;
}

/** Device classes by index: 1 printer, 2 ESXi host, 3 network device, the rest agents. */
export function classOf(index: number): string {
  return index === 1 ? 'printer' : index === 2 ? 'esxihost' : index === 3 ? 'rmmnetworkdevice' : 'device';
}

function site(id: number, uid: string, name: string, extra: Partial<DattoSite> = {}): DattoSite {
  return { id, uid, name, description: '', notes: null, onDemand: false, splashtopAutoInstall: true, proxySettings: null, autotaskCompanyName: null, autotaskCompanyId: null, portalUrl: `https://merlot.rmm.datto.com/site/${id}`, ...extra };
}

export function buildSeed(options: { devices?: number } = {}): DattoSeed {
  const count = options.devices ?? 12;
  const sites = [
    site(100, MANAGED, 'Managed', { system: 'managed' }),
    site(101, ON_DEMAND, 'OnDemand', { onDemand: true, system: 'ondemand' }),
    site(102, DELETED_DEVICES, 'Deleted Devices', { system: 'deleted-devices' }),
    site(110, SITE_A, 'Contoso Ltd'),
    site(120, SITE_B, 'Northwind Traders', { description: null }),
  ];
  const devices: DattoDevice[] = [];
  for (let i = 0; i < count; i++) {
    const deviceClass = classOf(i);
    const agent = deviceClass === 'device';
    const id = deviceIdOf(i);
    devices.push({
      id,
      uid: deviceUid(i),
      siteUid: i % 2 === 0 ? SITE_A : SITE_B,
      deviceType: agent ? { category: i % 3 === 0 ? 'Laptop' : 'Desktop', type: 'Windows' } : { category: deviceClass === 'printer' ? 'Printer' : deviceClass === 'esxihost' ? 'ESXi Host' : 'Network Device', type: null },
      hostname: agent ? `HOST-${String(i).padStart(3, '0')}` : `${deviceClass === 'printer' ? 'PRN' : deviceClass === 'esxihost' ? 'ESX' : 'SW'}-${i}`,
      intIpAddress: `10.0.0.${i + 10}`,
      operatingSystem: agent ? (i % 4 === 0 ? 'Microsoft Windows Server 2022 Standard' : 'Microsoft Windows 11 Pro') : null,
      lastLoggedInUser: agent ? 'CONTOSO\\user' : null,
      domain: agent ? 'CONTOSO' : null,
      cagVersion: agent ? '4.4.2226.2226' : null,
      displayVersion: agent ? '23H2' : null,
      extIpAddress: '203.0.113.7',
      description: agent ? `Device ${i}` : '',
      a64Bit: agent ? true : null,
      rebootRequired: agent ? false : null,
      online: i % 5 !== 4,
      suspended: false,
      deleted: false,
      lastSeen: T0 - i * 60_000,
      lastReboot: agent ? T0 - 3 * 86_400_000 : null,
      lastAuditDate: agent ? T0 - 86_400_000 : null,
      creationDate: T0 - 400 * 86_400_000,
      udf: i === 0 ? { udf1: 'A-0001', udf5: 'five', udf300: 'last' } : {},
      snmpEnabled: !agent,
      deviceClass,
      portalUrl: `https://merlot.rmm.datto.com/device/${id}`,
      warrantyDate: i === 0 ? '2027-03-31' : null,
      antivirus: agent ? { antivirusProduct: 'Windows Defender', antivirusStatus: 'RunningAndUpToDate' } : null,
      patchManagement: agent ? { patchStatus: 'FullyPatched', patchesApprovedPending: 0, patchesNotApproved: 1, patchesInstalled: 120 } : null,
      softwareStatus: null,
      webRemoteUrl: agent ? `https://merlot.rmm.datto.com/web-remote/${id}` : null,
      networkProbe: false,
      onboardedViaNetworkMonitor: deviceClass === 'rmmnetworkdevice',
    });
  }
  const alert = (uid: string, resolved: boolean): DattoAlert => ({
    alertUid: uid,
    priority: resolved ? 'Low' : 'High',
    diagnostics: null,
    resolved,
    resolvedBy: resolved ? 'j.smith' : null,
    resolvedOn: resolved ? T0 - 3_600_000 : null,
    muted: false,
    ticketNumber: null,
    timestamp: T0 - 7_200_000,
    alertMonitorInfo: { sendsEmails: false, createsTicket: false },
    alertContext: { '@class': 'srvc_status_ctx', serviceName: 'Spooler', status: 'STOPPED' },
    alertSourceInfo: { deviceUid: deviceUid(0), deviceName: 'HOST-000', siteUid: SITE_A, siteName: 'Contoso Ltd' },
    responseActions: [],
    autoresolveMins: 1,
  });
  return {
    account: { id: 42, uid: ACCOUNT_UID, name: 'Test MSP', currency: 'GBP', descriptor: { bilingEmail: 'billing@test.example', deviceLimit: 100, timeZone: 'Europe/London' } },
    apiUsers: [USER],
    sites,
    devices: count > 0 ? devices : [],
    audits: {
      [deviceUid(0)]: { systemInfo: { manufacturer: 'Dell Inc.', model: 'Latitude 5440', totalPhysicalMemory: 17179869184, username: 'CONTOSO\\user', dotNetVersion: '4.8', totalCpuCores: 8 }, bios: { instance: 'Dell BIOS', releaseDate: T0 - 100 * 86_400_000, serialNumber: 'ABC1234', smBiosVersion: '1.2.0' } },
      ...(count > 2 ? { [deviceUid(2)]: { systemInfo: { manufacturer: 'Dell Inc.', model: 'PowerEdge R740', name: 'ESXHOST-2', numberOfSnapshots: 1, serviceTag: 'SVC9999' } } } : {}),
      ...(count > 1 ? { [deviceUid(1)]: { snmpInfo: { snmpName: 'PRN', snmpContact: '', snmpDescription: 'HP LaserJet', snmpLocation: '', snmpUptime: '1 day', nicManufacturer: 'HP', objectId: '1.3.6', snmpSerial: 'PRN0001' } } } : {}),
    },
    alerts: count > 0 ? [alert(OPEN_ALERT, false), alert(RESOLVED_ALERT, true)] : [],
  };
}
