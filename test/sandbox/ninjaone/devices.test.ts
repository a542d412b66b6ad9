import { describe, expect, it } from 'vitest';
import type { NinjaDevice } from '../../../src/sandbox/seed.js';
import { call, get, startSim, token } from './helpers.js';
import { buildSeed, deviceId } from './seed-builder.js';

type Row = Record<string, unknown> & { id: number };

/** Base node keys of the seed-builder devices, in output order (uid first, like 2026 captures). */
const BASE = ['id', 'uid', 'organizationId', 'locationId', 'nodeClass', 'nodeRoleId', 'rolePolicyId', 'approvalStatus', 'offline'];
const TIMES = ['created', 'lastContact', 'lastUpdate'];

/** Index in seed-builder's KINDS cycle → the device of that kind. */
const KIND = { workstation: 0, server: 1, vmHost: 4, vmGuest: 5, mdm: 6, cloud: 7, nms: 8, unmanaged: 9 } as const;

/** Paths of every null inside `value`. */
function nullPaths(value: unknown, path = ''): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  return [];
}

async function fetchAll(index: number) {
  const sim = await startSim(buildSeed({ devices: 10 }));
  const bearer = await token(sim);
  const id = deviceId(index);
  const [brief] = await get<Row[]>(sim, bearer, `/v2/devices?df=${encodeURIComponent(`id = ${id}`)}`);
  const [detailed] = await get<Row[]>(sim, bearer, `/v2/devices-detailed?df=${encodeURIComponent(`id = ${id}`)}`);
  const single = await get<Row>(sim, bearer, `/v2/device/${id}`);
  return { sim, bearer, brief: brief!, detailed: detailed!, single };
}

