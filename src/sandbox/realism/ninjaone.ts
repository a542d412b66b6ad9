/**
 * NinjaOne data as real tenants send it (issue 13): turns the clean demo tenant into one with the
 * mess a client meets in production — VMs whose serial is "None", VM hosts and guests with
 * parents, cloud monitors with only a systemName, unmanaged devices that never called in, `""`
 * and repeats in address lists, MDM nulls, a node class outside the spec's enum, custom fields of
 * every type at every level (option uuids, two MULTI_SELECT encodings, dates as people type them)
 * and alerts shaped like the captures in reference/ninjaone/. Devices are transformed, never
 * added or removed; every draw comes from `random`, so the same seed gives the same tenant.
 *
 * Proportions (of the devices each applies to), chosen to look like an MSP fleet:
 * - VMs: 30 % of Windows/Linux servers, 3 % of Windows workstations (about 60 % VMware, the rest
 *   Hyper-V); one pair of VMware clones shares a BIOS serial.
 * - Hyper-V hosts: physical Windows servers, one in each organisation whose guests have no host,
 *   then more up to 1 % of the fleet (at least one). Every VMware/Hyper-V guest gets a host of its
 *   organisation as parent (40 % of guests next to a Hyper-V host become Hyper-V guests); half the
 *   VMware hosts have the Windows server that discovered them as parent, as do 80 % of network
 *   (NMS) devices.
 * - every cloud monitor loses its displayName (40 % become Ping monitors); every unmanaged
 *   device loses lastContact and lastUpdate; every VM host repeats a MAC address.
 * - addresses: 4 % of devices get a `""` IP, 4 % a repeated IP, 5 % a repeated MAC, 2 % a `""` MAC.
 * - MDM: 40 % of phones have `carrier: null` (all have `phoneNumber: null`); the first Android
 *   device reports nodeClass AOSP. Owners (assignedOwnerUid) on 12 % of workstations and 30 % of
 *   MDM devices; a policy override (policyId) on 5 % of agents.
 * - custom fields and alerts: see customFields() and alerts() below.
 */

import type { Random } from '../random.js';
import type { NinjaAlert, NinjaCustomFieldDefinition, NinjaCustomFieldOption, NinjaDevice, NinjaSeed } from '../seed.js';

type Json = Record<string, unknown>;

/** Serials that name no machine: BIOS placeholders (DESIGN.md §3) and the empty string. Devices carrying one are demo traps and stay as they are. */
const PLACEHOLDER_SERIAL = /^(to be filled by o\.e\.m\.|default string|0|system serial number|none|)$/i;

const FIRST_NAMES = ['Hannah', 'Marcus', 'Priya', 'Tomasz', 'Elena', 'Kwame', 'Sofia', 'Daniel', 'Aiko', 'Rhys'];
const LAST_NAMES = ['Fischer', 'Okafor', 'Lindqvist', 'Moreau', 'Chen', 'Doyle', 'Haddad', 'Novak', 'Reyes', 'Bennett'];

export function applyNinjaRealism(seed: NinjaSeed, random: Random): NinjaSeed {
  // Copies one level deep; nested objects are replaced, never changed in place.
  const out: NinjaSeed = {
    ...seed,
    organizations: seed.organizations.map((o) => ({ ...o })),
    locations: seed.locations.map((l) => ({ ...l })),
    devices: seed.devices.map((d) => ({ ...d })),
    customFieldDefinitions: seed.customFieldDefinitions.map((d) => ({ ...d })),
    customFields: Object.fromEntries(Object.entries(seed.customFields).map(([id, values]) => [id, { ...values }])),
    organizationCustomFields: Object.fromEntries(Object.entries(seed.organizationCustomFields ?? {}).map(([id, values]) => [id, { ...values }])),
    locationCustomFields: Object.fromEntries(Object.entries(seed.locationCustomFields ?? {}).map(([id, values]) => [id, { ...values }])),
    alerts: [...seed.alerts],
  };
  const traps = trapDevices(out.devices);
  const vms = virtualMachines(out.devices, traps, random.fork('virtual-machines'));
  // Traps and VMs never become hosts or discovering parents.
  virtualisation(out.devices, new Set([...traps, ...vms]), random.fork('virtualisation'));
  cloudMonitorsAndUnmanaged(out.devices, random.fork('monitors'));
  addresses(out.devices, random.fork('addresses'));
  mobileDevices(out.devices, random.fork('mobile'));
  ownersAndPolicies(out.devices, random.fork('owners'));
  customFields(out, random.fork('custom-fields'));
  alerts(out, random.fork('alerts'));
  return out;
}

