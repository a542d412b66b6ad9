/**
 * The demo Datto RMM account: a small MSP's, deterministic and believable — six customer sites
 * named like the NinjaOne demo's organisations (so one haloform spec can map either), the system
 * sites every account has, desktops, laptops and servers with audits (placeholder BIOS serials and
 * VMware clones among them), printers, ESXi hosts and network devices, and a few open and resolved
 * alerts with real `@class` contexts. `real` realism (the default, realism.ts) adds what real
 * accounts send; `clean` is the tidy account alone. The same options always give the same data.
 */

import { PLACEHOLDER_SERIALS, type Realism } from '../demo-data.js';
import { createRandom, type Random } from '../random.js';
import { seededUuid } from '../uuid.js';
import { defaultDeviceType } from './control-input.js';
import { applyDattoRealism } from './realism.js';
import type { DattoAlert, DattoAlertContext, DattoAudit, DattoDevice, DattoSeed, DattoSite } from './seed.js';

export interface DattoDemoOptions {
  /** Default 1. */
  seed?: number;
  /** How many devices. Default 120. */
  devices?: number;
  /** Default `real`. */
  realism?: Realism;
  /** The platform in portal links. Default "merlot". */
  platform?: string;
}

/** The sandbox's API key pair: public on purpose, it only opens the local simulator. The secret has `+`, `/` and `=`, as real ones can (NOTES §2) — a client must URL-encode it. */
export const DATTO_SANDBOX_CREDENTIALS = { username: 'sandbox-api', key: 'SANDBOX0DATTO0RMM0API0KEY', secret: 'sandbox+datto/secret=' } as const;

/** The NinjaOne demo's organisations (src/sandbox/demo-data.ts NAMED_ORGANISATIONS), as Datto sites. */
const NAMED_SITES = ['Contoso Ltd', 'Northwind Traders', 'Fabrikam Inc', 'Adventure Works', 'Tailspin Toys', 'Wide World Importers'] as const;

const EXTRA_SITE_PARTS = {
  first: ['Alpine', 'Harbour', 'Summit', 'Meridian', 'Beacon', 'Juniper', 'Granite', 'Riverside'],
  second: ['Dental', 'Logistics', 'Legal', 'Accounting', 'Engineering', 'Veterinary', 'Architects', 'Pharmacy'],
  suffix: ['Ltd', 'LLC', 'Group', 'Partners'],
};

const FIRST_NAMES = ['James', 'Olivia', 'Noah', 'Amelia', 'Liam', 'Isla', 'Mason', 'Ava', 'Ethan', 'Mia', 'Lucas', 'Sophie'];
const LAST_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Patel', 'Nguyen', 'Garcia', 'Evans'];

/** 2026-09-01T00:00:00Z in ms: every date is relative to this, never to the wall clock. */
const EPOCH_MS = 1_788_220_800_000;
const DAY_MS = 86_400_000;

const CLASS_WEIGHTS: readonly (readonly [string, number])[] = [
  ['device', 86],
  ['printer', 5],
  ['esxihost', 3],
  ['rmmnetworkdevice', 6],
];

const VENDORS = {
  dell: { manufacturer: 'Dell Inc.', laptops: ['Latitude 5440', 'Precision 3581'], desktops: ['OptiPlex 7010'], servers: ['PowerEdge R650', 'PowerEdge T550'] },
  hp: { manufacturer: 'HP', laptops: ['EliteBook 840 G10', 'ZBook Firefly 14'], desktops: ['ProDesk 400 G9'], servers: ['ProLiant DL360 Gen11'] },
  lenovo: { manufacturer: 'LENOVO', laptops: ['ThinkPad T14 Gen 4', 'ThinkPad X1 Carbon Gen 11'], desktops: ['ThinkCentre M70q'], servers: ['ThinkSystem SR630 V2'] },
} as const;