describe('device shapes by deviceType', () => {
  it('AgentDevice: the detailed list has tags, volumes[].nodeId and system.assetSerialNumber; the single read has notes instead', async () => {
    const { brief, detailed, single } = await fetchAll(KIND.workstation);

    expect(Object.keys(brief)).toEqual([...BASE, 'displayName', 'systemName', 'dnsName', 'netbiosName', ...TIMES]);
    expect(Object.keys(detailed)).toEqual([
      ...BASE,
      'displayName',
      'systemName',
      'dnsName',
      'netbiosName',
      ...TIMES,
      'tags',
      'ipAddresses',
      'macAddresses',
      'publicIP',
      'os',
      'system',
      'memory',
      'processors',
      'volumes',
      'lastLoggedInUser',
      'deviceType',
    ]);
    expect(detailed.tags).toEqual(['vip']);
    expect(detailed.volumes).toEqual([expect.objectContaining({ nodeId: deviceId(KIND.workstation), name: 'C:' })]);
    expect(Object.keys((detailed.volumes as Row[])[0]!)[0]).toBe('nodeId');
    expect(detailed.system).toHaveProperty('assetSerialNumber', `ASN${deviceId(KIND.workstation)}`);
    expect(detailed).not.toHaveProperty('notes');

    expect(Object.keys(single)).toEqual([...Object.keys(detailed).filter((k) => k !== 'tags' && k !== 'os' && k !== 'system' && k !== 'memory' && k !== 'processors' && k !== 'volumes' && k !== 'lastLoggedInUser' && k !== 'deviceType'), 'notes', 'os', 'system', 'memory', 'processors', 'volumes', 'lastLoggedInUser', 'deviceType']);
    expect(single).not.toHaveProperty('tags');
    expect(single.system).not.toHaveProperty('assetSerialNumber');
    expect((single.volumes as Row[])[0]).not.toHaveProperty('nodeId');
    expect(single.notes).toEqual([{ text: 'Front desk' }]);
    expect(single.ipAddresses).toEqual(['10.0.0.5', '']);
  });

  it('VMHost: flat host fields, no os or system', async () => {
    const { brief, detailed, single } = await fetchAll(KIND.vmHost);

    const host = ['cpuMhz', 'cpuModel', 'htActive', 'htAvailable', 'lastBootTime', 'memorySize', 'model', 'name', 'cpuCores', 'cpuPackages', 'cpuThreads', 'serviceTag', 'vendor', 'releaseName', 'version', 'buildNumber'];
    expect(Object.keys(brief)).toEqual([...BASE, 'displayName', 'systemName', 'dnsName', ...TIMES]);
    expect(Object.keys(detailed)).toEqual([...BASE, 'displayName', 'systemName', 'dnsName', ...TIMES, 'tags', 'ipAddresses', 'macAddresses', ...host, 'deviceType']);
    expect(detailed.tags).toEqual([]);
    expect(Object.keys(single)).toEqual([...BASE, 'displayName', 'systemName', 'dnsName', ...TIMES, 'ipAddresses', 'macAddresses', ...host, 'deviceType']);
    expect(single.deviceType).toBe('VMHost');
  });

  it('VMGuest: guest fields, parentDeviceId after uid', async () => {
    const { detailed } = await fetchAll(KIND.vmGuest);

    expect(Object.keys(detailed)).toEqual([
      'id',
      'uid',
      'parentDeviceId',
      ...BASE.slice(2),
      'displayName',
      ...TIMES,
      'tags',
      'files',
      'fullName',
      'lastBootTime',
      'memorySize',
      'coresPerSocket',
      'cpuCores',
      'powerState',
      'toolsInstallType',
      'toolStatus',
      'toolsVersion',
      'guestOSFullName',
      'guestOSFamily',
      'guestOSId',
      'toolsVersionStatus',
      'snapshotCount',
      'snapshotTotalSize',
      'deviceType',
    ]);
    expect(detailed.parentDeviceId).toBe(deviceId(KIND.vmHost));
  });

  it('MdmDevice: system, memory (may be {}), network with its observed null phoneNumber, volumes', async () => {
    const { detailed, single } = await fetchAll(KIND.mdm);

    expect(Object.keys(detailed).slice(-5)).toEqual(['system', 'memory', 'network', 'volumes', 'deviceType']);
    expect(detailed.memory).toEqual({});
    expect(detailed.network).toEqual([{ imei: '356938035643809', carrier: 'Vodafone', phoneNumber: null }]);
    expect(single.network).toEqual(detailed.network);
  });

  it('CloudMonitorHTTP: enabled, interval, timeout, target', async () => {
    const { detailed } = await fetchAll(KIND.cloud);

    expect(Object.keys(detailed)).toEqual([...BASE, 'displayName', ...TIMES, 'tags', 'enabled', 'interval', 'timeout', 'target', 'deviceType']);
  });

  it.each([
    ['NMSTarget', KIND.nms, ['id', 'uid', 'parentDeviceId', ...BASE.slice(2), 'displayName', 'systemName', 'dnsName', ...TIMES, 'tags', 'ipAddresses', 'macAddresses', 'deviceType']],
    ['UnmanagedDevice', KIND.unmanaged, [...BASE, 'displayName', ...TIMES, 'tags', 'deviceType']],
  ])('%s: the base node only', async (_type, index, keys) => {
    const { detailed } = await fetchAll(index);

    expect(Object.keys(detailed)).toEqual(keys);
  });

  it('writes only the fields of the device type, omits absent and null top-level values, and passes unknown types and classes through', async () => {
    const seed = buildSeed({ devices: 10 });
    const host = seed.devices.find((d) => d.deviceType === 'VMHost')!;
    host.os = { name: 'not a host field' };
    host.displayName = null as unknown as string;
    seed.devices.push({ id: 5000, organizationId: 1, locationId: 1, nodeClass: 'AOSP', nodeRoleId: 1, rolePolicyId: 1, approvalStatus: 'APPROVED', offline: false, created: 1.5, deviceType: 'FutureDevice', widgets: 3 } as NinjaDevice);
    const sim = await startSim(seed);
    const bearer = await token(sim);

    const hostOut = await get<Row>(sim, bearer, `/v2/device/${host.id}`);
    const future = await get<Row>(sim, bearer, '/v2/device/5000');
    const all = await get<Row[]>(sim, bearer, '/v2/devices-detailed');

    expect(hostOut).not.toHaveProperty('os');
    expect(hostOut).not.toHaveProperty('displayName');
    expect(future).toEqual({ id: 5000, organizationId: 1, locationId: 1, nodeClass: 'AOSP', nodeRoleId: 1, rolePolicyId: 1, approvalStatus: 'APPROVED', offline: false, created: 1.5, widgets: 3, deviceType: 'FutureDevice' });
    // The only null the notes record is MDM network[].phoneNumber (NOTES §0).
    expect(new Set(nullPaths(all).map((p) => p.replace(/\[\d+\]/g, '[]')))).toEqual(new Set(['[].network[].phoneNumber']));
  });

  it('fills references when expand asks for organization and location', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }));
    const bearer = await token(sim);

    const [row] = await get<Row[]>(sim, bearer, '/v2/devices?pageSize=1&expand=organization,location');
    const single = await get<Row>(sim, bearer, `/v2/device/${deviceId(0)}?expand=location`);
    const plain = await get<Row>(sim, bearer, `/v2/device/${deviceId(0)}`);

    expect(row!.references).toEqual({ organization: { name: 'Org 1', nodeApprovalMode: 'AUTOMATIC', id: 1 }, location: { name: 'Main Office', address: '1 High Street', id: 1 } });
    expect(single.references).toEqual({ location: { name: 'Main Office', address: '1 High Street', id: 1 } });
    expect(plain).not.toHaveProperty('references');
  });

  it.each(['/v2/device/99999', '/v2/device/abc', '/v2/device/99999/custom-fields', '/v2/organization/77', '/v2/organization/77/devices'])('answers 404 with the error body for %s', async (path) => {
    const sim = await startSim();
    const bearer = await token(sim);

    const response = await call(sim, bearer, path);

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ resultCode: 'FAILURE', errorMessage: 'HTTP 404 Not Found', incidentId: expect.stringMatching(/^WEB_MGMT_SERVICE-/) });
  });
});