/**
 * The demo's traps — placeholder serials, serials shared by clones or blades, existing VMs — left
 * exactly as the clean demo made them, so each trap stays one trap.
 */
function trapDevices(devices: readonly NinjaDevice[]): Set<number> {
  const serialOf = (d: NinjaDevice) => (d.deviceType === 'AgentDevice' ? (d.system as Json | undefined)?.serialNumber : undefined);
  const count = new Map<unknown, number>();
  for (const d of devices) count.set(serialOf(d), (count.get(serialOf(d)) ?? 0) + 1);
  const traps = new Set<number>();
  for (const d of devices) {
    if (d.deviceType !== 'AgentDevice') continue;
    const serial = serialOf(d);
    const vm = (d.system as Json | undefined)?.virtualMachine === true;
    if (vm || typeof serial !== 'string' || PLACEHOLDER_SERIAL.test(serial) || count.get(serial)! > 1) traps.add(d.id);
  }
  return traps;
}

// --- devices -------------------------------------------------------------------------------

/**
 * Some servers and workstations are VMs: serial "None" (NOTES §3.4), the hypervisor's BIOS
 * serial, manufacturer and model. Returns the ids of the new VMs.
 */
function virtualMachines(devices: NinjaDevice[], traps: ReadonlySet<number>, random: Random): Set<number> {
  const eligible = devices.filter((d) => d.deviceType === 'AgentDevice' && !traps.has(d.id));
  const servers = eligible.filter((d) => d.nodeClass === 'WINDOWS_SERVER' || d.nodeClass === 'LINUX_SERVER');
  const workstations = eligible.filter((d) => d.nodeClass === 'WINDOWS_WORKSTATION');
  const chosen = [...take(random, servers, 0.3), ...take(random, workstations, 0.03)].sort(byId);
  const kinds = chosen.map(() => (random.chance(0.6) ? 'vmware' : 'hyperv'));
  // At least two VMware VMs (for the clone pair) and one Hyper-V VM when there are VMs enough.
  if (chosen.length >= 2 && kinds.filter((k) => k === 'vmware').length < 2) kinds.splice(0, 2, 'vmware', 'vmware');
  if (chosen.length >= 3 && !kinds.includes('hyperv')) kinds[kinds.length - 1] = 'hyperv';

  const used = new Set<string>();
  const unique = (make: () => string) => {
    let value = make();
    while (used.has(value)) value = make();
    used.add(value);
    return value;
  };
  const vmware: NinjaDevice[] = [];
  chosen.forEach((device, i) => {
    const isVmware = kinds[i] === 'vmware';
    const bios = isVmware
      ? unique(() => `VMware-${random.pick(['56 4d', '42 1a', '42 3b'])} ${bytes(random, 6)}-${bytes(random, 8)}`)
      : unique(() => `0000-00${digits(random, 2)}-${digits(random, 4)}-${digits(random, 4)}-${digits(random, 4)}-${digits(random, 4)}-${digits(random, 2)}`);
    device.system = {
      ...(device.system as Json),
      manufacturer: isVmware ? 'VMware, Inc.' : 'Microsoft Corporation',
      model: isVmware ? 'VMware Virtual Platform' : 'Virtual Machine',
      biosSerialNumber: bios,
      serialNumber: 'None',
      virtualMachine: true,
      chassisType: 'UNKNOWN',
    };
    if (isVmware) vmware.push(device);
  });
  // Two VMs cloned from one template keep its BIOS serial: the same string, two machines.
  if (vmware.length >= 2) {
    const k = random.int(0, vmware.length - 2);
    const original = vmware[k]!.system as Json;
    vmware[k + 1]!.system = { ...(vmware[k + 1]!.system as Json), biosSerialNumber: original.biosSerialNumber };
  }
  return new Set(chosen.map((d) => d.id));
}

/**
 * Hyper-V hosts from physical Windows servers — first one in each organisation whose guests have
 * no host, then more up to 1 % of the fleet (at least one) — and a host of its organisation as
 * parent for every guest. A guest in an organisation with no host and no server to make one of
 * becomes that organisation's VMware host itself.
 */