export function generateDattoDemo(options: DattoDemoOptions = {}): DattoSeed {
  const random = createRandom(options.seed ?? 1).fork('dattormm');
  const platform = options.platform ?? 'merlot';
  const deviceCount = Math.max(0, Math.floor(options.devices ?? 120));
  const accountUid = `${hex(random, 2)}0001`;
  const sites = makeSites(random.fork('sites'), accountUid, platform, Math.max(NAMED_SITES.length, Math.ceil(deviceCount / 40)));
  const customers = sites.filter((s) => s.system === undefined);

  const devices: DattoDevice[] = [];
  const audits: Record<string, DattoAudit> = {};
  const deviceRandom = random.fork('devices');
  let id = 9_142_000;
  for (let i = 0; i < deviceCount; i++) {
    // Ids have gaps, as in an account where devices were removed.
    id += deviceRandom.chance(0.1) ? deviceRandom.int(2, 5) : 1;
    // A third of the fleet sits in the named sites, so a spec's mappings matter.
    const site = i < deviceCount / 3 ? customers[i % NAMED_SITES.length]! : customers[deviceRandom.int(0, customers.length - 1)]!;
    const deviceClass = deviceRandom.weighted(CLASS_WEIGHTS);
    const { device, audit } = makeDevice(deviceRandom, { id, index: i, site, deviceClass, platform });
    devices.push(device);
    if (audit) audits[device.uid] = audit;
  }
  serialTraps(devices, audits, random.fork('traps'));

  const seed: DattoSeed = {
    account: {
      id: 4207,
      uid: accountUid,
      name: 'Acme IT Services',
      currency: 'GBP',
      descriptor: { bilingEmail: 'billing@acme-it.example', deviceLimit: Math.max(500, deviceCount * 2), timeZone: 'Europe/London' },
    },
    apiUsers: [{ ...DATTO_SANDBOX_CREDENTIALS }],
    sites,
    devices,
    audits,
    alerts: makeAlerts(random.fork('alerts'), devices, sites),
  };
  return (options.realism ?? 'real') === 'real' ? applyDattoRealism(seed, random.fork('realism')) : seed;
}

/** The system sites first (made with the account), then the customers. */
function makeSites(random: Random, accountUid: string, platform: string, customerCount: number): DattoSite[] {
  let id = 218_100;
  const next = () => (id += random.int(1, 60));
  const site = (name: string, extra: Partial<DattoSite> = {}): DattoSite => {
    const siteId = next();
    return {
      id: siteId,
      uid: seededUuid(random),
      name,
      description: '',
      notes: null,
      onDemand: false,
      splashtopAutoInstall: true,
      proxySettings: null,
      autotaskCompanyName: null,
      autotaskCompanyId: null,
      portalUrl: `https://${platform}.rmm.datto.com/site/${siteId}`,
      ...extra,
    };
  };
  const sites = [
    site('Managed', { system: 'managed' }),
    site('OnDemand', { onDemand: true, system: 'ondemand' }),
    // Not a GUID (NOTES §6.1): one client hard-codes '49a10001-00000000', the account uid and zeros.
    site('Deleted Devices', { uid: `${accountUid}-00000000`, splashtopAutoInstall: false, system: 'deleted-devices' }),
  ];
  const used = new Set<string>();
  for (let i = 0; i < customerCount; i++) {
    let name: string = NAMED_SITES[i] ?? '';
    while (name === '' || used.has(name)) {
      name = `${random.pick(EXTRA_SITE_PARTS.first)} ${random.pick(EXTRA_SITE_PARTS.second)} ${random.pick(EXTRA_SITE_PARTS.suffix)}`;
      if (used.has(name)) name = `${name} ${random.int(2, 99)}`;
    }
    used.add(name);
    sites.push(site(name, random.chance(0.3) ? { description: `${name} — managed since ${2015 + random.int(0, 10)}` } : {}));
  }
  return sites;
}

interface DeviceSpec {
  id: number;
  index: number;
  site: DattoSite;
  deviceClass: string;
  platform: string;
}

