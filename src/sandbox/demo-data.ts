/**
 * The demo MSP: a deterministic, believable NinjaOne tenant and the HaloPSA it is about to be
 * synced into, with the traps real fleets have (placeholder and cloned serials, blades sharing a
 * chassis serial, hand-made Halo assets, near-miss client names, an asset-tag collision, users in
 * DOMAIN\user form). The same seed and size always give the same data.
 */

import { createRandom, type Random } from './random.js';
import { applyHaloRealism } from './realism/halo.js';
import { applyNinjaRealism } from './realism/ninjaone.js';
import type {
  HaloAsset,
  HaloClient,
  HaloSeed,
  HaloSite,
  HaloUser,
  NinjaDevice,
  NinjaLocation,
  NinjaOrganization,
  NinjaSeed,
  Seed,
} from './seed.js';

/**
 * How messy the data is. `real` (the default everywhere: npm start, tests, benchmarks) adds, in
 * believable proportions, what real tenants send and a clean generator never would: incomplete
 * Halo rows, `-1` ids, VMs with "None" serials, cloud monitors with only a systemName, `""` and
 * repeats in address lists (src/sandbox/realism/). `clean` is the tidy tenant alone.
 */
export type Realism = 'clean' | 'real';

export const REALISMS: readonly Realism[] = ['clean', 'real'];

export interface DemoOptions {
  /** Default 1. */
  seed?: number;
  /** How many NinjaOne devices. Default 200. */
  devices?: number;
  /** Default `real`. */
  realism?: Realism;
}

/** The sandbox's credentials: public on purpose, they only open the local simulators. */
export const SANDBOX_CREDENTIALS = {
  ninjaone: { clientId: 'sandbox-ninjaone-client', clientSecret: 'sandbox-secret' },
  halo: { clientId: 'sandbox-halo-client', clientSecret: 'sandbox-secret', tenant: 'demo' },
} as const;

/**
 * The lists tickets refer to, as a stock Halo has them: ticket types (with "Alert"), statuses
 * (1 New … 9 Closed — reference/halopsa/NOTES.md §4.6), outcomes (7 Internal Note), priorities
 * (all in SLA 1), and what alert routing names: SLAs 1 Standard SLA and 2 Premium SLA; teams
 * 1 Service Desk, 2 Infrastructure, 3 Backup, 4 1st Line Support; agents 1 API User (the one
 * Halo's API logs in as), 2 Alex Morgan, 3 Sam Taylor, 4 Jordan Lee and 5 Former Tech (disabled);
 * ticket categories (type 1) 1 Hardware>Server, 2 Hardware>Workstation, 3 Backup>Failure,
 * 4 Software>Patching, 5 Network>Connectivity, and one of type 2. Shared by the demo and by test
 * and benchmark seeds.
 */
export function haloLookups(): Required<Pick<HaloSeed, 'ticketTypes' | 'statuses' | 'outcomes' | 'priorities' | 'slas' | 'teams' | 'agents' | 'categories'>> {
  return {
    ticketTypes: [
      { id: 1, name: 'Incident', initial_status: 1, default_priority: 3 },
      { id: 2, name: 'Service Request', initial_status: 1, default_priority: 4 },
      { id: 21, name: 'Alert', initial_status: 1, default_priority: 2 },
    ],
    statuses: [
      { id: 1, name: 'New', type: 'open' },
      { id: 2, name: 'In Progress', type: 'open' },
      { id: 3, name: 'Waiting on Customer', type: 'open' },
      { id: 8, name: 'Resolved', type: 'open' },
      { id: 9, name: 'Closed', type: 'closed' },
    ],
    outcomes: [
      { id: 1, outcome: 'Email Sent' },
      { id: 7, outcome: 'Internal Note' },
      { id: 8, outcome: 'Closed' },
    ],
    priorities: [
      { id: 1, name: 'Critical', slaid: 1 },
      { id: 2, name: 'High', slaid: 1 },
      { id: 3, name: 'Medium', slaid: 1 },
      { id: 4, name: 'Low', slaid: 1 },
    ],
    slas: [
      { id: 1, name: 'Standard SLA' },
      { id: 2, name: 'Premium SLA' },
    ],
    teams: [
      { id: 1, name: 'Service Desk', inactive: false, department_id: 1 },
      { id: 2, name: 'Infrastructure', inactive: false, department_id: 1 },
      { id: 3, name: 'Backup', inactive: false, department_id: 1 },
      { id: 4, name: '1st Line Support', inactive: false, department_id: 1 },
    ],
    agents: [
      { id: 1, name: 'API User', isdisabled: false },
      { id: 2, name: 'Alex Morgan', email: 'alex.morgan@acme-it.example', isdisabled: false, team: 'Service Desk' },
      { id: 3, name: 'Sam Taylor', email: 'sam.taylor@acme-it.example', isdisabled: false, team: 'Infrastructure' },
      { id: 4, name: 'Jordan Lee', email: 'jordan.lee@acme-it.example', isdisabled: false, team: 'Backup' },
      { id: 5, name: 'Former Tech', email: 'former.tech@acme-it.example', isdisabled: true, team: '1st Line Support' },
    ],
    categories: [
      { id: 1, value: 'Hardware>Server', type_id: 1 },
      { id: 2, value: 'Hardware>Workstation', type_id: 1 },
      { id: 3, value: 'Backup>Failure', type_id: 1 },
      { id: 4, value: 'Software>Patching', type_id: 1 },
      { id: 5, value: 'Network>Connectivity', type_id: 1 },
      // A category of the second category field: not listed for type_id 1.
      { id: 6, value: 'Root Cause>Hardware Fault', type_id: 2 },
    ],
  };
}

