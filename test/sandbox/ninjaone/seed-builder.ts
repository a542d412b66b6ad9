/** Small hand-made NinjaOne seeds for the simulator tests: N devices of mixed classes, deterministic. */

import type { NinjaAlert, NinjaDevice, NinjaSeed } from '../../../src/sandbox/seed.js';

export const CLIENT = { clientId: 'test-client', clientSecret: 'test-secret-value' };
export const READER = { clientId: 'read-only-client', clientSecret: 'reader-secret-value' };

/** 2026-01-01T00:00:00Z, the seed's reference time. */
export const T0 = 1767225600;

export interface BuildOptions {
  devices?: number;
  organizations?: number;
  locationsPerOrganization?: number;
}

/** Device ids: not contiguous, so paging must use real ids, not positions. */
export function deviceId(index: number): number {
  return 10 + index * 3;
}

/** One device of each kind, cycled through by index. */
const KINDS = [
  'WINDOWS_WORKSTATION',
  'WINDOWS_SERVER',
  'MAC',
  'LINUX_SERVER',
  'VMWARE_VM_HOST',
  'VMWARE_VM_GUEST',
  'APPLE_IOS',
  'CLOUD_MONITOR_TARGET',
  'NMS_SWITCH',
  'UNMANAGED_DEVICE',
] as const;

export function buildSeed(options: BuildOptions = {}): NinjaSeed {
  const orgCount = options.organizations ?? 3;
  const perOrg = options.locationsPerOrganization ?? 2;
  const organizations: NinjaSeed['organizations'] = [];
  const locations: NinjaSeed['locations'] = [];
  for (let o = 1; o <= orgCount; o++) {
    organizations.push(o === 2 ? { id: o, name: `Org ${o}`, description: 'Second org', nodeApprovalMode: 'MANUAL' } : { id: o, name: `Org ${o}`, nodeApprovalMode: 'AUTOMATIC' });
    for (let l = 1; l <= perOrg; l++) {
      const id = (o - 1) * perOrg + l;
      locations.push(l === 1 ? { id, organizationId: o, name: 'Main Office', address: `${o} High Street` } : { id, organizationId: o, name: `Branch ${l}` });
    }
  }
  const devices: NinjaDevice[] = [];
  const customFields: NinjaSeed['customFields'] = {};
  const count = options.devices ?? 20;
  for (let i = 0; i < count; i++) {
    const org = (i % orgCount) + 1;
    const location = (org - 1) * perOrg + ((Math.floor(i / orgCount) % perOrg) + 1);
    const device = makeDevice(deviceId(i), KINDS[i % KINDS.length]!, org, location, i);
    devices.push(device);
    if (i % 2 === 0) customFields[device.id] = { assetTag: `A-${device.id}`, warrantyEnd: T0 + i * 86400, secretKey: 'hidden', writeOnlyField: 'hidden too' };
    else if (i % 3 === 0) customFields[device.id] = { secretKey: 'only hidden values' };
  }
  // Seeds need not be sorted: the simulator orders by id.
  devices.reverse();
  const alerts: NinjaAlert[] = count > 0
    ? [
        {
          uid: '0b0c2f8e-0c41-4a8e-9a51-5d1c5a0f3e11',
          deviceId: deviceId(0),
          message: 'Last Patch Condition: No OS patch installed in last 30 days',
          createTime: T0 + 100.5,
          updateTime: T0 + 100.5,
          sourceType: 'CONDITION_AGENT_PATCH_LAST_INSTALLED',
          sourceConfigUid: 'aa294b7a-5b7d-4c0e-8d8a-1f2e3d4c5b6a',
          sourceName: '',
          subject: '',
          data: { message: { code: 'agent_cond_os_last_patch', params: { threshold: '30' } } },
          priority: 'NONE',
          severity: 'NONE',
          conditionName: 'Device has not installed an Operating System patch in 30 day(s)',
          conditionHealthStatus: 'NEEDS_ATTENTION',
        },
      ]
    : [];
  return {
    apps: [
      { ...CLIENT, scopes: ['monitoring', 'management'] },
      { ...READER, scopes: ['monitoring'] },
    ],
    organizations,
    locations,
    devices,
    customFieldDefinitions: [
      { name: 'assetTag', label: 'Asset Tag', type: 'TEXT', apiPermission: 'READ_WRITE' },
      { name: 'warrantyEnd', label: 'Warranty End', type: 'DATE', apiPermission: 'READ_ONLY' },
      { name: 'secretKey', label: 'Secret Key', type: 'TEXT', apiPermission: 'NONE' },
      { name: 'writeOnlyField', label: 'Write Only', type: 'TEXT', apiPermission: 'WRITE_ONLY' },
    ],
    customFields,
    alerts,
  };
}