/** A device of any class, with the audit its class has (none for network devices). */
function makeDevice(random: Random, spec: DeviceSpec): { device: DattoDevice; audit?: DattoAudit } {
  const { id, index, site, deviceClass, platform } = spec;
  const prefix = site.name.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase() || 'DEV';
  const online = random.chance(0.85);
  const lastSeen = online ? EPOCH_MS - random.int(0, 600) * 1000 : EPOCH_MS - random.int(1, 40) * DAY_MS;
  const base: DattoDevice = {
    id,
    uid: seededUuid(random),
    siteUid: site.uid,
    deviceType: defaultDeviceType(deviceClass),
    hostname: '',
    intIpAddress: `10.${site.id % 250}.${random.int(0, 9)}.${random.int(10, 250)}`,
    operatingSystem: null,
    lastLoggedInUser: null,
    domain: null,
    cagVersion: null,
    displayVersion: null,
    extIpAddress: `203.0.113.${site.id % 250}`,
    description: '',
    a64Bit: null,
    rebootRequired: null,
    online,
    suspended: false,
    deleted: false,
    lastSeen,
    lastReboot: null,
    lastAuditDate: null,
    creationDate: EPOCH_MS - random.int(30, 1500) * DAY_MS - random.int(0, DAY_MS - 1),
    udf: {},
    snmpEnabled: false,
    deviceClass,
    portalUrl: `https://${platform}.rmm.datto.com/device/${id}`,
    warrantyDate: null,
    antivirus: null,
    patchManagement: null,
    softwareStatus: null,
    webRemoteUrl: null,
    networkProbe: false,
    onboardedViaNetworkMonitor: false,
  };
  const n = String(index + 1).padStart(3, '0');
  if (deviceClass === 'printer') {
    const model = random.pick(['HP LaserJet Pro M404dn', 'Brother HL-L6400DW', 'Kyocera ECOSYS M3655idn']);
    const serial = serialOf(random, 'hp');
    return {
      device: { ...base, hostname: `NPI${hex(random, 3).toUpperCase()}`, description: model, snmpEnabled: true },
      audit: {
        snmpInfo: { snmpName: `${prefix}-PRN${n}`, snmpContact: '', snmpDescription: model, snmpLocation: 'Office', snmpUptime: `${random.int(1, 90)} days`, nicManufacturer: model.split(' ')[0], objectId: '1.3.6.1.4.1.11.2.3.9.1', snmpSerial: serial },
        printerMarkerSupplies: [{ description: 'Black Toner', maxCapacity: '100', suppliesLevel: String(random.int(3, 100)) }],
        printer: { printedPageCount: random.int(1000, 250_000) },
        systemInfo: { manufacturer: model.split(' ')[0], model },
        nics: [{ instance: 'Network Interface', ipv4: base.intIpAddress, ipv6: null, macAddress: mac(random), type: 'Ethernet' }],
      },
    };
  }
  if (deviceClass === 'esxihost') {
    const vendor = random.pick(['dell', 'hp'] as const);
    const hostname = `esx${n}.${prefix.toLowerCase()}.local`;
    return {
      device: { ...base, hostname, operatingSystem: 'VMware ESXi 8.0.1 build-21813344', lastReboot: lastSeen - random.int(5, 120) * DAY_MS, lastAuditDate: lastSeen - random.int(0, 2) * DAY_MS },
      audit: {
        systemInfo: { manufacturer: VENDORS[vendor].manufacturer, model: random.pick(VENDORS[vendor].servers), name: hostname, numberOfSnapshots: random.int(0, 6), serviceTag: serialOf(random, vendor) },
        guests: Array.from({ length: random.int(2, 6) }, (_, g) => ({ guestName: `${prefix}-VM${String(g + 1).padStart(2, '0')}`, processorSpeedTotal: 4400, memorySizeTotal: random.pick([8, 16, 32]) * 1024, numberOfSnapshots: random.int(0, 2), datastores: 'datastore1' })),
        processors: [{ frequency: 2194.9, name: 'Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz', numberOfCores: 10 }],
        nics: [{ name: 'vmnic0', ipv4: base.intIpAddress, ipv6: null, macAddress: mac(random), speed: '1000', type: 'Ethernet' }],
        physicalMemory: [],
        datastores: [{ datastoreName: 'datastore1', subscriptionPercent: random.int(40, 140), freeSpace: random.int(100, 900) * 1_073_741_824, size: 1_919_850_381_312, fileSystem: 'VMFS', status: 'normal', dataExtents: [{ name: 'naa.6d0946600f0f2a00', size: 1_919_850_381_312, mediaType: 'SSD', status: 'normal' }] }],
      },
    };
  }
  if (deviceClass === 'rmmnetworkdevice') {
    const kind = random.pick(['Switch', 'Router', 'Firewall'] as const);
    return { device: { ...base, hostname: `${prefix}-${kind === 'Switch' ? 'SW' : kind === 'Router' ? 'RTR' : 'FW'}${n}`, deviceType: { category: 'Network Device', type: kind }, snmpEnabled: true, onboardedViaNetworkMonitor: true } };
  }
  return agentDevice(random, base, prefix, n);
}