/** 2026-09-01T00:00:00Z: every timestamp is relative to this, never to the wall clock. */
const EPOCH = 1788220800;
const DAY = 86400;

/** Organisations every demo has, in this order, so the demo spec can name them. */
const NAMED_ORGANISATIONS = [
  'Contoso Ltd',
  'Northwind Traders',
  'Fabrikam Inc',
  'Adventure Works',
  'Tailspin Toys',
  'Wide World Importers',
] as const;

const NAME_PARTS = {
  first: ['Alpine', 'Harbour', 'Summit', 'Meridian', 'Beacon', 'Juniper', 'Granite', 'Riverside', 'Oakridge', 'Bluewater', 'Cedar', 'Kestrel', 'Lakeside', 'Northgate', 'Silverline', 'Thornbury'],
  second: ['Dental', 'Logistics', 'Legal', 'Accounting', 'Engineering', 'Veterinary', 'Architects', 'Pharmacy', 'Motors', 'Bakery', 'Surveyors', 'Clinic', 'Foods', 'Print', 'Freight', 'Consulting'],
  suffix: ['Ltd', 'LLC', 'Group', 'Partners', 'Inc', '& Co', 'GmbH', 'Pty Ltd'],
};
const LOCATION_NAMES = ['Head Office', 'Warehouse', 'Branch Office', 'Remote Workers', 'Data Centre', 'Showroom', 'Factory', 'Clinic'];
const FIRST_NAMES = ['James', 'Olivia', 'Noah', 'Amelia', 'Liam', 'Isla', 'Mason', 'Ava', 'Ethan', 'Mia', 'Lucas', 'Sophie', 'Aarav', 'Chloe', 'Mateo', 'Zara', 'Hiro', 'Freya', 'Omar', 'Grace'];
const LAST_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Patel', 'Nguyen', 'Garcia', 'Müller', 'Kowalski', "O'Brien", 'Khan', 'Rossi', 'Evans', 'Walker'];

/** NinjaOne node classes and how common each is in an MSP fleet. */
const CLASS_WEIGHTS: readonly (readonly [string, number])[] = [
  ['WINDOWS_WORKSTATION', 52],
  ['MAC', 8],
  ['LINUX_WORKSTATION', 1],
  ['WINDOWS_SERVER', 10],
  ['LINUX_SERVER', 4],
  ['VMWARE_VM_HOST', 2],
  ['VMWARE_VM_GUEST', 4],
  ['NMS_SWITCH', 5],
  ['NMS_ROUTER', 2],
  ['NMS_FIREWALL', 2],
  ['NMS_PRINTER', 3],
  ['APPLE_IOS', 3],
  ['ANDROID', 2],
  ['CLOUD_MONITOR_TARGET', 1],
  ['UNMANAGED_DEVICE', 1],
];

/** Serials real BIOSes report when nobody filled them in (DESIGN.md §3). */
export const PLACEHOLDER_SERIALS = ['To Be Filled By O.E.M.', 'Default string', '0', 'System Serial Number', 'None'] as const;

export function generateDemo(options: DemoOptions = {}): Seed {
  const seed = options.seed ?? 1;
  const deviceCount = Math.max(0, Math.floor(options.devices ?? 200));
  const random = createRandom(seed);
  let ninjaone = generateNinjaOne(random.fork('ninjaone'), deviceCount);
  if ((options.realism ?? 'real') === 'real') ninjaone = applyNinjaRealism(ninjaone, random.fork('realism-ninjaone'));
  let halo = generateHalo(random.fork('halo'), ninjaone);
  if ((options.realism ?? 'real') === 'real') halo = applyHaloRealism(halo, ninjaone, random.fork('realism-halo'));
  return { ninjaone, halo };
}