function virtualisation(devices: NinjaDevice[], kept: ReadonlySet<number>, random: Random): void {
  const byOrg = (list: NinjaDevice[]) => {
    const map = new Map<number, NinjaDevice[]>();
    for (const d of [...list].sort(byId)) map.set(d.organizationId, [...(map.get(d.organizationId) ?? []), d]);
    return map;
  };
  const physicalServers = () => devices.filter((d) => d.deviceType === 'AgentDevice' && d.nodeClass === 'WINDOWS_SERVER' && !kept.has(d.id));
  const guests = devices.filter((d) => d.deviceType === 'VMGuest').sort(byId);
  const vmwareHosts = byOrg(devices.filter((d) => d.nodeClass === 'VMWARE_VM_HOST'));
  const hypervHosts = new Map<number, NinjaDevice[]>();
  const makeHyperVHost = (server: NinjaDevice) => {
    becomeHyperVHost(server, random);
    hypervHosts.set(server.organizationId, [...(hypervHosts.get(server.organizationId) ?? []), server]);
  };
  const serversByOrg = byOrg(physicalServers());
  for (const orgId of new Set(guests.map((g) => g.organizationId))) {
    const servers = serversByOrg.get(orgId);
    if (!vmwareHosts.has(orgId) && servers && servers.length > 0) makeHyperVHost(random.pick(servers));
  }
  const wanted = Math.max(1, Math.round(devices.length * 0.01)) - [...hypervHosts.values()].flat().length;
  const remaining = physicalServers();
  // One physical Windows server always stays an agent.
  if (wanted > 0 && remaining.length >= 2) for (const server of take(random, remaining, 0, Math.min(wanted, remaining.length - 1))) makeHyperVHost(server);

  for (const guest of guests) {
    const vmwareHere = vmwareHosts.get(guest.organizationId) ?? [];
    const hypervHere = hypervHosts.get(guest.organizationId) ?? [];
    if (hypervHere.length > 0 && (vmwareHere.length === 0 || random.chance(0.4))) {
      becomeHyperVGuest(guest);
      guest.parentDeviceId = random.pick(hypervHere).id;
    } else if (vmwareHere.length > 0) {
      guest.parentDeviceId = random.pick(vmwareHere).id;
    } else {
      becomeVmwareHost(guest, random);
      vmwareHosts.set(guest.organizationId, [guest]);
    }
  }

  // The Windows server whose agent discovered a node is its parent (NOTES §3.3: VM hosts, NMS targets).
  const discoverers = byOrg(physicalServers());
  for (const node of devices) {
    const parents = discoverers.get(node.organizationId);
    if (!parents || node.parentDeviceId !== undefined) continue;
    const share = node.nodeClass === 'VMWARE_VM_HOST' ? 0.5 : node.deviceType === 'NMSTarget' ? 0.8 : 0;
    if (share > 0 && random.chance(share)) node.parentDeviceId = random.pick(parents).id;
  }
}

/** Base node keys a device keeps when it changes type (detail keys of the old type go). */
const NODE_KEYS = new Set([
  'id', 'uid', 'assignedOwnerUid', 'parentDeviceId', 'organizationId', 'locationId', 'nodeClass', 'nodeRoleId', 'rolePolicyId', 'policyId', 'approvalStatus',
  'offline', 'displayName', 'systemName', 'dnsName', 'netbiosName', 'created', 'lastContact', 'lastUpdate', 'userData', 'tags', 'maintenance',
  'ipAddresses', 'macAddresses', 'publicIP', 'notes', 'deviceType',
]);

function keepNode(device: NinjaDevice): void {
  for (const key of Object.keys(device)) if (!NODE_KEYS.has(key)) delete device[key];
}

