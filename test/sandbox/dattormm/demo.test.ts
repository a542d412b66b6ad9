/**
 * The demo account (src/sandbox/dattormm/demo.ts, realism.ts): deterministic, shaped like a small
 * MSP's, messy by default and tidy with `clean` — and the simulator serving it byte-identically
 * for the same seed.
 */

import { describe, expect, it } from 'vitest';
import { generateDemo, PLACEHOLDER_SERIALS } from '../../../src/sandbox/demo-data.js';
import { DATTO_SANDBOX_CREDENTIALS, generateDattoDemo } from '../../../src/sandbox/dattormm/index.js';
import { NO_DATE } from '../../../src/sandbox/dattormm/realism.js';
import type { DattoDevice, DattoSeed } from '../../../src/sandbox/dattormm/seed.js';
import { call, get, startReceiver, startSim, token } from './helpers.js';

type Json = Record<string, unknown>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VMWARE_SERIAL = /^VMware-(?:[0-9a-f]{2} ){7}[0-9a-f]{2}-(?:[0-9a-f]{2} ){7}[0-9a-f]{2}$/;

const serials = (seed: DattoSeed) => Object.values(seed.audits).map((a) => (a.bios as Json | undefined)?.serialNumber);
const agents = (seed: DattoSeed) => seed.devices.filter((d) => d.deviceClass === 'device');

/** What realism adds, counted. */
function oddities(seed: DattoSeed) {
  const site = (kind: string) => seed.sites.find((s) => s.system === kind)!.uid;
  const dates = (d: DattoDevice) => [d.lastSeen, d.lastReboot, d.lastAuditDate, d.creationDate];
  const hostnames = seed.devices.map((d) => d.hostname);
  return {
    sentinelDates: seed.devices.filter((d) => dates(d).includes(NO_DATE)).length,
    nullIps: seed.devices.filter((d) => d.intIpAddress === null).length,
    blankUsers: seed.devices.filter((d) => d.lastLoggedInUser === '').length,
    unknownPatchStatus: seed.devices.filter((d) => d.patchManagement?.patchStatus === 'Unknown').length,
    inManaged: seed.devices.filter((d) => d.siteUid === site('managed')).length,
    inOnDemand: seed.devices.filter((d) => d.siteUid === site('ondemand')).length,
    deleted: seed.devices.filter((d) => d.deleted && d.siteUid === site('deleted-devices')).length,
    duplicateHostnames: hostnames.length - new Set(hostnames).size,
    agentsWithoutAudit: agents(seed).filter((d) => !seed.audits[d.uid]).length,
    nullOrBlankSerials: serials(seed).filter((s) => s === null || s === '').length,
    emptySamples: seed.alerts.filter((a) => a.alertContext['@class'] === 'comp_script_ctx' && Object.keys(a.alertContext.samples as Json).length === 0).length,
    unknownClasses: seed.alerts.filter((a) => a.alertContext['@class'] === 'ransomware_ctx').length,
    autotaskSites: seed.sites.filter((s) => s.autotaskCompanyId !== null).length,
  };
}