function generateNinjaOne(random: Random, deviceCount: number): NinjaSeed {
  const organisationCount = Math.max(NAMED_ORGANISATIONS.length, Math.ceil(deviceCount / 40));
  const organizations: NinjaOrganization[] = [];
  const locations: NinjaLocation[] = [];
  const usedNames = new Set<string>();
  let locationId = 0;
  for (let i = 0; i < organisationCount; i++) {
    let name: string = NAMED_ORGANISATIONS[i] ?? '';
    while (!name || usedNames.has(name)) {
      name = `${random.pick(NAME_PARTS.first)} ${random.pick(NAME_PARTS.second)} ${random.pick(NAME_PARTS.suffix)}`;
      if (usedNames.has(name)) name = `${name} ${random.int(2, 99)}`;
    }
    usedNames.add(name);
    const id = i + 1;
    organizations.push({ id, name, nodeApprovalMode: random.chance(0.9) ? 'AUTOMATIC' : 'MANUAL', ...(random.chance(0.3) ? { description: `${name} — managed since ${2015 + random.int(0, 10)}` } : {}) });
    // Contoso always has a Head Office (mapped in the demo spec) and a Warehouse (not mapped).
    const names = i === 0 ? ['Head Office', 'Warehouse'] : LOCATION_NAMES.slice(0, random.weighted([[1, 5], [2, 3], [3, 2], [4, 1]]));
    for (const locationName of names) {
      locationId += 1;
      locations.push({
        id: locationId,
        organizationId: id,
        name: locationName,
        ...(random.chance(0.6) ? { address: `${random.int(1, 250)} ${random.pick(['High Street', 'Market Road', 'Station Way', 'Mill Lane', 'Queen Street'])}` } : {}),
      });
    }
  }
  const locationsByOrg = new Map<number, NinjaLocation[]>();
  for (const l of locations) locationsByOrg.set(l.organizationId, [...(locationsByOrg.get(l.organizationId) ?? []), l]);

  const devices: NinjaDevice[] = [];
  const customFields: Record<number, Record<string, unknown>> = {};
  let deviceId = 0;
  const bytes = (n: number) => Array.from({ length: n }, () => hex(random, 1)).join(' ');
  const sharedVmSerial = `VMware-42 1a ${bytes(6)}-${bytes(8)}`;
  const chassisSerial = serial(random, 'dell');
  for (let i = 0; i < deviceCount; i++) {
    // Ids have gaps, as in a tenant where devices were removed.
    deviceId += random.chance(0.1) ? random.int(2, 4) : 1;
    // A third of the fleet sits in the named organisations, so the demo spec's mappings matter.
    const org = i < deviceCount / 3 ? organizations[i % NAMED_ORGANISATIONS.length]! : organizations[random.int(0, organizations.length - 1)]!;
    const location = random.pick(locationsByOrg.get(org.id)!);
    const nodeClass = random.weighted(CLASS_WEIGHTS);
    const device = makeDevice(random, deviceId, org, location, nodeClass, i);
    devices.push(device);
    const fields: Record<string, unknown> = {};
    if (device.deviceType === 'AgentDevice' && random.chance(0.7)) fields.warrantyEnd = EPOCH + random.int(-400, 1100) * DAY;
    if (random.chance(0.25)) fields.assetOwner = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
    if (device.deviceType === 'AgentDevice' && random.chance(0.2)) fields.bitlockerRecoveryKey = `${random.int(100000, 999999)}-${random.int(100000, 999999)}`;
    if (Object.keys(fields).length > 0) customFields[deviceId] = fields;
  }

  // The traps, on fixed positions so every demo of a given size has them.
  const agents = devices.filter((d) => d.deviceType === 'AgentDevice');
  const taken = new Set<NinjaDevice>();
  const setSerial = (d: NinjaDevice | undefined, value: string) => {
    if (!d) return;
    taken.add(d);
    (d.system as Record<string, unknown>).serialNumber = value;
  };
  PLACEHOLDER_SERIALS.forEach((value, k) => setSerial(agents[3 + k * 7], value));
  // Two VMware clones of one template share the template's serial.
  for (const d of [agents[5], agents[11]]) {
    if (!d) continue;
    setSerial(d, sharedVmSerial);
    (d.system as Record<string, unknown>).virtualMachine = true;
    (d.system as Record<string, unknown>).manufacturer = 'VMware, Inc.';
    (d.system as Record<string, unknown>).model = 'VMware7,1';
  }
  // Blades in one Dell chassis report the chassis service tag.
  const servers = agents.filter((d) => d.nodeClass === 'WINDOWS_SERVER' && !taken.has(d));
  for (const d of servers.slice(0, 3)) {
    setSerial(d, chassisSerial);
    (d.system as Record<string, unknown>).manufacturer = 'Dell Inc.';
    (d.system as Record<string, unknown>).model = 'PowerEdge M640';
  }

  return {
    apps: [{ ...SANDBOX_CREDENTIALS.ninjaone, scopes: ['monitoring', 'management', 'control'] }],
    organizations,
    locations,
    devices,
    customFieldDefinitions: [
      { name: 'warrantyEnd', label: 'Warranty End', type: 'DATE', apiPermission: 'READ_ONLY' },
      { name: 'assetOwner', label: 'Asset Owner', type: 'TEXT', apiPermission: 'READ_WRITE' },
      { name: 'bitlockerRecoveryKey', label: 'BitLocker Recovery Key', type: 'TEXT', apiPermission: 'NONE' },
    ],
    customFields,
    alerts: [],
  };
}