/** A Windows desktop, laptop or server with the agent, and its audit. */
function agentDevice(random: Random, base: DattoDevice, prefix: string, n: string): { device: DattoDevice; audit: DattoAudit } {
  const category = random.weighted([['Desktop', 40], ['Laptop', 45], ['Server', 15]] as const);
  const vendor = random.pick(['dell', 'hp', 'lenovo'] as const);
  const models = VENDORS[vendor];
  const model = random.pick(category === 'Server' ? models.servers : category === 'Laptop' ? models.laptops : models.desktops);
  const os =
    category === 'Server'
      ? random.pick([['Microsoft Windows Server 2022 Standard 10.0.20348', '21H2'], ['Microsoft Windows Server 2019 Standard 10.0.17763', '1809']] as const)
      : random.pick([['Microsoft Windows 11 Pro 10.0.22631', '23H2'], ['Microsoft Windows 11 Enterprise 10.0.26100', '24H2'], ['Microsoft Windows 10 Pro 10.0.19045', '22H2']] as const);
  const hostname = `${prefix}-${category === 'Server' ? 'SRV' : category === 'Laptop' ? 'LT' : 'DT'}${n}`;
  const login = `${random.pick(FIRST_NAMES)[0]!.toLowerCase()}.${random.pick(LAST_NAMES).toLowerCase()}`;
  const memory = random.pick([8, 16, 32, 64]) * 1_073_741_824;
  const serial = serialOf(random, vendor);
  const lastReboot = base.lastSeen! - random.int(1, 20) * DAY_MS;
  const patchStatus = random.weighted([['FullyPatched', 6], ['ApprovedPending', 2], ['RebootRequired', 1], ['InstallError', 1], ['NoPolicy', 1]] as const);
  const device: DattoDevice = {
    ...base,
    deviceType: { category, type: 'Windows' },
    hostname,
    operatingSystem: os[0],
    lastLoggedInUser: category === 'Server' ? `${prefix}\\administrator` : `${prefix}\\${login}`,
    domain: prefix,
    cagVersion: '4.4.2226.2226',
    displayVersion: os[1],
    a64Bit: true,
    rebootRequired: patchStatus === 'RebootRequired',
    lastReboot,
    lastAuditDate: base.lastSeen! - random.int(0, 3) * DAY_MS,
    udf: {
      ...(random.chance(0.4) ? { udf1: `A-${random.int(1000, 9999)}` } : {}),
      ...(random.chance(0.25) ? { udf2: `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}` } : {}),
    },
    warrantyDate: random.chance(0.6) ? new Date(EPOCH_MS + random.int(-400, 1100) * DAY_MS).toISOString().slice(0, 10) : null,
    antivirus: { antivirusProduct: random.pick(['Windows Defender', 'Datto AV', 'Sophos Intercept X']), antivirusStatus: random.weighted([['RunningAndUpToDate', 8], ['RunningAndNotUpToDate', 1], ['NotRunning', 1]] as const) },
    patchManagement: { patchStatus, patchesApprovedPending: patchStatus === 'ApprovedPending' ? random.int(1, 12) : 0, patchesNotApproved: random.int(0, 5), patchesInstalled: random.int(40, 400) },
    webRemoteUrl: base.portalUrl?.replace('/device/', '/web-remote/') ?? null,
    networkProbe: category === 'Server' && random.chance(0.3),
  };
  const audit: DattoAudit = {
    systemInfo: { manufacturer: models.manufacturer, model, totalPhysicalMemory: memory, username: device.lastLoggedInUser, dotNetVersion: '4.8.09032', totalCpuCores: random.pick([4, 8, 12, 16]) },
    nics: [{ instance: 'Intel(R) Ethernet Connection (17) I219-LM', ipv4: base.intIpAddress, ipv6: `fe80::${hex(random, 2)}:${hex(random, 2)}`, macAddress: mac(random), type: 'Ethernet 802.3' }],
    bios: { instance: `${models.manufacturer} BIOS`, releaseDate: EPOCH_MS - random.int(100, 900) * DAY_MS, serialNumber: serial, smBiosVersion: `1.${random.int(5, 25)}.0` },
    baseBoard: { manufacturer: models.manufacturer, product: `0${hex(random, 3).toUpperCase()}` },
    displays: [{ instance: 'Generic PnP Monitor', screenHeight: 1080, screenWidth: 1920 }],
    logicalDisks: [{ description: 'Local Fixed Disk', diskIdentifier: 'C:', freespace: random.int(20, 400) * 1_073_741_824, size: 511_101_108_224 }],
    mobileInfo: [],
    processors: [{ name: random.pick(['Intel(R) Core(TM) i5-1345U', 'Intel(R) Core(TM) i7-1365U', 'Intel(R) Xeon(R) Silver 4310 CPU @ 2.10GHz']) }],
    videoBoards: [{ displayAdapter: 'Intel(R) Iris(R) Xe Graphics' }],
    attachedDevices: [],
    snmpInfo: null,
    physicalMemory: [{ module: 'DIMM1', size: memory, type: 'DDR4', speed: '3200', serialNumber: hex(random, 4).toUpperCase(), partNumber: 'M471A2K43EB1-CWE', bank: 'BANK 0' }],
  };
  return { device, audit };
}