describe('generateDattoDemo', () => {
  it('is the same for the same options and differs for another seed', () => {
    const a = JSON.stringify(generateDattoDemo({ seed: 3 }));

    expect(JSON.stringify(generateDattoDemo({ seed: 3 }))).toBe(a);
    expect(JSON.stringify(generateDattoDemo({ seed: 4 }))).not.toBe(a);
    expect(JSON.stringify(generateDattoDemo({ seed: 3, realism: 'clean' }))).toBe(JSON.stringify(generateDattoDemo({ seed: 3, realism: 'clean' })));
  });

  it('names its customer sites like the NinjaOne demo\'s organisations, after the three system sites', () => {
    const demo = generateDattoDemo();
    const ninja = generateDemo({ devices: 10 }).ninjaone.organizations.map((o) => o.name);

    expect(demo.sites.slice(0, 3).map((s) => [s.name, s.system])).toEqual([['Managed', 'managed'], ['OnDemand', 'ondemand'], ['Deleted Devices', 'deleted-devices']]);
    expect(demo.sites.slice(3, 9).map((s) => s.name)).toEqual(ninja.slice(0, 6));
    expect(demo.sites[1]!.onDemand).toBe(true);
    expect(demo.sites[2]!.uid).toBe(`${demo.account.uid}-00000000`);
    expect(demo.sites[2]!.uid).not.toMatch(GUID);
    for (const site of [...demo.sites.slice(0, 2), ...demo.sites.slice(3)]) expect(site.uid).toMatch(GUID);
  });

  it('grows sites with the fleet and keeps ids and uids unique', () => {
    const demo = generateDattoDemo({ devices: 1000 });

    expect(demo.devices).toHaveLength(1000);
    expect(demo.sites.filter((s) => !s.system)).toHaveLength(25);
    expect(new Set(demo.sites.map((s) => s.name)).size).toBe(demo.sites.length);
    expect(new Set(demo.devices.map((d) => d.id)).size).toBe(1000);
    expect(new Set(demo.devices.map((d) => d.uid)).size).toBe(1000);
  });

  it('has every device class, desktops, laptops and servers, epoch-ms dates and the sandbox API user', () => {
    const demo = generateDattoDemo({ devices: 300, realism: 'clean' });

    expect(new Set(demo.devices.map((d) => d.deviceClass))).toEqual(new Set(['device', 'printer', 'esxihost', 'rmmnetworkdevice']));
    expect(new Set(agents(demo).map((d) => d.deviceType?.category))).toEqual(new Set(['Desktop', 'Laptop', 'Server']));
    expect(demo.devices.every((d) => typeof d.creationDate === 'number' && d.creationDate > 1.6e12)).toBe(true);
    expect(demo.apiUsers).toEqual([DATTO_SANDBOX_CREDENTIALS]);
  });

  it('has the serial traps in every realism: BIOS placeholders and VMware serials, two of them one clone\'s', () => {
    for (const realism of ['clean', 'real'] as const) {
      const all = serials(generateDattoDemo({ devices: 120, realism }));
      const vmware = all.filter((s): s is string => typeof s === 'string' && VMWARE_SERIAL.test(s));

      expect(PLACEHOLDER_SERIALS.every((p) => all.includes(p))).toBe(true);
      expect(vmware).toHaveLength(3);
      expect(new Set(vmware).size).toBe(2);
    }
  });

  it('raises open and resolved alerts with real @class contexts', () => {
    const demo = generateDattoDemo({ realism: 'clean' });
    const open = demo.alerts.filter((a) => !a.resolved);
    const classes = new Set(demo.alerts.map((a) => a.alertContext['@class']));

    expect(open.length).toBeGreaterThanOrEqual(5);
    expect(demo.alerts.some((a) => a.resolved && a.resolvedOn! > a.timestamp)).toBe(true);
    for (const c of classes) expect(['comp_script_ctx', 'online_offline_status_ctx', 'eventlog_ctx', 'perf_disk_usage_ctx', 'perf_resource_usage_ctx', 'srvc_status_ctx', 'patch_ctx', 'antivirus_ctx']).toContain(c);
    expect(classes.size).toBeGreaterThanOrEqual(5);
  });

  it('is messy by default: sentinel dates, nulls, an unknown enum value, devices in the system sites, and more', () => {
    const real = oddities(generateDattoDemo());

    expect(real.sentinelDates).toBeGreaterThanOrEqual(2);
    expect(real.nullIps).toBeGreaterThan(0);
    expect(real.blankUsers).toBeGreaterThan(0);
    expect(real.unknownPatchStatus).toBe(1);
    expect(real.inManaged).toBe(2);
    expect(real.inOnDemand).toBe(1);
    expect(real.deleted).toBe(2);
    expect(real.duplicateHostnames).toBe(1);
    expect(real.agentsWithoutAudit).toBe(1);
    expect(real.emptySamples).toBe(1);
    expect(real.unknownClasses).toBe(1);
    expect(real.autotaskSites).toBe(3);
  });

  it('is tidy with realism "clean": none of that', () => {
    expect(oddities(generateDattoDemo({ realism: 'clean' }))).toEqual({
      sentinelDates: 0,
      nullIps: 0,
      blankUsers: 0,
      unknownPatchStatus: 0,
      inManaged: 0,
      inOnDemand: 0,
      deleted: 0,
      duplicateHostnames: 0,
      agentsWithoutAudit: 0,
      nullOrBlankSerials: 0,
      emptySamples: 0,
      unknownClasses: 0,
      autotaskSites: 0,
    });
  });

  it('is served over HTTP as generated: the deleted devices in the account list, the sentinel as a number', async () => {
    const sim = await startSim(generateDattoDemo());
    const bearer = await token(sim, DATTO_SANDBOX_CREDENTIALS);

    const devices = await get<{ pageDetails: Json; devices: Json[] }>(sim, bearer, '/api/v2/account/devices');
    const deletedSite = (await get<{ sites: Json[] }>(sim, bearer, '/api/v2/account/sites')).sites.find((s) => s.name === 'Deleted Devices')!;
    const inBin = await get<{ devices: Json[] }>(sim, bearer, `/api/v2/site/${deletedSite.uid as string}/devices`);

    expect(devices.pageDetails).toMatchObject({ count: 120, totalCount: 120 });
    expect(devices.devices.filter((d) => d.deleted === true)).toHaveLength(2);
    expect(devices.devices.some((d) => d.lastReboot === NO_DATE)).toBe(true);
    expect(inBin.devices.map((d) => d.deleted)).toEqual([true, true]);
  });
});