/** What every kind of device is made from: its base record and its names and addresses. */
interface DeviceParts {
  random: Random;
  base: NinjaDevice;
  nodeClass: string;
  org: NinjaOrganization;
  index: number;
  lastContact: number;
  offline: boolean;
  /** Up to four letters of the organisation's name: host name prefix and domain. */
  prefix: string;
  host: (kind: string) => string;
  ip: string;
  mac: () => string;
  domain: string;
}

function makeDevice(random: Random, id: number, org: NinjaOrganization, location: NinjaLocation, nodeClass: string, index: number): NinjaDevice {
  const parts = deviceParts(random, id, org, location, nodeClass, index);
  return (DEVICE_MAKERS[nodeClass] ?? nmsDevice)(parts);
}

/** The rest of a device of each node class, after deviceParts; NMS_* classes fall to nmsDevice. */
const DEVICE_MAKERS: Record<string, (parts: DeviceParts) => NinjaDevice> = {
  WINDOWS_WORKSTATION: computerDevice,
  WINDOWS_SERVER: computerDevice,
  MAC: computerDevice,
  LINUX_WORKSTATION: computerDevice,
  LINUX_SERVER: computerDevice,
  VMWARE_VM_HOST: vmHostDevice,
  VMWARE_VM_GUEST: vmGuestDevice,
  APPLE_IOS: mobileDevice,
  ANDROID: mobileDevice,
  CLOUD_MONITOR_TARGET: cloudMonitorDevice,
  UNMANAGED_DEVICE: unmanagedDevice,
};

/** The base record every device shares, with the random draws every device takes first (timestamps, uid, then its IP). */
function deviceParts(random: Random, id: number, org: NinjaOrganization, location: NinjaLocation, nodeClass: string, index: number): DeviceParts {
  const created = EPOCH - random.int(30, 1500) * DAY + random.int(0, DAY - 1) + random.int(0, 999999) / 1e6;
  const lastContact = EPOCH - random.int(0, 20) * 3600 + random.int(0, 999) / 1e3;
  const offline = random.chance(0.12);
  const base: NinjaDevice = {
    id,
    uid: uuid(random),
    organizationId: org.id,
    locationId: location.id,
    nodeClass,
    nodeRoleId: CLASS_ROLE[nodeClass] ?? 99,
    rolePolicyId: 40 + (CLASS_ROLE[nodeClass] ?? 9),
    approvalStatus: 'APPROVED',
    offline,
    created,
    lastContact,
    lastUpdate: lastContact,
    deviceType: 'AgentDevice',
  };
  const prefix = org.name.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase() || 'DEV';
  const host = (kind: string) => `${prefix}-${kind}${String(index + 1).padStart(3, '0')}`;
  const ip = `10.${org.id % 250}.${location.id % 250}.${random.int(10, 250)}`;
  const mac = () => Array.from({ length: 6 }, () => hex(random, 1)).join(':');
  const domain = `${prefix}`;
  return { random, base, nodeClass, org, index, lastContact, offline, prefix, host, ip, mac, domain };
}