describe('organisation and location shapes', () => {
  it('lists organisations as {name, description?, nodeApprovalMode, id}, description omitted when absent', async () => {
    const sim = await startSim(buildSeed({ organizations: 2 }));
    const bearer = await token(sim);

    const orgs = await get<Row[]>(sim, bearer, '/v2/organizations');

    expect(orgs).toEqual([
      { name: 'Org 1', nodeApprovalMode: 'AUTOMATIC', id: 1 },
      { name: 'Org 2', description: 'Second org', nodeApprovalMode: 'MANUAL', id: 2 },
    ]);
    expect(Object.keys(orgs[1]!)).toEqual(['name', 'description', 'nodeApprovalMode', 'id']);
  });

  it('details an organisation with locations, policies and settings, the same in the list and by id', async () => {
    const sim = await startSim(buildSeed({ organizations: 2 }));
    const bearer = await token(sim);

    const [first] = await get<Row[]>(sim, bearer, '/v2/organizations-detailed');
    const byId = await get<Row>(sim, bearer, '/v2/organization/1');

    expect(byId).toEqual(first);
    expect(Object.keys(byId)).toEqual(['name', 'nodeApprovalMode', 'id', 'locations', 'policies', 'settings']);
    expect(byId.locations).toEqual([
      { name: 'Main Office', address: '1 High Street', id: 1 },
      { name: 'Branch 2', id: 2 },
    ]);
    expect(byId.policies).toEqual([]);
    expect(Object.keys(byId.settings as object)).toEqual(['trayicon', 'splashtop', 'teamviewer', 'backup', 'psa']);
    expect((byId.settings as Record<string, unknown>).psa).toEqual({ product: 'psa', enabled: false, targets: [], options: {} });
  });

  it('lists locations flat with organizationId last', async () => {
    const sim = await startSim(buildSeed({ organizations: 1 }));
    const bearer = await token(sim);

    const locations = await get<Row[]>(sim, bearer, '/v2/locations');

    expect(locations).toEqual([
      { name: 'Main Office', address: '1 High Street', id: 1, organizationId: 1 },
      { name: 'Branch 2', id: 2, organizationId: 1 },
    ]);
  });
});