/** VMHost detail: flat fields, no system/os (NOTES §3.4). */
function becomeHyperVHost(device: NinjaDevice, random: Random): void {
  const system = (device.system ?? {}) as Json;
  const os = (device.os ?? {}) as Json;
  const name = String(device.systemName ?? device.displayName ?? `HV-${device.id}`);
  keepNode(device);
  delete device.netbiosName;
  Object.assign(device, {
    nodeClass: 'HYPERV_VMM_HOST',
    nodeRoleId: 11,
    rolePolicyId: 51,
    deviceType: 'VMHost',
    cpuMhz: 2394,
    cpuModel: random.pick(['Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz', 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz']),
    htActive: true,
    htAvailable: true,
    lastBootTime: Number(device.lastContact ?? device.created) - random.int(3, 90) * 86400,
    memorySize: random.pick([128, 256, 384]) * 1073741824,
    model: String(system.model ?? 'PowerEdge R650'),
    name: name.toLowerCase(),
    cpuCores: 32,
    cpuPackages: 2,
    cpuThreads: 64,
    serviceTag: String(system.serialNumber ?? ''),
    vendor: String(system.manufacturer ?? 'Dell Inc.'),
    releaseName: String(os.name ?? 'Windows Server 2022 Standard').replace('Windows', 'Microsoft Windows'),
    version: '10.0.20348',
    buildNumber: String(os.buildNumber ?? '20348'),
  });
}

function becomeVmwareHost(device: NinjaDevice, random: Random): void {
  const ip = device.ipAddresses?.[0] ?? `10.${device.organizationId % 250}.${device.locationId % 250}.${random.int(2, 9)}`;
  const name = `esx${String(device.id).padStart(3, '0')}.${String(device.displayName ?? 'host').toLowerCase().split('-')[0]}.local`;
  keepNode(device);
  Object.assign(device, {
    nodeClass: 'VMWARE_VM_HOST',
    nodeRoleId: 9,
    rolePolicyId: 49,
    deviceType: 'VMHost',
    // As captured: displayName and dnsName are the host's IP (device-get.vmhost-esxi).
    displayName: ip,
    systemName: name,
    dnsName: ip,
    ipAddresses: [ip],
    macAddresses: [mac(random), mac(random)],
    cpuMhz: 2195,
    cpuModel: 'Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz',
    htActive: true,
    htAvailable: true,
    lastBootTime: Number(device.lastContact ?? device.created) - random.int(5, 60) * 86400,
    memorySize: 102715461632,
    model: random.pick(['ProLiant DL380 Gen10', 'PowerEdge R740']),
    name,
    cpuCores: 20,
    cpuPackages: 2,
    cpuThreads: 40,
    serviceTag: `SGH${random.int(100, 999)}${letters(random, 4)}`,
    vendor: random.pick(['HPE', 'Dell Inc.']),
    releaseName: 'VMware ESXi 8.0.1 build-21813344',
    version: '8.0.1',
    buildNumber: '21813344',
  });
}

/** Same VMGuest keys; the values Hyper-V reports. */
function becomeHyperVGuest(device: NinjaDevice): void {
  const name = String(device.displayName ?? device.id);
  Object.assign(device, {
    nodeClass: 'HYPERV_VMM_GUEST',
    nodeRoleId: 12,
    rolePolicyId: 52,
    files: `C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\Virtual Machines\\${name}.vmcx`,
    toolsInstallType: 'integrationServices',
    toolStatus: 'OK',
    toolsVersion: '10.0.20348',
    toolsVersionStatus: 'UpToDate',
    guestOSId: 'windows2022srv_64',
  });
}

/** Cloud monitors carry only a systemName (some are Ping monitors); unmanaged devices never called in. */
function cloudMonitorsAndUnmanaged(devices: NinjaDevice[], random: Random): void {
  const monitors = devices.filter((d) => d.nodeClass === 'CLOUD_MONITOR_TARGET').sort(byId);
  const ping = new Set(take(random, monitors, 0.4, monitors.length >= 2 ? 1 : 0).map((d) => d.id));
  for (const monitor of monitors) {
    delete monitor.displayName;
    if (ping.has(monitor.id)) {
      const host = String(monitor.target ?? '').replace(/^https?:\/\//, '') || `203.0.113.${random.int(1, 254)}`;
      Object.assign(monitor, { deviceType: 'CloudMonitorPing', systemName: host, enabled: true, interval: 60, timeout: 5, target: host });
    } else {
      monitor.systemName = String(monitor.target ?? `monitor-${monitor.id}`);
    }
  }
  for (const device of devices) {
    if (device.deviceType !== 'UnmanagedDevice') continue;
    delete device.lastContact;
    delete device.lastUpdate;
  }
}

/** `""` entries and repeats in address lists (NOTES §3.3), as the ESXi capture repeats a MAC. */
function addresses(devices: NinjaDevice[], random: Random): void {
  for (const device of devices) {
    const ips = device.ipAddresses;
    const macs = device.macAddresses;
    if (ips && ips.length > 0) {
      if (random.chance(0.04)) device.ipAddresses = [...ips, ''];
      if (random.chance(0.04)) device.ipAddresses = [...(device.ipAddresses ?? []), ips[0]!];
    }
    if (macs && macs.length > 0) {
      if (device.deviceType === 'VMHost' || random.chance(0.05)) device.macAddresses = [macs[0]!, ...macs];
      if (random.chance(0.02)) device.macAddresses = [...(device.macAddresses ?? []), ''];
    }
  }
}

/** MDM: no carrier on Wi-Fi-only devices (phoneNumber is null on all); one Android reports AOSP, outside the spec's enum (NOTES §0). */
function mobileDevices(devices: NinjaDevice[], random: Random): void {
  const mdm = devices.filter((d) => d.deviceType === 'MdmDevice').sort(byId);
  for (const device of mdm) {
    if (!Array.isArray(device.network)) continue;
    const noCarrier = random.chance(0.4);
    device.network = (device.network as Json[]).map((n) => ({ ...n, ...(noCarrier ? { carrier: null } : {}), phoneNumber: null }));
  }
  const android = mdm.find((d) => d.nodeClass === 'ANDROID');
  if (android) android.nodeClass = 'AOSP';
}

function ownersAndPolicies(devices: NinjaDevice[], random: Random): void {
  for (const device of devices) {
    const workstation = device.nodeClass === 'WINDOWS_WORKSTATION' || device.nodeClass === 'MAC';
    const share = device.deviceType === 'MdmDevice' ? 0.3 : workstation && device.deviceType === 'AgentDevice' ? 0.12 : 0;
    if (share > 0 && random.chance(share)) device.assignedOwnerUid = uuid(random);
    if (device.deviceType === 'AgentDevice' && random.chance(0.05)) device.policyId = 100 + random.int(1, 12);
  }
}

// --- custom fields -------------------------------------------------------------------------

/**
 * Definitions the demo spec maps, by these exact names, and their values:
 * - `supportTier` DROPDOWN (Bronze/Silver/Gold), definitionScope NODE+LOCATION+ORGANIZATION:
 *   a value on every organisation, on 35 % of locations and on 6 % of devices;
 * - `managedServices` MULTI_SELECT (Backup/Antivirus/Patching/Monitoring) on 30 % of agents:
 *   an array of option uuids, 15 % of them (at least one) one comma-separated string of uuids
 *   instead — the real encoding is [unverified] (NOTES §4.1), so both are served;
 * - `rackUnits` NUMERIC on 50 % of physical servers and VM hosts; `byod` CHECKBOX on 20 % of
 *   workstations (30 % of those true);
 * - `purchaseDate` TEXT on 40 % of physical agents: "2024-03-15", 8 % (at least one) typed
 *   "15/04/2023" — not ISO, which a client must refuse rather than guess;
 * - `contractTier` DROPDOWN (Essentials/Professional/Enterprise), ORGANIZATION only, on every
 *   organisation; `siteContact` TEXT, LOCATION only, on 80 % of locations.
 * DROPDOWN and MULTI_SELECT values are option uuids, as the real API returns them. `warrantyEnd`
 * keeps what the clean demo gave it. Every definition gets a numeric id (not sent by
 * `/v2/device-custom-fields`, whose schema has none).
 */
function customFields(seed: NinjaSeed, random: Random): void {
  const option = (name: string): NinjaCustomFieldOption => ({ id: uuid(random), name, active: true, system: false });
  const tiers = ['Bronze', 'Silver', 'Gold'].map(option);
  const services = ['Backup', 'Antivirus', 'Patching', 'Monitoring'].map(option);
  const contracts = ['Essentials', 'Professional', 'Enterprise'].map(option);
  const added: NinjaCustomFieldDefinition[] = [
    { name: 'supportTier', label: 'Support Tier', type: 'DROPDOWN', apiPermission: 'READ_ONLY', definitionScope: ['NODE', 'LOCATION', 'ORGANIZATION'], content: { values: tiers } },
    { name: 'managedServices', label: 'Managed Services', type: 'MULTI_SELECT', apiPermission: 'READ_ONLY', definitionScope: ['NODE'], content: { values: services } },
    { name: 'rackUnits', label: 'Rack Units', type: 'NUMERIC', apiPermission: 'READ_WRITE', definitionScope: ['NODE'] },
    { name: 'byod', label: 'BYOD', type: 'CHECKBOX', apiPermission: 'READ_ONLY', definitionScope: ['NODE'] },
    { name: 'purchaseDate', label: 'Purchase Date', type: 'TEXT', apiPermission: 'READ_WRITE', definitionScope: ['NODE'] },
    { name: 'contractTier', label: 'Contract Tier', type: 'DROPDOWN', apiPermission: 'READ_ONLY', definitionScope: ['ORGANIZATION'], content: { values: contracts } },
    { name: 'siteContact', label: 'Site Contact', type: 'TEXT', apiPermission: 'READ_ONLY', definitionScope: ['LOCATION'] },
  ];
  const taken = new Set(seed.customFieldDefinitions.map((d) => d.name));
  seed.customFieldDefinitions.push(...added.filter((d) => !taken.has(d.name)));
  let nextId = Math.max(0, ...seed.customFieldDefinitions.map((d) => d.id ?? 0));
  for (const d of seed.customFieldDefinitions) d.id ??= ++nextId;

  const tier = () => random.weighted([[tiers[0]!, 50], [tiers[1]!, 35], [tiers[2]!, 15]] as const).id;
  const orgFields = (seed.organizationCustomFields ??= {});
  const locationFields = (seed.locationCustomFields ??= {});
  const set = (map: Record<number, Json>, id: number, values: Json) => {
    map[id] = { ...map[id], ...values };
  };
  for (const org of seed.organizations) {
    set(orgFields, org.id, { supportTier: tier(), contractTier: random.weighted([[contracts[0]!, 45], [contracts[1]!, 40], [contracts[2]!, 15]] as const).id });
  }
  for (const location of seed.locations) {
    if (random.chance(0.35)) set(locationFields, location.id, { supportTier: tier() });
    if (random.chance(0.8)) set(locationFields, location.id, { siteContact: contact(random) });
  }

  const devices = [...seed.devices].sort(byId);
  const agent = (d: NinjaDevice) => d.deviceType === 'AgentDevice';
  const isVm = (d: NinjaDevice) => (d.system as Json | undefined)?.virtualMachine === true;
  for (const device of devices) if (random.chance(0.06)) set(seed.customFields, device.id, { supportTier: tier() });

  const withServices = take(random, devices.filter(agent), 0.3).sort(byId);
  const asText = new Set(take(random, withServices, 0.15, withServices.length >= 2 ? 1 : 0).map((d) => d.id));
  for (const device of withServices) {
    const ids = services.filter(() => random.chance(0.5)).map((o) => o.id);
    const chosen = ids.length > 0 ? ids : [random.pick(services).id];
    set(seed.customFields, device.id, { managedServices: asText.has(device.id) ? chosen.join(',') : chosen });
  }

  const physicalServers = devices.filter((d) => (agent(d) && (d.nodeClass === 'WINDOWS_SERVER' || d.nodeClass === 'LINUX_SERVER') && !isVm(d)) || d.deviceType === 'VMHost');
  for (const device of take(random, physicalServers, 0.5)) set(seed.customFields, device.id, { rackUnits: random.pick([1, 1, 2, 2, 2, 4]) });

  const workstations = devices.filter((d) => agent(d) && ['WINDOWS_WORKSTATION', 'MAC', 'LINUX_WORKSTATION'].includes(d.nodeClass));
  for (const device of take(random, workstations, 0.2)) set(seed.customFields, device.id, { byod: random.chance(0.3) });

  const purchased = take(random, devices.filter((d) => agent(d) && !isVm(d)), 0.4).sort(byId);
  const typed = new Set(take(random, purchased, 0.08, purchased.length >= 2 ? 1 : 0).map((d) => d.id));
  for (const device of purchased) {
    const [y, m, d] = [random.int(2019, 2026), random.int(1, 12), random.int(1, 28)];
    const pad = (n: number) => String(n).padStart(2, '0');
    set(seed.customFields, device.id, { purchaseDate: typed.has(device.id) ? `${pad(d)}/${pad(m)}/${y}` : `${y}-${pad(m)}-${pad(d)}` });
  }
}

function contact(random: Random): string {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  return random.weighted([
    [`${first} ${last}`, 3],
    [`${first} ${last} (+44 20 7946 0${digits(random, 3)})`, 4],
    [`${first.toLowerCase()}.${last.toLowerCase()}@example.com`, 2],
  ] as const);
}

// --- alerts --------------------------------------------------------------------------------

type AlertKind = 'disk' | 'patch' | 'eventlog' | 'offline' | 'memory';

/**
 * Active alerts on 4 % of the devices (at least one), in the shapes captured in
 * reference/ninjaone/ (NOTES §5, §7): `sourceName` and `subject` mostly `""` (the event-log
 * alert's subject is its event id, the VMware memory alert's sourceName `_average_`), a
 * human-readable `conditionName`, a pre-rendered `message`, and `data.message.code` + `params`
 * with epoch-millisecond `start_date`/`end_date`, sizes in bytes and durations. Param names the
 * captures do not show (disk, offline) are [unverified].
 */
function alerts(seed: NinjaSeed, random: Random): void {
  const kindsFor = (d: NinjaDevice): readonly (readonly [AlertKind, number])[] => {
    if (d.deviceType === 'VMHost') return [['memory', 3], ...(d.offline ? ([['offline', 1]] as const) : [])];
    // Unmanaged devices report nothing, so nothing alerts on them.
    if (d.deviceType === 'UnmanagedDevice') return [];
    if (d.deviceType !== 'AgentDevice') return d.offline ? [['offline', 1]] : [];
    const windows = d.nodeClass.startsWith('WINDOWS');
    return [
      ['patch', 3],
      ...(windows ? ([['disk', 3], ['eventlog', 2]] as const) : []),
      ...(d.offline ? ([['offline', 3]] as const) : []),
    ];
  };
  const eligible = [...seed.devices].sort(byId).filter((d) => kindsFor(d).length > 0);
  if (eligible.length === 0) return;
  const count = Math.min(eligible.length, Math.max(1, Math.round(seed.devices.length * 0.04)));
  const sourceConfig = new Map<AlertKind, string>();
  const configOf = (kind: AlertKind) => {
    if (!sourceConfig.has(kind)) sourceConfig.set(kind, uuid(random));
    return sourceConfig.get(kind)!;
  };
  const raised: NinjaAlert[] = [];
  for (const device of take(random, eligible, 0, count).sort(byId)) {
    const kind = random.weighted(kindsFor(device));
    const lastContact = Number(device.lastContact ?? device.created);
    // An offline alert starts after the device's last contact; the others some time before it.
    const seconds = kind === 'offline' ? lastContact + 900 + random.int(0, 3600) : lastContact - random.int(300, 6 * 86400);
    const createTime = Math.round((seconds + random.next()) * 1e6) / 1e6;
    const { message, sourceType, ...rest } = alertBody(kind, device, createTime, random);
    // Keys in the order of the NOTES §5 capture.
    raised.push({ uid: uuid(random), deviceId: device.id, message, createTime, updateTime: createTime, sourceType, sourceConfigUid: configOf(kind), ...rest });
  }
  seed.alerts = [...seed.alerts, ...raised.sort((a, b) => a.createTime - b.createTime)];
}

function alertBody(kind: AlertKind, device: NinjaDevice, createTime: number, random: Random): Omit<NinjaAlert, 'uid' | 'deviceId' | 'createTime' | 'updateTime' | 'sourceConfigUid'> {
  const endMs = Math.round(createTime * 1000);
  switch (kind) {
    case 'disk': {
      const volume = ((device.volumes as Json[] | undefined) ?? [])[0] ?? {};
      const total = typeof volume.capacity === 'number' ? volume.capacity : 511101108224;
      const percent = Math.round(random.int(150, 990) / 10) / 10;
      const free = Math.round((total * percent) / 100);
      const gb = (n: number) => (n / 1073741824).toFixed(1);
      return {
        sourceType: 'CONDITION_AGENT_DISK_FREE_SPACE',
        sourceName: '',
        subject: '',
        message: `Disk C: free space is ${percent}% (${gb(free)} GB free of ${gb(total)} GB), at or below 10% for 15 minutes`,
        data: { message: { code: 'agent_win_cond_disk_free_le', params: { drive: 'C:', threshold: 10, unit: '%', value: percent, free_space: free, total_space: total, duration: 15, start_date: endMs - 15 * 60_000 - random.int(0, 59_999), end_date: endMs } } },
        priority: 'HIGH',
        severity: 'MAJOR',
        conditionName: 'Disk C: free space is below 10%',
        conditionHealthStatus: 'UNHEALTHY',
      };
    }
    case 'patch':
      // The alert of NOTES §5, as captured.
      return {
        sourceType: 'CONDITION_AGENT_PATCH_LAST_INSTALLED',
        sourceName: '',
        subject: '',
        message: 'Last Patch Condition: No OS patch installed in last 30 days',
        data: { message: { code: 'agent_cond_os_last_patch', params: { threshold: '30' } } },
        priority: 'NONE',
        severity: 'NONE',
        conditionName: 'Device has not installed an Operating System patch in 30 day(s)',
        conditionHealthStatus: 'NEEDS_ATTENTION',
      };
    case 'eventlog': {
      // alerts.windows-eventlog.country-consulting.json: the subject is the event id.
      const eventTime = new Date(endMs - random.int(60, 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const msg = 'The system has rebooted without cleanly shutting down first. This error could be caused if the system stopped responding, crashed, or lost power unexpectedly.';
      return {
        sourceType: 'CONDITION_WINDOWS_EVENT_LOG_TRIGGERED',
        sourceName: '',
        subject: '41',
        message: `EventId: 41, EventTime: ${eventTime}, Source: Microsoft-Windows-Kernel-Power, Message: ${msg}`,
        data: { message: { code: 'agent_cond_eventlog2', params: { event_id: '41', event_time: eventTime, event_source: 'Microsoft-Windows-Kernel-Power', msg } } },
        priority: 'MEDIUM',
        severity: 'MODERATE',
        conditionName: 'Unexpected shutdown (Kernel-Power event 41)',
        conditionHealthStatus: 'NEEDS_ATTENTION',
      };
    }
    case 'offline':
      return {
        sourceType: 'AGENT_OFFLINE',
        sourceName: '',
        subject: '',
        message: 'Device has been offline for more than 15 minutes',
        data: { message: { code: 'conditions_device_offline_triggered_with_cond_name', params: { cond_name: 'Device offline for 15 minutes', duration: 15, start_date: endMs - 15 * 60_000 } } },
        priority: 'HIGH',
        severity: 'CRITICAL',
        conditionName: 'Device offline for 15 minutes',
        conditionHealthStatus: 'UNHEALTHY',
      };
    case 'memory': {
      // condition-triggered.vmware-host-memory.country-consulting.json; the sourceType is not in
      // that capture and the spec has no VM-host memory type: [unverified].
      const value = 80 + random.next() * 15;
      return {
        sourceType: 'CONDITION_AGENT_MEMORY',
        sourceName: '_average_',
        subject: '',
        message: 'Memory Utilization is greater than or equal to 80% for 5 minutes',
        data: { message: { code: 'vmm_cond_memory_usage_ge', params: { duration: 5, end_date: endMs, start_date: endMs - 5 * 60_000 - random.int(0, 9_999), target: '_average_', threshold: 80, unit: '%', value } } },
        priority: 'MEDIUM',
        severity: 'MAJOR',
        conditionName: 'Memory utilization is at or above 80% for 5 minutes',
        conditionHealthStatus: 'NEEDS_ATTENTION',
      };
    }
  }
}

// --- helpers -------------------------------------------------------------------------------

const byId = (a: NinjaDevice, b: NinjaDevice) => a.id - b.id;

/**
 * A random `share` of `items` (rounded), at least `min` of them when there are that many: the
 * first k of a partial Fisher–Yates shuffle, in shuffled order.
 */
function take<T>(random: Random, items: readonly T[], share: number, min = 0): T[] {
  const k = Math.min(items.length, Math.max(min, Math.round(items.length * share)));
  const pool = [...items];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random.next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

function hex(random: Random, count: number): string {
  return Array.from({ length: count }, () => random.int(0, 255).toString(16).padStart(2, '0')).join('');
}

/** `count` bytes as lower-case hex pairs separated by spaces (a VMware BIOS serial half). */
function bytes(random: Random, count: number): string {
  return Array.from({ length: count }, () => hex(random, 1)).join(' ');
}

function digits(random: Random, count: number): string {
  return Array.from({ length: count }, () => String(random.int(0, 9))).join('');
}

function letters(random: Random, count: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  return Array.from({ length: count }, () => alphabet[random.int(0, alphabet.length - 1)]).join('');
}

function mac(random: Random): string {
  return Array.from({ length: 6 }, () => hex(random, 1)).join(':');
}

function uuid(random: Random): string {
  const h = hex(random, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[random.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