/** A Windows, Mac or Linux workstation or server with the agent. */
function computerDevice({ random, base, nodeClass, org, lastContact, host, ip, mac, domain }: DeviceParts): NinjaDevice {
  const server = nodeClass.endsWith('SERVER');
  const isMac = nodeClass === 'MAC';
  const isLinux = nodeClass.startsWith('LINUX');
  const name = host(server ? 'SRV' : isMac ? 'MAC' : isLinux ? 'LNX' : 'PC');
  const vendor = isMac ? 'apple' : random.pick(['dell', 'hp', 'lenovo'] as const);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const login = `${first[0]!.toLowerCase()}${last.replace(/[^A-Za-z]/g, '').toLowerCase()}`;
  return {
    ...base,
    displayName: name,
    systemName: name,
    dnsName: `${name.toLowerCase()}.${domain.toLowerCase()}.local`,
    ...(isMac || isLinux ? {} : { netbiosName: name }),
    tags: random.chance(0.2) ? ['vip'] : [],
    ipAddresses: [ip, ...(random.chance(0.3) ? [`fe80::${hex(random, 2)}${hex(random, 2)}`] : [])],
    macAddresses: [mac()],
    publicIP: `203.0.113.${(org.id * 7) % 250}`,
    os: isMac
      ? { manufacturer: 'Apple Inc.', name: random.pick(['macOS Sonoma', 'macOS Sequoia']), architecture: 'arm64', lastBootTime: lastContact - random.int(1, 30) * DAY, buildNumber: '24A335', releaseId: '15.0', servicePackMajorVersion: 0, servicePackMinorVersion: 0, locale: 'en-GB', language: 'English', needsReboot: false }
      : isLinux
        ? { manufacturer: 'Canonical', name: 'Ubuntu 24.04.1 LTS', architecture: '64-bit', lastBootTime: lastContact - random.int(1, 90) * DAY, buildNumber: '24.04', releaseId: '24.04', servicePackMajorVersion: 0, servicePackMinorVersion: 0, locale: 'en-GB', language: 'English', needsReboot: random.chance(0.1) }
        : {
            manufacturer: 'Microsoft Corporation',
            name: server ? random.pick(['Windows Server 2022 Standard', 'Windows Server 2019 Standard']) : random.pick(['Windows 11 Pro', 'Windows 11 Enterprise', 'Windows 10 Pro']),
            architecture: '64-bit',
            lastBootTime: lastContact - random.int(1, 20) * DAY,
            buildNumber: server ? '20348' : '22631',
            releaseId: server ? '21H2' : '23H2',
            servicePackMajorVersion: 0,
            servicePackMinorVersion: 0,
            locale: 'en-GB',
            language: 'English (United Kingdom)',
            needsReboot: random.chance(0.15),
          },
    system: {
      name,
      manufacturer: VENDORS[vendor].manufacturer,
      model: random.pick(server ? VENDORS[vendor].servers : VENDORS[vendor].models),
      biosSerialNumber: '',
      serialNumber: serial(random, vendor),
      domain: isMac || isLinux ? 'WORKGROUP' : `${domain.toLowerCase()}.local`,
      domainRole: server ? 'Member Server' : 'Member Workstation',
      numberOfProcessors: 1,
      totalPhysicalMemory: random.pick([8, 16, 32, 64]) * 1073741824,
      virtualMachine: false,
      chassisType: server ? 'RACK_MOUNT_CHASSIS' : random.pick(['DESKTOP', 'NOTEBOOK', 'LAPTOP']),
    },
    memory: { capacity: random.pick([8, 16, 32, 64]) * 1073741824 },
    processors: [{ architecture: 'x64', maxClockSpeed: 2900000000, clockSpeed: 2900000000, name: random.pick(['Intel(R) Core(TM) i5-1345U', 'Intel(R) Core(TM) i7-1365U', 'AMD Ryzen 7 PRO 7840U', 'Apple M3']), numCores: 8, numLogicalCores: 16 }],
    volumes: [{ name: isLinux ? '/' : isMac ? 'Macintosh HD' : 'C:', label: '', deviceType: 'Local Disk', fileSystem: isLinux ? 'ext4' : isMac ? 'APFS' : 'NTFS', autoMount: false, compressed: false, capacity: 511101108224, freeSpace: random.int(20, 400) * 1073741824 }],
    // Some users log in with their DOMAIN\user name, some with their UPN, Linux shows a tty.
    ...(random.chance(0.85)
      ? { lastLoggedInUser: isLinux ? `${login} (pts/0)` : random.chance(0.7) ? `${domain}\\${login}` : `${login}@${domain.toLowerCase()}.com` }
      : {}),
  };
}

/** A VMware ESXi host. */
function vmHostDevice({ random, base, lastContact, host, ip, mac, domain }: DeviceParts): NinjaDevice {
  const name = host('ESX');
  return {
    ...base,
    deviceType: 'VMHost',
    displayName: ip,
    systemName: `${name.toLowerCase()}.${domain.toLowerCase()}.local`,
    dnsName: ip,
    ipAddresses: [ip],
    macAddresses: [mac(), mac()],
    cpuMhz: 2195,
    cpuModel: 'Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz',
    htActive: true,
    htAvailable: true,
    lastBootTime: lastContact - random.int(5, 60) * DAY,
    memorySize: 102715461632,
    model: random.pick(['ProLiant DL380 Gen10', 'PowerEdge R740']),
    name: `${name.toLowerCase()}.${domain.toLowerCase()}.local`,
    cpuCores: 20,
    cpuPackages: 2,
    cpuThreads: 40,
    serviceTag: serial(random, 'hp'),
    vendor: random.pick(['HPE', 'Dell Inc.']),
    releaseName: 'VMware ESXi 8.0.1 build-21813344',
    version: '8.0.1',
    buildNumber: '21813344',
  };
}

