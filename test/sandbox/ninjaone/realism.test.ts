/**
 * The realistic demo tenant (src/sandbox/realism/ninjaone.ts) as a client reads it over HTTP: the
 * mess real tenants send is there, in believable proportions, the same on every run.
 */

import { describe, expect, it } from 'vitest';
import { generateDemo, SANDBOX_CREDENTIALS } from '../../../src/sandbox/demo-data.js';
import { createRandom } from '../../../src/sandbox/random.js';
import { applyNinjaRealism } from '../../../src/sandbox/realism/ninjaone.js';
import type { NinjaSeed } from '../../../src/sandbox/seed.js';
import { get, startSim, token } from './helpers.js';

type Row = Record<string, unknown> & { id: number };
type Json = Record<string, unknown>;

interface QueryPage<R> {
  cursor: { name: string; offset: number; count: number; expires: number };
  results: R[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const VMWARE_BIOS = /^VMware-(?:[0-9a-f]{2} ){7}[0-9a-f]{2}-(?:[0-9a-f]{2} ){7}[0-9a-f]{2}$/;
const HYPERV_BIOS = /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}-\d{4}-\d{2}$/;
const SIZE = 1000;

/** The realistic 1,000-device demo, served; every read a client would make, made once. */
async function readDemo() {
  const sim = await startSim(generateDemo({ devices: SIZE }).ninjaone);
  const bearer = await token(sim, SANDBOX_CREDENTIALS.ninjaone);
  const devices = await get<Row[]>(sim, bearer, '/v2/devices-detailed');
  const organizations = await get<Row[]>(sim, bearer, '/v2/organizations');
  const locations = await get<Row[]>(sim, bearer, '/v2/locations');
  const definitions = await get<Json[]>(sim, bearer, '/v2/device-custom-fields?scopes=all');
  const values = await get<QueryPage<{ deviceId: number; fields: Json }>>(sim, bearer, '/v2/queries/custom-fields?pageSize=10000');
  const scoped = await get<QueryPage<{ scope: string; entityId: number; fields: Json }>>(sim, bearer, '/v2/queries/scoped-custom-fields?scopes=organization,location&pageSize=10000');
  const alerts = await get<Json[]>(sim, bearer, '/v2/alerts');
  return { devices, organizations, locations, definitions, values: values.results, scoped: scoped.results, alerts };
}

const share = (part: number, whole: number) => part / whole;
const system = (d: Row) => (d.system ?? {}) as Json;
const optionIds = (definition: Json | undefined) => ((definition?.content as { values?: { id: string; name: string }[] } | undefined)?.values ?? []).map((o) => o.id);

describe('the realistic NinjaOne demo', () => {
  it('is the same for the same seed, keeps every device and never changes its input', () => {
    const clean = generateDemo({ devices: 300, realism: 'clean' }).ninjaone;
    const before = JSON.stringify(clean);

    const a = applyNinjaRealism(clean, createRandom(7));
    const b = applyNinjaRealism(clean, createRandom(7));
    const c = applyNinjaRealism(clean, createRandom(8));

    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    expect(JSON.stringify(clean)).toBe(before);
    expect(a.devices.map((d) => d.id)).toEqual(clean.devices.map((d) => d.id));
    expect(JSON.stringify(generateDemo({ devices: 300 }))).toBe(JSON.stringify(generateDemo({ devices: 300 })));
  });

  it('keeps warrantyEnd as the clean demo had it', () => {
    const clean = generateDemo({ devices: 300, realism: 'clean' }).ninjaone;
    const real = generateDemo({ devices: 300 }).ninjaone;
    const warranty = (seed: NinjaSeed) => Object.entries(seed.customFields).flatMap(([id, v]) => ('warrantyEnd' in v ? [[id, v.warrantyEnd]] : []));

    expect(warranty(real)).toEqual(warranty(clean));
    expect(warranty(real).length).toBeGreaterThan(50);
  });

  it('has VMs with "None" serials and hypervisor BIOS serials, a few percent of agents, one pair of clones sharing a VMware serial', async () => {
    const { devices } = await readDemo();
    const agents = devices.filter((d) => d.deviceType === 'AgentDevice');

    const vms = agents.filter((d) => system(d).virtualMachine === true && system(d).serialNumber === 'None');
    const vmware = vms.filter((d) => VMWARE_BIOS.test(String(system(d).biosSerialNumber)));
    const hyperv = vms.filter((d) => HYPERV_BIOS.test(String(system(d).biosSerialNumber)));
    const vmwareSerials = vmware.map((d) => system(d).biosSerialNumber);

    expect(share(vms.length, agents.length)).toBeGreaterThan(0.02);
    expect(share(vms.length, agents.length)).toBeLessThan(0.12);
    expect(vmware.length + hyperv.length).toBe(vms.length);
    expect(hyperv.length).toBeGreaterThan(0);
    expect(vmware.every((d) => system(d).manufacturer === 'VMware, Inc.' && system(d).model === 'VMware Virtual Platform')).toBe(true);
    expect(hyperv.every((d) => system(d).manufacturer === 'Microsoft Corporation' && system(d).model === 'Virtual Machine')).toBe(true);
    expect(vmwareSerials.length - new Set(vmwareSerials).size).toBe(1);
    expect(new Set(hyperv.map((d) => system(d).biosSerialNumber)).size).toBe(hyperv.length);
    expect(vms.map((d) => d.nodeClass).every((c) => ['WINDOWS_SERVER', 'WINDOWS_WORKSTATION', 'LINUX_SERVER'].includes(c as string))).toBe(true);
  });

  it('has VMware and Hyper-V hosts with service tags, and guests without serials whose parent is a host of their organisation', async () => {
    const { devices } = await readDemo();
    const byId = new Map(devices.map((d) => [d.id, d]));

    const hosts = devices.filter((d) => d.deviceType === 'VMHost');
    const guests = devices.filter((d) => d.deviceType === 'VMGuest');

    expect(new Set(hosts.map((d) => d.nodeClass))).toEqual(new Set(['VMWARE_VM_HOST', 'HYPERV_VMM_HOST']));
    expect(hosts.every((d) => typeof d.serviceTag === 'string' && d.serviceTag !== '' && !('system' in d) && !('os' in d))).toBe(true);
    expect(new Set(guests.map((d) => d.nodeClass))).toEqual(new Set(['VMWARE_VM_GUEST', 'HYPERV_VMM_GUEST']));
    for (const guest of guests) {
      const parent = byId.get(guest.parentDeviceId as number);
      expect([guest.id, parent?.deviceType, parent?.organizationId]).toEqual([guest.id, 'VMHost', guest.organizationId]);
      expect([guest.id, parent?.nodeClass]).toEqual([guest.id, guest.nodeClass === 'VMWARE_VM_GUEST' ? 'VMWARE_VM_HOST' : 'HYPERV_VMM_HOST']);
      expect(JSON.stringify(guest)).not.toMatch(/serial|serviceTag/i);
    }
  });

  it('has cloud monitors with only a systemName, and unmanaged devices that never called in', async () => {
    const { devices } = await readDemo();

    const monitors = devices.filter((d) => d.nodeClass === 'CLOUD_MONITOR_TARGET');
    const unmanaged = devices.filter((d) => d.deviceType === 'UnmanagedDevice');

    expect(new Set(monitors.map((d) => d.deviceType))).toEqual(new Set(['CloudMonitorHTTP', 'CloudMonitorPing']));
    expect(monitors.every((d) => !('displayName' in d) && typeof d.systemName === 'string' && d.systemName !== '')).toBe(true);
    expect(unmanaged.length).toBeGreaterThan(0);
    expect(unmanaged.every((d) => !('lastContact' in d) && !('lastUpdate' in d) && typeof d.displayName === 'string')).toBe(true);
  });

  it('has "" and repeated entries in a few percent of address lists', async () => {
    const { devices } = await readDemo();
    const withIps = devices.filter((d) => Array.isArray(d.ipAddresses));
    const repeats = (list: unknown) => new Set(list as string[]).size < (list as string[]).length;

    const emptyIp = withIps.filter((d) => (d.ipAddresses as string[]).includes('')).length;
    const repeatedIp = withIps.filter((d) => repeats(d.ipAddresses)).length;
    const repeatedMac = devices.filter((d) => d.deviceType !== 'VMHost' && Array.isArray(d.macAddresses) && repeats(d.macAddresses)).length;

    for (const n of [emptyIp, repeatedIp, repeatedMac]) {
      expect(share(n, withIps.length)).toBeGreaterThan(0.01);
      expect(share(n, withIps.length)).toBeLessThan(0.1);
    }
  });

  it('has MDM nulls, one AOSP device, owners, policy overrides and child nodes', async () => {
    const { devices } = await readDemo();
    const mdm = devices.filter((d) => d.deviceType === 'MdmDevice');
    const networks = mdm.flatMap((d) => d.network as Json[]);

    const aosp = devices.filter((d) => d.nodeClass === 'AOSP');
    const owners = devices.filter((d) => 'assignedOwnerUid' in d);
    const policies = devices.filter((d) => 'policyId' in d);
    const children = devices.filter((d) => 'parentDeviceId' in d);

    expect(networks.every((n) => n.phoneNumber === null)).toBe(true);
    expect(networks.some((n) => n.carrier === null)).toBe(true);
    expect(networks.some((n) => typeof n.carrier === 'string')).toBe(true);
    expect(mdm.some((d) => JSON.stringify(d.memory) === '{}')).toBe(true);
    expect(aosp.map((d) => d.deviceType)).toEqual(['MdmDevice']);
    expect(owners.every((d) => UUID.test(d.assignedOwnerUid as string))).toBe(true);
    for (const list of [owners, policies, children]) {
      expect(share(list.length, devices.length)).toBeGreaterThan(0.01);
      expect(share(list.length, devices.length)).toBeLessThan(0.15);
    }
  });

  it('has organisations without a description and locations without an address, never null', async () => {
    const { organizations, locations } = await readDemo();

    expect(organizations.some((o) => !('description' in o))).toBe(true);
    expect(organizations.some((o) => 'description' in o)).toBe(true);
    expect(locations.some((l) => !('address' in l))).toBe(true);
    expect(JSON.stringify([organizations, locations])).not.toContain('null');
  });

  it('defines the custom fields the demo spec maps, with their types, options and scopes', async () => {
    const { definitions } = await readDemo();
    const byName = new Map(definitions.map((d) => [d.name as string, d]));
    const options = (name: string) => ((byName.get(name)?.content as { values: Json[] }).values ?? []).map(({ name: n, active, system: s, id }) => [n, active, s, UUID.test(id as string)]);

    expect([...byName.keys()]).toEqual(expect.arrayContaining(['warrantyEnd', 'supportTier', 'managedServices', 'rackUnits', 'byod', 'purchaseDate', 'contractTier', 'siteContact']));
    expect(Object.fromEntries([...byName].map(([name, d]) => [name, d.type]))).toMatchObject({
      warrantyEnd: 'DATE',
      supportTier: 'DROPDOWN',
      managedServices: 'MULTI_SELECT',
      rackUnits: 'NUMERIC',
      byod: 'CHECKBOX',
      purchaseDate: 'TEXT',
      contractTier: 'DROPDOWN',
      siteContact: 'TEXT',
    });
    expect(options('supportTier')).toEqual([['Bronze', true, false, true], ['Silver', true, false, true], ['Gold', true, false, true]]);
    expect(options('managedServices').map(([n]) => n)).toEqual(['Backup', 'Antivirus', 'Patching', 'Monitoring']);
    expect(options('contractTier').map(([n]) => n)).toEqual(['Essentials', 'Professional', 'Enterprise']);
    expect(byName.get('supportTier')!.definitionScope).toEqual(['NODE', 'LOCATION', 'ORGANIZATION']);
    expect(byName.get('contractTier')!.definitionScope).toEqual(['ORGANIZATION']);
    expect(byName.get('siteContact')!.definitionScope).toEqual(['LOCATION']);
  });

  it('serves device values as real tenants store them: option uuids, both MULTI_SELECT encodings, dates as people type them', async () => {
    const { devices, definitions, values } = await readDemo();
    const definition = (name: string) => definitions.find((d) => d.name === name);
    const of = (name: string) => values.filter((r) => name in r.fields).map((r) => r.fields[name]);
    const tiers = optionIds(definition('supportTier'));
    const services = optionIds(definition('managedServices'));

    const tierValues = of('supportTier');
    const serviceValues = of('managedServices');
    const asArrays = serviceValues.filter(Array.isArray) as string[][];
    const asText = serviceValues.filter((v): v is string => typeof v === 'string');
    const dates = of('purchaseDate') as string[];
    const iso = dates.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
    const typed = dates.filter((d) => /^\d{2}\/\d{2}\/\d{4}$/.test(d));

    expect(share(tierValues.length, devices.length)).toBeGreaterThan(0.02);
    expect(share(tierValues.length, devices.length)).toBeLessThan(0.12);
    expect(tierValues.every((v) => tiers.includes(v as string))).toBe(true);
    expect(asArrays.length).toBeGreaterThan(asText.length);
    expect(asText.length).toBeGreaterThan(0);
    expect(asArrays.flat().every((id) => services.includes(id))).toBe(true);
    expect(asText.flatMap((t) => t.split(',')).every((id) => services.includes(id))).toBe(true);
    expect(of('rackUnits').length).toBeGreaterThan(0);
    expect(of('rackUnits').every((v) => typeof v === 'number')).toBe(true);
    expect(of('byod').length).toBeGreaterThan(0);
    expect(of('byod').every((v) => typeof v === 'boolean')).toBe(true);
    expect(iso.length + typed.length).toBe(dates.length);
    expect(typed.length).toBeGreaterThan(0);
    expect(share(typed.length, dates.length)).toBeLessThan(0.2);
  });

  it('serves organisation and location values: supportTier and contractTier on every organisation, siteContact on most locations', async () => {
    const { organizations, locations, definitions, scoped } = await readDemo();
    const orgRows = new Map(scoped.filter((r) => r.scope === 'ORGANIZATION').map((r) => [r.entityId, r.fields]));
    const locationRows = scoped.filter((r) => r.scope === 'LOCATION');
    const contracts = optionIds(definitions.find((d) => d.name === 'contractTier'));
    const tiers = optionIds(definitions.find((d) => d.name === 'supportTier'));

    expect(organizations.every((o) => tiers.includes(orgRows.get(o.id)?.supportTier as string) && contracts.includes(orgRows.get(o.id)?.contractTier as string))).toBe(true);
    expect(share(locationRows.filter((r) => typeof r.fields.siteContact === 'string').length, locations.length)).toBeGreaterThan(0.6);
    expect(locationRows.some((r) => tiers.includes(r.fields.supportTier as string))).toBe(true);
    expect(locationRows.filter((r) => 'supportTier' in r.fields).length).toBeLessThan(locations.length);
  });

  it('has alerts on a few percent of devices, shaped like the captures: empty subject and sourceName, a conditionName, millisecond dates, bytes and durations', async () => {
    const { devices, alerts } = await readDemo();
    const params = alerts.map((a) => (a.data as { message: { code: string; params: Json } }).message.params);

    expect(share(alerts.length, devices.length)).toBeGreaterThan(0.02);
    expect(share(alerts.length, devices.length)).toBeLessThan(0.06);
    expect(alerts.filter((a) => a.subject === '' && a.sourceName === '').length).toBeGreaterThan(alerts.length / 2);
    expect(alerts.every((a) => typeof a.conditionName === 'string' && (a.conditionName as string).length > 10)).toBe(true);
    expect(alerts.map((a) => a.conditionName)).toContain('Disk C: free space is below 10%');
    expect(alerts.every((a) => typeof (a.data as { message: { code: unknown } }).message.code === 'string' && typeof a.message === 'string')).toBe(true);
    const withDates = params.filter((p) => 'start_date' in p);
    expect(withDates.length).toBeGreaterThan(0);
    expect(withDates.every((p) => Number.isInteger(p.start_date) && (p.start_date as number) > 1e12 && (p.end_date === undefined || (p.end_date as number) > (p.start_date as number)))).toBe(true);
    expect(params.some((p) => Number.isInteger(p.free_space) && Number.isInteger(p.total_space) && (p.total_space as number) > 1e9)).toBe(true);
    expect(params.some((p) => typeof p.duration === 'number')).toBe(true);
  });
});