function makeDevice(id: number, nodeClass: (typeof KINDS)[number], organizationId: number, locationId: number, i: number): NinjaDevice {
  const name = `DEV-${id}`;
  const base = {
    id,
    uid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    organizationId,
    locationId,
    nodeClass,
    nodeRoleId: 1 + (i % 4),
    rolePolicyId: 40 + (i % 4),
    approvalStatus: i % 7 === 3 ? ('PENDING' as const) : ('APPROVED' as const),
    offline: i % 2 === 1,
    created: T0 + i + 0.25,
    lastContact: T0 + 1000 + i + 0.5,
    lastUpdate: T0 + 1000 + i + 0.5,
  };
  switch (nodeClass) {
    case 'WINDOWS_WORKSTATION':
    case 'WINDOWS_SERVER':
    case 'MAC':
    case 'LINUX_SERVER':
      return {
        ...base,
        displayName: name,
        systemName: name,
        dnsName: `${name.toLowerCase()}.corp.local`,
        ...(nodeClass.startsWith('WINDOWS') ? { netbiosName: name } : {}),
        tags: i % 4 === 0 ? ['vip'] : [],
        ipAddresses: ['10.0.0.5', ''],
        macAddresses: ['00:11:22:33:44:55'],
        publicIP: '203.0.113.9',
        notes: [{ text: 'Front desk' }],
        deviceType: 'AgentDevice',
        os: { manufacturer: 'Microsoft Corporation', name: 'Windows 11 Pro', architecture: '64-bit', lastBootTime: T0 + 10.5, buildNumber: '22631', releaseId: '23H2', servicePackMajorVersion: 0, servicePackMinorVersion: 0, locale: 'en-GB', language: 'English', needsReboot: false },
        system: { name, manufacturer: 'Dell Inc.', model: 'Latitude 5440', biosSerialNumber: `BIOS${id}`, serialNumber: `SN${id}`, assetSerialNumber: `ASN${id}`, domain: 'corp.local', domainRole: 'Member Workstation', numberOfProcessors: 1, totalPhysicalMemory: 17179869184, virtualMachine: false, chassisType: 'LAPTOP' },
        memory: { capacity: 17179869184 },
        processors: [{ architecture: 'x64', maxClockSpeed: 2900000000, clockSpeed: 2900000000, name: 'Intel(R) Core(TM) i5', numCores: 4, numLogicalCores: 8 }],
        volumes: [{ name: 'C:', driveLetter: 'C:', label: '', deviceType: 'Local Disk', fileSystem: 'NTFS', autoMount: false, compressed: false, capacity: 255999997952, freeSpace: 127999997952, serialNumber: '18B5F967' }],
        lastLoggedInUser: 'CORP\\jsmith',
      };
    case 'VMWARE_VM_HOST':
      return {
        ...base,
        displayName: '192.168.50.43',
        systemName: `esx${id}.corp.local`,
        dnsName: '192.168.50.43',
        ipAddresses: ['192.168.50.43'],
        macAddresses: ['d0:67:26:cb:03:52', 'd0:67:26:cb:03:52'],
        deviceType: 'VMHost',
        cpuMhz: 2195,
        cpuModel: 'Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz',
        htActive: true,
        htAvailable: true,
        lastBootTime: T0 + 5.5,
        memorySize: 102715461632,
        model: 'ProLiant DL380 Gen10',
        name: `esx${id}.corp.local`,
        cpuCores: 20,
        cpuPackages: 2,
        cpuThreads: 40,
        serviceTag: `SGH${id}`,
        vendor: 'HPE',
        releaseName: 'VMware ESXi 8.0.1 build-21813344',
        version: '8.0.1',
        buildNumber: '21813344',
      };
    case 'VMWARE_VM_GUEST':
      return {
        ...base,
        parentDeviceId: deviceId(i - 1),
        displayName: name,
        deviceType: 'VMGuest',
        files: `[datastore1] ${name}/${name}.vmx`,
        fullName: name,
        lastBootTime: T0 + 7.5,
        memorySize: 8589934592,
        coresPerSocket: 2,
        cpuCores: 4,
        powerState: 'POWERED_ON',
        toolsInstallType: 'guestToolsTypeOpenVMTools',
        toolStatus: 'toolsOk',
        toolsVersion: '12352',
        guestOSFullName: 'Microsoft Windows Server 2022 (64-bit)',
        guestOSFamily: 'windowsGuest',
        guestOSId: 'windows2019srvNext_64Guest',
        toolsVersionStatus: 'guestToolsCurrent',
        snapshotCount: 1,
        snapshotTotalSize: 1073741824,
      };
    case 'APPLE_IOS':
      return {
        ...base,
        displayName: `iPhone ${id}`,
        deviceType: 'MdmDevice',
        system: { displayName: `iPhone ${id}`, name: `iPhone ${id}`, manufacturer: 'Apple', model: 'iPhone 15', serialNumber: `F2L${id}`, build: '18.1' },
        memory: {},
        network: [{ imei: '356938035643809', carrier: 'Vodafone', phoneNumber: null }],
        volumes: [],
      };
    case 'CLOUD_MONITOR_TARGET':
      return { ...base, displayName: 'https://www.example.com', deviceType: 'CloudMonitorHTTP', enabled: true, interval: 300, timeout: 30, target: 'https://www.example.com' };
    case 'NMS_SWITCH':
      return { ...base, parentDeviceId: deviceId(i - 1), displayName: `SW-${id}`, systemName: `SW-${id}`, dnsName: '10.0.0.2', ipAddresses: ['10.0.0.2'], macAddresses: ['aa:bb:cc:dd:ee:ff'], deviceType: 'NMSTarget' };
    case 'UNMANAGED_DEVICE':
      return { ...base, displayName: `Door Controller ${id}`, deviceType: 'UnmanagedDevice' };
  }
}