/** A VMware guest. */
function vmGuestDevice({ random, base, lastContact, offline, host }: DeviceParts): NinjaDevice {
  const name = host('VM');
  return {
    ...base,
    deviceType: 'VMGuest',
    displayName: name,
    systemName: name,
    files: `[datastore1] ${name}/${name}.vmx`,
    fullName: name,
    lastBootTime: lastContact - random.int(1, 30) * DAY,
    memorySize: random.pick([4, 8, 16]) * 1073741824,
    coresPerSocket: 2,
    cpuCores: 4,
    powerState: offline ? 'POWERED_OFF' : 'POWERED_ON',
    toolsInstallType: 'guestToolsTypeOpenVMTools',
    toolStatus: 'toolsOk',
    toolsVersion: '12352',
    guestOSFullName: 'Microsoft Windows Server 2022 (64-bit)',
    guestOSFamily: 'windowsGuest',
    guestOSId: 'windows2019srvNext_64Guest',
    toolsVersionStatus: 'guestToolsCurrent',
    snapshotCount: random.int(0, 3),
    snapshotTotalSize: random.int(0, 40) * 1073741824,
  };
}

/** A phone under MDM. */
function mobileDevice({ random, base, nodeClass, index }: DeviceParts): NinjaDevice {
  const ios = nodeClass === 'APPLE_IOS';
  const name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}'s ${ios ? 'iPhone' : 'Galaxy'} ${index + 1}`;
  return {
    ...base,
    deviceType: 'MdmDevice',
    displayName: name,
    system: { displayName: name, name, manufacturer: ios ? 'Apple' : 'Samsung', model: ios ? 'iPhone 15' : 'Galaxy S24', serialNumber: ios ? serial(random, 'apple') : `R5C${hex(random, 4).toUpperCase()}`, build: ios ? '18.1' : '14' },
    memory: random.chance(0.5) ? { capacity: 8 * 1073741824 } : {},
    network: [{ imei: String(random.int(100000000, 999999999)) + String(random.int(100000, 999999)), carrier: random.pick(['Vodafone', 'EE', 'O2']), phoneNumber: null }],
    volumes: [],
  };
}

/** An HTTP cloud monitor. */
function cloudMonitorDevice({ random, base, index, domain }: DeviceParts): NinjaDevice {
  const target = `https://${random.pick(['www', 'portal', 'mail', 'shop', 'intranet'])}${index + 1}.${domain.toLowerCase()}.com`;
  return { ...base, deviceType: 'CloudMonitorHTTP', displayName: target, enabled: true, interval: 300, timeout: 30, target };
}

/** A device NinjaOne only knows by name. */
function unmanagedDevice({ base, prefix, index }: DeviceParts): NinjaDevice {
  return { ...base, deviceType: 'UnmanagedDevice', displayName: `${prefix} Door Controller ${index + 1}` };
}

/** NMS_*: network devices discovered by the NMS agent, base node only. */
function nmsDevice({ base, nodeClass, host, ip, mac }: DeviceParts): NinjaDevice {
  const kind = nodeClass.replace('NMS_', '').slice(0, 3);
  const name = host(kind);
  return { ...base, deviceType: 'NMSTarget', displayName: name, systemName: name, dnsName: ip, ipAddresses: [ip], macAddresses: [mac()] };
}

const CLASS_ROLE: Record<string, number> = {
  WINDOWS_WORKSTATION: 1,
  WINDOWS_SERVER: 2,
  MAC: 3,
  LINUX_WORKSTATION: 4,
  LINUX_SERVER: 5,
  VMWARE_VM_HOST: 9,
  VMWARE_VM_GUEST: 10,
  NMS_SWITCH: 20,
  NMS_ROUTER: 21,
  NMS_FIREWALL: 22,
  NMS_PRINTER: 23,
  APPLE_IOS: 30,
  ANDROID: 31,
  CLOUD_MONITOR_TARGET: 40,
  UNMANAGED_DEVICE: 50,
};

const VENDORS = {
  dell: { manufacturer: 'Dell Inc.', models: ['Latitude 5440', 'OptiPlex 7010', 'Precision 3581'], servers: ['PowerEdge R650', 'PowerEdge T550'] },
  hp: { manufacturer: 'HP', models: ['EliteBook 840 G10', 'ProDesk 400 G9', 'ZBook Firefly 14'], servers: ['ProLiant DL360 Gen11', 'ProLiant ML350 Gen10'] },
  lenovo: { manufacturer: 'LENOVO', models: ['ThinkPad T14 Gen 4', 'ThinkCentre M70q', 'ThinkPad X1 Carbon Gen 11'], servers: ['ThinkSystem SR630 V2'] },
  apple: { manufacturer: 'Apple Inc.', models: ['MacBook Pro (14-inch, M3)', 'MacBook Air (13-inch, M2)', 'iMac (24-inch, M3)'], servers: ['Mac mini (M2)'] },
} as const;