describe('determinism of the simulator', () => {
  /** One fixed script of requests against the demo; every body as text. */
  async function transcript() {
    const sim = await startSim(generateDattoDemo({ devices: 60 }), { seed: 42 });
    const receiver = await startReceiver();
    const texts: string[] = [];
    const form = new URLSearchParams({ grant_type: 'password', username: DATTO_SANDBOX_CREDENTIALS.key, password: DATTO_SANDBOX_CREDENTIALS.secret });
    const tokenText = await (await fetch(`${sim.url}/auth/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('public-client:public').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form })).text();
    texts.push(tokenText);
    const bearer = (JSON.parse(tokenText) as { access_token: string }).access_token;
    sim.control.setWebhook({ url: receiver.url, alertTemplate: '{"uid": "[alert_uid]", "host": "[device_hostname]", "msg": "[alert_message]"}' });
    const devices = await get<{ devices: Json[] }>(sim, bearer, '/api/v2/account/devices?max=20');
    texts.push(JSON.stringify(devices).replaceAll(sim.url, 'URL'));
    const uid = devices.devices[0]!.uid as string;
    sim.control.triggerAlert({ deviceUid: uid });
    await sim.control.flushWebhooks();
    const created = await call(sim, bearer, '/api/v2/site', { method: 'PUT', body: { name: 'Determinism Ltd' } });
    texts.push(created.text);
    for (const path of ['/api/v2/account', '/api/v2/account/sites', `/api/v2/device/${uid}`, `/api/v2/audit/device/${uid}`, '/api/v2/account/alerts/open', '/api/v2/account/alerts/resolved', '/api/v2/device/nope']) {
      texts.push((await call(sim, bearer, path)).text.replaceAll(sim.url, 'URL').replaceAll(receiver.url, 'RECEIVER'));
    }
    texts.push(...receiver.received.map((r) => r.text));
    return texts;
  }

  it('gives byte-identical answers and webhooks for the same seed and requests', async () => {
    const first = await transcript();
    const second = await transcript();

    expect(first).toHaveLength(11);
    expect(second).toEqual(first);
  });
});