/**
 * The traps, on fixed positions so every demo of a size has them (as in the NinjaOne demo):
 * BIOS placeholder serials, and two VMware VMs cloned from one template sharing its BIOS serial.
 */
function serialTraps(devices: DattoDevice[], audits: Record<string, DattoAudit>, random: Random): void {
  const agents = devices.filter((d) => d.deviceClass === 'device');
  const setSerial = (d: DattoDevice | undefined, serial: string, extra: Record<string, unknown> = {}) => {
    const audit = d && audits[d.uid];
    if (!audit) return;
    audit.bios = { ...(audit.bios as Record<string, unknown>), serialNumber: serial };
    if (Object.keys(extra).length > 0) audit.systemInfo = { ...(audit.systemInfo as Record<string, unknown>), ...extra };
  };
  PLACEHOLDER_SERIALS.forEach((value, k) => setSerial(agents[3 + k * 7], value));
  const template = `VMware-42 1a ${bytes(random, 6)}-${bytes(random, 8)}`;
  for (const d of [agents[5], agents[11]]) setSerial(d, template, { manufacturer: 'VMware, Inc.', model: 'VMware7,1' });
  const vm = agents[13];
  if (vm) setSerial(vm, `VMware-56 4d ${bytes(random, 6)}-${bytes(random, 8)}`, { manufacturer: 'VMware, Inc.', model: 'VMware Virtual Platform' });
}