/** Serials in each vendor's format: Dell 7-character service tags, HP 10, Lenovo PF…, Apple C02…. */
function serial(random: Random, vendor: keyof typeof VENDORS): string {
  const alnum = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const chars = (n: number) => Array.from({ length: n }, () => alnum[random.int(0, alnum.length - 1)]).join('');
  switch (vendor) {
    case 'dell':
      return chars(7);
    case 'hp':
      return `5CG${chars(7)}`;
    case 'lenovo':
      return `PF${chars(6)}`;
    case 'apple':
      return `C02${chars(9)}`;
  }
}

function hex(random: Random, bytes: number): string {
  return Array.from({ length: bytes }, () => random.int(0, 255).toString(16).padStart(2, '0')).join('');
}

function uuid(random: Random): string {
  const h = hex(random, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[random.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The Halo side before haloform: what an MSP typed in by hand over the years. Some clients
 * exist under slightly different names, a few assets were entered before the agent was
 * deployed, one asset tag collides with a device name, some users exist.
 */
function generateHalo(random: Random, ninja: NinjaSeed): HaloSeed {
  const orgByName = new Map(ninja.organizations.map((o) => [o.name, o]));
  const topLevels = [
    { id: 1, name: 'Managed Clients' },
    { id: 2, name: 'Internal' },
  ];
  const { clients, sites, users, contoso } = haloClients(orgByName);
  const contosoSite = sites.find((s) => s.client_id === contoso.id && s.name === 'HQ')!;
  users.push(...contosoUsers(random, ninja, orgByName, contosoSite, users.length));
  const { fields, assetGroups, assetTypes } = haloAssetTypes();
  const assets = handEnteredAssets(random, ninja, orgByName, clients, contoso, contosoSite);

  return {
    apps: [{ ...SANDBOX_CREDENTIALS.halo, scopes: ['all'], agentId: 1 }],
    topLevels,
    clients,
    sites,
    users,
    assetGroups,
    fields,
    assetTypes,
    assets,
    ...haloLookups(),
    // Halo's default: asset tags may repeat. Turning uniqueness on (settings.assetTagMustBeUnique)
    // makes the plan show the collision planted above.
    control: { allowduplicateinv: true },
  };
}

/** The clients, each with its Main site and General User, that the MSP typed in by hand: near misses, a linked one, an inactive one. */
function haloClients(orgByName: Map<string, NinjaOrganization>): { clients: HaloClient[]; sites: HaloSite[]; users: HaloUser[]; contoso: HaloClient } {
  const clients: HaloClient[] = [];
  const sites: HaloSite[] = [];
  const users: HaloUser[] = [];
  let siteId = 0;
  let userId = 0;
  const addSite = (client: HaloClient, name: string, ninjarmmid?: number): HaloSite => {
    siteId += 1;
    const site: HaloSite = { id: siteId, name, client_id: client.id, inactive: false, ...(ninjarmmid !== undefined ? { ninjarmmid } : {}) };
    sites.push(site);
    userId += 1;
    users.push({ id: userId, name: 'General User', site_id: site.id, inactive: false, isgeneraluser: true });
    return site;
  };
  const addClient = (name: string, toplevel: number, extra: Partial<HaloClient> = {}): HaloClient => {
    const client: HaloClient = { id: clients.length + 1, name, toplevel_id: toplevel, inactive: false, ...extra };
    clients.push(client);
    const main = addSite(client, 'Main');
    client.main_site_id = main.id;
    return client;
  };

  // The MSP itself.
  addClient('Acme IT Services', 2);
  // Contoso exists by hand with an "HQ" site: the demo spec maps Head Office to it (an adopt).
  const contoso = addClient('Contoso', 1);
  addSite(contoso, 'HQ');
  // Near misses: a person must decide, haloform must not guess.
  addClient('Northwind Traders Ltd', 1);
  addClient('Fabrikam, Inc.', 1);
  // Same name, different case: a unique case-insensitive match, shown as an adopt.
  addClient('adventure works', 1);
  // Already linked by a previous integration: matched by ninjarmmid, though renamed in Halo.
  const tailspin = orgByName.get('Tailspin Toys');
  if (tailspin) addClient('Tailspin Toys (Retail)', 1, { ninjarmmid: tailspin.id });
  // An old client that left; inactive.
  addClient('Litware Inc', 1, { inactive: true });
  return { clients, sites, users, contoso };
}

/**
 * Halo users of Contoso: some match NinjaOne's last-logged-in users, one name is ambiguous. Their
 * ids follow `lastUserId`, the id of the last user made so far.
 */
function contosoUsers(random: Random, ninja: NinjaSeed, orgByName: Map<string, NinjaOrganization>, contosoSite: HaloSite, lastUserId: number): HaloUser[] {
  const users: HaloUser[] = [];
  let userId = lastUserId;
  const contosoDevices = ninja.devices.filter((d) => d.organizationId === orgByName.get('Contoso Ltd')?.id && typeof d.lastLoggedInUser === 'string');
  const seenLogins = new Set<string>();
  for (const d of contosoDevices.slice(0, 12)) {
    const raw = d.lastLoggedInUser as string;
    const login = raw.includes('\\') ? raw.split('\\')[1]! : raw.split(/[@ ]/)[0]!;
    if (seenLogins.has(login) || random.chance(0.3)) continue;
    seenLogins.add(login);
    userId += 1;
    users.push({
      id: userId,
      name: `${login[0]!.toUpperCase()}. ${login.slice(1, 2).toUpperCase()}${login.slice(2)}`,
      firstname: login[0]!.toUpperCase(),
      surname: login.slice(1),
      emailaddress: `${login}@contoso.com`,
      login,
      site_id: contosoSite.id,
      inactive: false,
    });
  }
  return users;
}

/** The asset fields, groups and types of a stock Halo. */
function haloAssetTypes(): Pick<HaloSeed, 'fields' | 'assetGroups' | 'assetTypes'> {
  const fields = [
    { id: 101, name: 'Serial Number', type: 0 },
    { id: 102, name: 'Model', type: 0 },
    { id: 103, name: 'Operating System', type: 0 },
    { id: 104, name: 'IP Address', type: 0 },
    { id: 105, name: 'MAC Address', type: 0 },
    { id: 106, name: 'Purchase Date', type: 1 },
  ];
  const assetGroups = [
    { id: 1, name: 'Hardware' },
    { id: 2, name: 'Network' },
    { id: 3, name: 'Software' },
  ];
  // "Server" lacks Operating System: with addMissingFieldsToTypes off, the plan must say so.
  const assetTypes = [
    { id: 1, name: 'Workstation', assetgroup_id: 1, field_ids: [101, 102, 103, 104], keyfield_id: 101 },
    { id: 2, name: 'Server', assetgroup_id: 1, field_ids: [101, 102, 104], keyfield_id: 101 },
    { id: 3, name: 'Network Device', assetgroup_id: 2, field_ids: [101, 102, 104, 105], keyfield_id: 104 },
    { id: 4, name: 'Printer', assetgroup_id: 1, field_ids: [101, 102, 104] },
    { id: 5, name: 'Software Licence', assetgroup_id: 3, field_ids: [106] },
  ];
  return { fields, assetGroups, assetTypes };
}

/** Assets entered by hand: serial twins of Contoso workstations, an asset tag colliding with a device name, a placeholder-serial spare. */
function handEnteredAssets(
  random: Random,
  ninja: NinjaSeed,
  orgByName: Map<string, NinjaOrganization>,
  clients: HaloClient[],
  contoso: HaloClient,
  contosoSite: HaloSite,
): HaloAsset[] {
  // Assets typed in by hand before the agent was deployed: same serial, no NinjaOne id.
  const assets: HaloAsset[] = [];
  const contosoAgents = ninja.devices.filter(
    (d) => d.organizationId === orgByName.get('Contoso Ltd')?.id && d.deviceType === 'AgentDevice' && d.nodeClass === 'WINDOWS_WORKSTATION',
  );
  const placeholder = new Set<string>(PLACEHOLDER_SERIALS);
  for (const d of contosoAgents.filter((x) => !placeholder.has(String((x.system as Record<string, unknown>).serialNumber))).slice(0, 4)) {
    const system = d.system as Record<string, unknown>;
    assets.push({
      id: assets.length + 1,
      inventory_number: `CON-${String(1000 + assets.length)}`,
      client_id: contoso.id,
      site_id: contosoSite.id,
      assettype_id: 1,
      inactive: false,
      fields: [
        { id: 101, value: system.serialNumber },
        { id: 102, value: system.model },
      ],
      user_ids: [],
      notes: 'Entered by hand from the purchase order',
    });
  }
  // An asset tag that collides with a NinjaOne device name (which the demo maps to inventory_number).
  const collider = ninja.devices.find((d) => d.organizationId !== orgByName.get('Contoso Ltd')?.id && d.deviceType === 'AgentDevice');
  const acme = clients[0]!;
  if (collider) {
    assets.push({
      id: assets.length + 1,
      inventory_number: String(collider.displayName),
      client_id: acme.id,
      site_id: acme.main_site_id!,
      assettype_id: 1,
      inactive: false,
      fields: [{ id: 101, value: serial(random, 'dell') }],
      user_ids: [],
      notes: 'Loan laptop',
    });
  }
  // A Contoso asset that is a placeholder-serial twin: must never be merged by serial.
  assets.push({
    id: assets.length + 1,
    inventory_number: 'CON-SPARE-01',
    client_id: contoso.id,
    site_id: contosoSite.id,
    assettype_id: 1,
    inactive: false,
    fields: [{ id: 101, value: 'To Be Filled By O.E.M.' }],
    user_ids: [],
  });
  return assets;
}