/** Alert contexts by `@class`, with the properties seen in real alerts (NOTES §6.3). */
const ALERT_KINDS: readonly (readonly [(random: Random, device: DattoDevice) => { context: DattoAlertContext; diagnostics: string | null }, number])[] = [
  [(r) => ({ context: { '@class': 'comp_script_ctx', samples: { Result: r.pick(['BSODView Command has Failed', 'Backup job "Nightly" failed: 2 files skipped', 'Disk SMART status: Predicted failure']) } }, diagnostics: 'Script exited with code 1' }), 4],
  [() => ({ context: { '@class': 'online_offline_status_ctx', status: 'OFFLINE' }, diagnostics: null }), 3],
  [(r) => ({ context: { '@class': 'eventlog_ctx', logName: 'System', type: 'Error', code: r.pick(['41', '7034', '1001']), description: 'The system has rebooted without cleanly shutting down first.' }, diagnostics: null }), 2],
  [(r) => ({ context: { '@class': 'perf_disk_usage_ctx', diskName: 'C:', totalVolume: 476.3, freeSpace: r.int(1, 9) + 0.5, unitOfMeasure: 'PERCENT', diskNameDesignation: 'SINGLE_VOLUME' }, diagnostics: null }), 2],
  [(r) => ({ context: { '@class': 'perf_resource_usage_ctx', type: r.pick(['CPU', 'MEMORY']), percentage: r.int(91, 99) + 0.4 }, diagnostics: null }), 2],
  [(r) => ({ context: { '@class': 'srvc_status_ctx', serviceName: r.pick(['Spooler', 'wuauserv', 'VSS']), status: 'STOPPED' }, diagnostics: null }), 2],
  [() => ({ context: { '@class': 'patch_ctx', result: 'Failed', info: '2 patches failed to install' }, diagnostics: null }), 1],
  [() => ({ context: { '@class': 'antivirus_ctx', productName: 'Windows Defender', status: 'NOTRUNNING' }, diagnostics: null }), 1],
];

/** Open alerts on about one device in twelve, resolved ones on one in twenty. */
function makeAlerts(random: Random, devices: readonly DattoDevice[], sites: readonly DattoSite[]): DattoAlert[] {
  const alerts: DattoAlert[] = [];
  const agents = devices.filter((d) => d.deviceClass === 'device');
  for (const device of agents) {
    const open = random.chance(1 / 12);
    const resolved = random.chance(1 / 20);
    for (const isResolved of [...(open ? [false] : []), ...(resolved ? [true] : [])]) {
      const kind = random.weighted(ALERT_KINDS);
      const { context, diagnostics } = kind(random, device);
      const timestamp = EPOCH_MS - random.int(1, 72 * 60) * 60_000;
      const site = sites.find((s) => s.uid === device.siteUid)!;
      const sendsEmails = random.chance(0.5);
      alerts.push({
        alertUid: seededUuid(random),
        priority: random.weighted([['Critical', 1], ['High', 3], ['Moderate', 4], ['Low', 2], ['Information', 1]] as const),
        diagnostics,
        resolved: isResolved,
        resolvedBy: isResolved ? random.pick(['j.smith', 'system']) : null,
        resolvedOn: isResolved ? timestamp + random.int(5, 600) * 60_000 : null,
        muted: false,
        ticketNumber: null,
        timestamp,
        alertMonitorInfo: { sendsEmails, createsTicket: false },
        alertContext: context,
        alertSourceInfo: { deviceUid: device.uid, deviceName: device.hostname, siteUid: site.uid, siteName: site.name },
        responseActions: sendsEmails ? [{ actionTime: timestamp + 2000, actionType: 'EMAIL_SENT', description: 'Email sent to alerts@acme-it.example', actionReference: null, actionReferenceInt: null }] : [],
        autoresolveMins: random.pick([1, 5, 60]),
      });
    }
  }
  return alerts.sort((a, b) => a.timestamp - b.timestamp);
}

function serialOf(random: Random, vendor: keyof typeof VENDORS): string {
  const alnum = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const chars = (n: number) => Array.from({ length: n }, () => alnum[random.int(0, alnum.length - 1)]).join('');
  if (vendor === 'dell') return chars(7);
  if (vendor === 'hp') return `CZC${chars(7)}`;
  return `PF${chars(6)}`;
}

function hex(random: Random, count: number): string {
  return Array.from({ length: count }, () => random.int(0, 255).toString(16).padStart(2, '0')).join('');
}

function bytes(random: Random, count: number): string {
  return Array.from({ length: count }, () => hex(random, 1)).join(' ');
}

function mac(random: Random): string {
  return Array.from({ length: 6 }, () => hex(random, 1).toUpperCase()).join(':');
}
