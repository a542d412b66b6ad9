/**
 * serve's sync controller against the demo sandbox: a real serve keeps Halo converged with no
 * apply — a device added, moved or deleted in NinjaOne reaches Halo; a cycle with nothing to do
 * costs no Halo request; an asset edited by hand since the cache was filled is re-planned from
 * Halo's copy, not overwritten from the stale one; a resync finds drift made behind its back.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/config/load.js';
import type { Spec } from '../../src/config/spec.js';
import { silentLogger, systemClock } from '../../src/http/index.js';
import { LANES, RateLimiter } from '../../src/http/rate-limiter.js';
import { generateDemo } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startServe, type ServeHandle } from '../../src/serve/start.js';
import { NinjaOneClient } from '../../src/rmm/ninjaone/client.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

const SECRET = 'serve-sync-secret-0123456789abcdef';

let sandbox: Sandbox;
let serve: ServeHandle | undefined;
let dir: string;

beforeEach(async () => {
  sandbox = await startSandbox({ data: generateDemo({ devices: 60 }) });
  dir = mkdtempSync(join(tmpdir(), 'haloform-serve-sync-'));
  writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace('    tenant: demo\n', '    tenant: demo\n    rateLimit: false\n'));
  const applied = await cli(['apply', '-c', 'spec.yaml', '--auto-approve'], { cwd: dir, env: demoEnv(sandbox) });
  expect(applied.code, applied.stderr).toBe(0);
});

afterEach(async () => {
  await serve?.stop({ graceMs: 100 });
  serve = undefined;
  await sandbox.stop();
});

async function startSyncingServe(): Promise<ServeHandle> {
  const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
  if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => d.detail).join('\n'));
  const spec = loaded.spec as Spec;
  serve = await startServe({ spec, loaded: { ...loaded, spec }, sync: 'manual', poller: 'off', store: 'sqlite::memory:', port: 0, secrets: [SECRET], logger: silentLogger });
  return serve;
}

const assetOf = (deviceId: number) => sandbox.halo.control.state().assets.find((a) => a.ninjarmm_id === deviceId);

describe('serve keeps Halo converged (sync)', () => {
  it('creates, moves and deactivates assets with no apply; a cycle with nothing to do costs no Halo request', async () => {
    const s = await startSyncingServe();
    const first = await s.sync();
    expect(first).toMatchObject({ resynced: true, applied: { created: 0, adopted: 0, updated: 0, deactivated: 0 }, held: [], failed: [] });
    expect(first!.error).toBeUndefined();

    const idle = await s.sync();
    expect(idle).toMatchObject({ resynced: false, haloRequests: 0 });

    const devices = sandbox.data.ninjaone.devices;
    const neighbour = devices.find((d) => d.organizationId !== devices[1]!.organizationId)!;
    const added = sandbox.ninjaone.control.addDevice({ organizationId: devices[0]!.organizationId, locationId: devices[0]!.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'SERVE-SYNC-01' });
    sandbox.ninjaone.control.updateDevice(devices[1]!.id, { organizationId: neighbour.organizationId, locationId: neighbour.locationId });
    sandbox.ninjaone.control.deleteDevice(devices[2]!.id);

    const busy = await s.sync();
    expect(busy).toMatchObject({ resynced: false, applied: { created: 1, updated: 1, deactivated: 1 }, held: [], failed: [] });
    expect(assetOf(added.id)).toMatchObject({ inventory_number: 'SERVE-SYNC-01', site_id: assetOf(devices[0]!.id)!.site_id });
    expect(assetOf(devices[1]!.id)).toMatchObject({ site_id: assetOf(neighbour.id)!.site_id });
    expect(assetOf(devices[2]!.id)).toMatchObject({ inactive: true });

    // What it wrote is in its cache: the next cycle finds nothing to do, and asks Halo nothing.
    const after = await s.sync();
    expect(after).toMatchObject({ haloRequests: 0, applied: { created: 0, updated: 0, deactivated: 0 } });
    const plan = await cli(['plan', '-c', 'spec.yaml', '--detailed-exitcode'], { cwd: dir, env: demoEnv(sandbox) });
    expect(plan.code, plan.stdout.slice(-1500)).toBe(0);
  });

  it('never takes a device NinjaOne sent without its id for a deleted one: its webhook reads NinjaOne whole, and nothing is deactivated', async () => {
    const s = await startSyncingServe();
    await s.sync();
    await pointLifecycleWebhookAt(s);
    const device = sandbox.data.ninjaone.devices[11]!;
    const wholeReads = () => sandbox.ninjaone.server.requests().filter((r) => r.path === '/v2/devices-detailed').length;
    const readsBefore = wholeReads();
    // From now on NinjaOne sends this device's row without its id, in every read of it.
    sandbox.ninjaone.control.overlays.add({ list: 'devices', id: device.id, field: 'id', op: { drop: true } });

    sandbox.ninjaone.control.updateDevice(device.id, { displayName: 'RENAMED-WITHOUT-ID' });
    await sandbox.ninjaone.control.flushWebhooks();
    await until(() => s.lastSyncCycle()?.trigger === 'webhook');

    expect(wholeReads()).toBeGreaterThan(readsBefore);
    expect(s.lastSyncCycle()).toMatchObject({ applied: { deactivated: 0 }, failed: [] });
    expect(assetOf(device.id)).toMatchObject({ inactive: false });
  });

  it('on its own (sync: auto) catches at start what changed while it was down, a new organisation included', async () => {
    const devices = sandbox.data.ninjaone.devices;
    const whileDown = sandbox.ninjaone.control.addDevice({ organizationId: devices[0]!.organizationId, locationId: devices[0]!.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'WHILE-DOWN-01' });
    const org = sandbox.ninjaone.control.addOrganization({ name: 'Opened While Down Ltd' });
    const location = sandbox.ninjaone.control.addLocation({ organizationId: org.id, name: 'Head Office' });
    const newcomer = sandbox.ninjaone.control.addDevice({ organizationId: org.id, locationId: location.id, nodeClass: 'WINDOWS_SERVER', displayName: 'OWD-SRV01' });
    const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
    const spec = loaded.spec as Spec;

    serve = await startServe({ spec, loaded: { ...loaded, spec }, poller: 'off', store: 'sqlite::memory:', port: 0, secrets: [SECRET], logger: silentLogger });

    // The cycle's report exists once it has finished (its writes reach Halo before that).
    await until(() => serve!.lastSyncCycle()?.trigger === 'start', 10_000);
    expect(serve.lastSyncCycle()).toMatchObject({ trigger: 'start', applied: { created: 4 } });
    expect(assetOf(whileDown.id)).toBeDefined();
    const client = sandbox.halo.control.state().clients.find((c) => c.name === 'Opened While Down Ltd');
    expect(assetOf(newcomer.id)).toMatchObject({ client_id: client!.id });
  });

  it('shares Halo’s budget with alert tickets (its requests queued behind theirs): an alert during a cycle gets its ticket before the cycle ends, with no 429', async () => {
    // 5 requests a second, for Halo and for haloform: a full read is a queue of requests.
    sandbox.halo.control.setRateLimit({ requests: 5, perSeconds: 1 });
    writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('    rateLimit: false\n', '    rateLimit: { requests: 5, perSeconds: 1 }\n'));
    const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
    const spec = loaded.spec as Spec;
    serve = await startServe({ spec, loaded: { ...loaded, spec }, sync: 'manual', poller: 'off', store: 'sqlite::memory:', port: 0, secrets: [SECRET], logger: silentLogger });
    await serve.idle();
    const ninja = new NinjaOneClient(spec.connections.ninjaone, { maxAttempts: 1 });
    await ninja.registerWebhook({ url: `${serve.url}/ninjaone/webhook`, header: 'Authorization', secret: SECRET });
    await ninja.close();

    const cycle = serve.sync();
    await new Promise((r) => setTimeout(r, 300));
    const { alert } = sandbox.ninjaone.control.triggerAlert({ deviceId: sandbox.data.ninjaone.devices[0]!.id });
    await sandbox.ninjaone.control.flushWebhooks();
    await until(async () => (await serve!.store.listDeliveries({ status: 'done' })).some((d) => d.seriesKey === alert.uid), 30_000);
    const ticketAt = Date.now();
    const report = (await cycle)!;

    expect(report.error).toBeUndefined();
    expect(report.haloRequests).toBeGreaterThan(15);
    expect(ticketAt).toBeLessThan(report.startedAt + report.durationMs);
    expect(sandbox.halo.server.requests().filter((r) => r.status === 429)).toEqual([]);
  }, 60_000);

  it('queues its whole reads of Halo behind its per-device work, and both behind alert tickets (three lanes)', async () => {
    // A limiter that notes the lane of every request it lets through.
    class NotingLimiter extends RateLimiter {
      lanes: number[] = [];
      override acquire(signal?: AbortSignal, priority = 0) {
        this.lanes.push(priority);
        return super.acquire(signal, priority);
      }
    }
    const limiter = new NotingLimiter({ requests: 100_000, perSeconds: 1 }, systemClock);
    const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
    const spec = loaded.spec as Spec;
    serve = await startServe({ spec, loaded: { ...loaded, spec }, sync: 'manual', poller: 'off', store: 'sqlite::memory:', port: 0, secrets: [SECRET], logger: silentLogger, halo: { limiter } });
    const ninja = new NinjaOneClient(spec.connections.ninjaone, { maxAttempts: 1 });
    await ninja.registerWebhook({ url: `${serve.url}/ninjaone/webhook`, header: 'Authorization', secret: SECRET });
    await ninja.close();
    await serve.idle();

    limiter.lanes = [];
    const first = (await serve.sync())!;
    expect(first.resynced).toBe(true);
    expect(new Set(limiter.lanes)).toEqual(new Set([LANES.resync]));
    expect(limiter.lanes.length).toBe(first.haloRequests);

    const device = sandbox.data.ninjaone.devices[0]!;
    sandbox.ninjaone.control.addDevice({ organizationId: device.organizationId, locationId: device.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'LANES-01' });
    limiter.lanes = [];
    expect(await serve.sync()).toMatchObject({ resynced: false, applied: { created: 1 } });
    expect(new Set(limiter.lanes)).toEqual(new Set([LANES.sync]));

    limiter.lanes = [];
    const { alert } = sandbox.ninjaone.control.triggerAlert({ deviceId: device.id });
    await sandbox.ninjaone.control.flushWebhooks();
    await until(async () => (await serve!.store.listDeliveries({ status: 'done' })).some((d) => d.seriesKey === alert.uid), 30_000);
    expect(limiter.lanes.length).toBeGreaterThan(0);
    expect(new Set(limiter.lanes)).toEqual(new Set([LANES.alerts]));
  });

  it('re-plans an asset edited in Halo since the cache was filled instead of writing the stale plan', async () => {
    const s = await startSyncingServe();
    await s.sync();
    const device = sandbox.data.ninjaone.devices.find((d) => d.nodeClass === 'WINDOWS_WORKSTATION' && assetOf(d.id) !== undefined)!;
    const asset = assetOf(device.id)!;
    // A technician types the IP address (a field haloform does not map) into the asset in Halo...
    sandbox.halo.control.patch('assets', asset.id, { fields: [...asset.fields.filter((f) => f.id !== 104), { id: 104, value: '10.20.30.40' }] });
    // ...and NinjaOne reports a new model, which the spec maps.
    const system = (device.system ?? {}) as Record<string, unknown>;
    sandbox.ninjaone.control.updateDevice(device.id, { system: { ...system, model: 'Latitude 7450' } });

    const cycle = await s.sync();
    expect(cycle).toMatchObject({ replanned: 1, applied: { updated: 1 }, failed: [] });
    // Halo replaces an asset's fields whole: from the stale cached copy the IP address would be lost.
    const fields = new Map(assetOf(device.id)!.fields.map((f) => [f.id, f.value]));
    expect(fields.get(104)).toBe('10.20.30.40');
    expect(fields.get(102)).toBe('Latitude 7450');
  });

  it('never makes a second asset for a device something else gave one since the cache was filled (an apply from CI, say)', async () => {
    const s = await startSyncingServe();
    await s.sync();
    const device = sandbox.data.ninjaone.devices[0]!;
    const add = (name: string) => sandbox.ninjaone.control.addDevice({ organizationId: device.organizationId, locationId: device.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: name });
    const assetsFor = (id: number) => sandbox.halo.control.state().assets.filter((a) => a.ninjarmm_id === id);
    const applyElsewhere = async () => expect((await cli(['apply', '-c', 'spec.yaml', '--auto-approve'], { cwd: dir, env: demoEnv(sandbox) })).code).toBe(0);

    // One: looked for by the asset tag its create would write.
    const one = add('ELSEWHERE-01');
    await applyElsewhere();
    expect(assetsFor(one.id)).toHaveLength(1);
    expect(await s.sync()).toMatchObject({ replanned: 1, applied: { created: 0 } });
    expect(assetsFor(one.id)).toHaveLength(1);

    // Many at once: looked for through their type's list.
    const many = Array.from({ length: 101 }, (_, i) => add(`ELSEWHERE-BULK-${i}`));
    await applyElsewhere();
    expect(await s.sync()).toMatchObject({ replanned: 101, applied: { created: 0 } });
    for (const d of many) expect(assetsFor(d.id)).toHaveLength(1);
    expect(await s.sync()).toMatchObject({ haloRequests: 0, replanned: 0 });
  }, 60_000);

  it('reads device custom fields again only where they changed since its last read (updatedAfter), and all of them after a reload', async () => {
    const s = await startSyncingServe();
    await s.sync();
    const queries = () => sandbox.ninjaone.server.requests().filter((r) => r.path === '/v2/queries/custom-fields');
    const asked = queries().length;
    const device = sandbox.data.ninjaone.devices.find((d) => d.deviceType === 'AgentDevice' && assetOf(d.id))!;
    const warrantyEnd = Date.UTC(2031, 4, 17) / 1000;
    sandbox.ninjaone.control.setDeviceCustomFields(device.id, { warrantyEnd });

    expect(await s.sync()).toMatchObject({ applied: { updated: 1 }, failed: [] });
    expect(assetOf(device.id)).toMatchObject({ warranty_end: expect.stringMatching(/^2031-05-17/) });
    const incremental = queries().slice(asked);
    expect(incremental.length).toBeGreaterThan(0);
    expect(incremental.every((r) => /(^|&)updatedAfter=\d+/.test(r.query))).toBe(true);
    // Values changed before the last read are not asked for again, yet still planned from: nothing to do.
    expect(await s.sync()).toMatchObject({ haloRequests: 0, applied: { updated: 0 } });

    // A new spec may map other fields: after a reload every value is read again.
    writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('sync:\n  everyMinutes: 15', 'sync:\n  everyMinutes: 14'));
    expect(await s.reload(loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' }))).toMatchObject({ ok: true, changed: true });
    const beforeReload = queries().length;
    expect(await s.sync()).toMatchObject({ resynced: true, applied: { updated: 0 } });
    const all = queries().slice(beforeReload);
    expect(all.length).toBeGreaterThan(0);
    expect(all.some((r) => r.query.includes('updatedAfter'))).toBe(false);
  });

  it('finds drift made behind its back at the resync', async () => {
    let clock = Date.now();
    const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
    const spec = loaded.spec as Spec;
    serve = await startServe({ spec, loaded: { ...loaded, spec }, sync: 'manual', poller: 'off', store: 'sqlite::memory:', port: 0, secrets: [SECRET], logger: silentLogger, clock: { now: () => clock, sleep: (ms, signal) => systemClock.sleep(ms, signal) } });
    await serve.sync();
    const asset = assetOf(sandbox.data.ninjaone.devices[6]!.id)!;
    sandbox.halo.control.patch('assets', asset.id, { notes: 'edited behind haloform' });
    clock += 25 * 3_600_000;

    const cycle = await serve.sync();
    expect(cycle).toMatchObject({ resynced: true, drift: 1 });
  });

  it('a lifecycle webhook brings a new device to Halo within moments; a dropped one is caught by the backstop', async () => {
    const s = await startSyncingServe();
    await s.sync();
    // apply registered the webhook (lifecycle activities too, as the spec has sync:) at the demo's public URL; point it here.
    expect(sandbox.ninjaone.control.webhooks()[0]!.activities).toEqual({
      statusCode: ['TRIGGERED', 'RESET', 'NODE_CREATED', 'NODE_UPDATED', 'NODE_DELETED', 'CLIENT_CREATED', 'CLIENT_UPDATED', 'CLIENT_DELETED', 'LOCATION_CREATED', 'LOCATION_UPDATED', 'LOCATION_DELETED'],
    });
    await pointLifecycleWebhookAt(s);
    expect(await s.syncBackstop()).toBeUndefined(); // learns where the activity log ends

    const devices = sandbox.data.ninjaone.devices;
    const wholeReads = () => sandbox.ninjaone.server.requests().filter((r) => r.path === '/v2/devices-detailed').length;
    const readsBefore = wholeReads();
    const viaWebhook = sandbox.ninjaone.control.addDevice({ organizationId: devices[0]!.organizationId, locationId: devices[0]!.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'WEBHOOK-01' });
    await sandbox.ninjaone.control.flushWebhooks();
    await until(() => s.lastSyncCycle()?.trigger === 'webhook');
    expect(s.lastSyncCycle()).toMatchObject({ trigger: 'webhook', applied: { created: 1 } });
    expect(assetOf(viaWebhook.id)).toMatchObject({ inventory_number: 'WEBHOOK-01', site_id: assetOf(devices[0]!.id)!.site_id });
    // Only that device was read from NinjaOne, not every device.
    expect(wholeReads()).toBe(readsBefore);
    expect(sandbox.ninjaone.server.requests().some((r) => r.path === `/v2/device/${viaWebhook.id}`)).toBe(true);

    // Deleted in NinjaOne: its webhook deactivates the asset, the same way.
    sandbox.ninjaone.control.deleteDevice(viaWebhook.id);
    await sandbox.ninjaone.control.flushWebhooks();
    await until(() => assetOf(viaWebhook.id)?.inactive === true && s.lastSyncCycle()?.applied.deactivated === 1);
    expect(wholeReads()).toBe(readsBefore);
    // The backstop finds that activity too, but a webhook already brought it: no second cycle.
    expect(await s.syncBackstop()).toBeUndefined();

    sandbox.ninjaone.control.setWebhookDelivery({ dropRate: 1 });
    const dropped = sandbox.ninjaone.control.addDevice({ organizationId: devices[0]!.organizationId, locationId: devices[0]!.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'DROPPED-01' });
    await sandbox.ninjaone.control.flushWebhooks();
    expect(assetOf(dropped.id)).toBeUndefined();
    const caught = await s.syncBackstop();
    expect(caught).toMatchObject({ trigger: 'backstop', applied: { created: 1 } });
    expect(assetOf(dropped.id)).toMatchObject({ inventory_number: 'DROPPED-01' });
  });

  it('an organisation added in NinjaOne becomes a client through its lifecycle webhook (NinjaOne read whole); a dropped one is caught by the backstop', async () => {
    const s = await startSyncingServe();
    await s.sync();
    await pointLifecycleWebhookAt(s);
    expect(await s.syncBackstop()).toBeUndefined();
    const clientNamed = (name: string) => sandbox.halo.control.state().clients.find((c) => c.name === name);

    const org = sandbox.ninjaone.control.addOrganization({ name: 'Lifecycle Webhook Ltd' });
    await sandbox.ninjaone.control.flushWebhooks();
    expect(sandbox.ninjaone.control.webhookDeliveries().at(-1)).toMatchObject({ outcome: 'delivered' });
    await until(() => s.lastSyncCycle()?.trigger === 'webhook');
    expect(s.lastSyncCycle()).toMatchObject({ trigger: 'webhook', appliedByKind: { 'client.create': 1 } });
    expect(clientNamed('Lifecycle Webhook Ltd')).toMatchObject({ ninjarmmid: org.id });
    // Its webhook was taken: the backstop starts no cycle of its own for it.
    expect(await s.syncBackstop()).toBeUndefined();

    sandbox.ninjaone.control.setWebhookDelivery({ dropRate: 1 });
    const quiet = sandbox.ninjaone.control.addOrganization({ name: 'Dropped Webhook Ltd' });
    await sandbox.ninjaone.control.flushWebhooks();
    expect(clientNamed('Dropped Webhook Ltd')).toBeUndefined();
    expect(await s.syncBackstop()).toMatchObject({ trigger: 'backstop', appliedByKind: { 'client.create': 1 } });
    expect(clientNamed('Dropped Webhook Ltd')).toMatchObject({ ninjarmmid: quiet.id });
  });
});

describe('haloform sync status and the sync metrics', () => {
  it('shows the cache, the last cycle of each trigger and the held changes from the store serve uses', async () => {
    writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('sync:\n  everyMinutes: 15', 'sync:\n  autoApply: [asset.create]'));
    const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
    const spec = loaded.spec as Spec;
    const store = `sqlite:${join(dir, 'sync.db')}`;
    serve = await startServe({ spec, loaded: { ...loaded, spec }, sync: 'manual', poller: 'off', store, createStore: true, port: 0, secrets: [SECRET], logger: silentLogger });
    const gone = sandbox.data.ninjaone.devices[9]!;
    sandbox.ninjaone.control.deleteDevice(gone.id);
    await serve.sync();

    const text = await cli(['sync', 'status', '--store', store], { cwd: dir });
    const json = await cli(['sync', 'status', '--store', store, '--format', 'json'], { cwd: dir });

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Sync status in sqlite:.*sync\.db, saved \d+s ago by /);
    expect(text.stdout).toMatch(/  cache {5}\d+ assets, \d+ clients, \d+ sites; Halo read whole \d+s ago/);
    expect(text.stdout).toMatch(/    manual {4}\d+s ago, \d+\.\d s, \d+ Halo requests \(read Halo whole\): 0 created, 0 adopted, 0 updated, 0 deactivated; 1 held/);
    expect(text.stdout).toContain('    webhook   never');
    expect(text.stdout).toContain('  held      1 change wait for a reviewed apply:\n    asset.deactivate is not in sync.autoApply: it waits for a reviewed apply:\n      deactivate asset["ninja:');
    expect(JSON.parse(json.stdout)).toMatchObject({ heldTotal: 1, held: [{ address: `asset["ninja:${gone.id}"]` }], lastByTrigger: { manual: { held: 1, resynced: true } } });

    const metrics = await serve.metrics.text();
    expect(metrics).toMatch(/haloform_sync_cycle_duration_seconds_count\{trigger="manual"\} 1/);
    expect(metrics).toMatch(/haloform_sync_held_changes 1/);
    expect(metrics).toMatch(/haloform_sync_cache_objects\{kind="assets"\} \d+/);
    expect(metrics).toMatch(/haloform_sync_halo_requests_total\{trigger="manual"\} \d+/);
  });

  it('says when the store holds no sync status, and refuses markdown', async () => {
    const store = `sqlite:${join(dir, 'empty.db')}`;
    serve = await startServe({ spec: (await loadedSpec()), store, createStore: true, port: 0, secrets: [SECRET], logger: silentLogger, poller: 'off' });
    await serve.stop({ graceMs: 100 });
    serve = undefined;
    const none = await cli(['sync', 'status', '--store', store], { cwd: dir });
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).toMatch(/^No sync status in sqlite:.*empty\.db: no serve with a sync: spec has run a cycle with this store yet\.\n$/);
    const md = await cli(['sync', 'status', '--store', store, '--format', 'markdown'], { cwd: dir });
    expect(md).toMatchObject({ code: 1 });
    expect(md.stderr).toContain('sync status prints text or json');

    const damaged = openSqliteStore(join(dir, 'empty.db'));
    await damaged.setMeta('sync:status', '{"updatedAt": "not a status');
    await damaged.close();
    const unreadable = await cli(['sync', 'status', '--store', store], { cwd: dir });
    expect(unreadable).toMatchObject({ code: 1, stdout: '' });
    expect(unreadable.stderr).toMatch(/^Error: the sync status in sqlite:.*empty\.db is not readable; serve writes it again after its next cycle\.\n$/);
  });
});

describe('spec reload', () => {
  const specPath = () => join(dir, 'spec.yaml');
  const reloadable = async (extra: Partial<Parameters<typeof startServe>[0]> = {}) => {
    const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
    const spec = loaded.spec as Spec;
    serve = await startServe({
      spec,
      loaded: { ...loaded, spec },
      sync: 'manual',
      poller: 'off',
      store: 'sqlite::memory:',
      port: 0,
      secrets: [SECRET],
      logger: silentLogger,
      readSpec: () => loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' }),
      ...extra,
    });
    await serve.sync();
    return serve;
  };
  const edit = (change: (text: string) => string) => writeFileSync(specPath(), change(readFileSync(specPath(), 'utf8')));

  it('takes a valid new spec without a restart, and refuses an invalid one, keeping the old one working', async () => {
    const s = await reloadable();
    const devices = sandbox.data.ninjaone.devices;

    edit((t) => t.replace('sync:\n  everyMinutes: 15', 'sync:\n  everyMinutes: 15\n  autoApply: [asset.create]'));
    expect(await s.reload()).toMatchObject({ ok: true, changed: true });
    sandbox.ninjaone.control.deleteDevice(devices[7]!.id);
    const held = await s.sync();
    expect(held).toMatchObject({ applied: { deactivated: 0 }, held: [{ address: `asset["ninja:${devices[7]!.id}"]`, action: 'deactivate' }] });

    writeFileSync(specPath(), `${readFileSync(specPath(), 'utf8')}\n  oops: [unclosed\n`);
    const refused = await s.reload();
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/^the new spec has (an error|\d+ errors) \(first: /);
    // The running spec (asset.create only) still works.
    const added = sandbox.ninjaone.control.addDevice({ organizationId: devices[0]!.organizationId, locationId: devices[0]!.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'AFTER-REFUSAL' });
    expect(await s.sync()).toMatchObject({ applied: { created: 1 }, held: [{ action: 'deactivate' }] });
    expect(assetOf(added.id)).toBeDefined();
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain('haloform_spec_reloads_total{outcome="refused"} 1');
  });

  it('refuses a spec that changes the connections (serve reads them only at start)', async () => {
    const s = await reloadable();
    edit((t) => t.replace('    tenant: demo\n', '    tenant: demo2\n'));
    expect(await s.reload()).toEqual({ ok: false, reason: 'the new spec changes connections, which serve reads only at start: restart serve to use them' });
  });

  it('POST /admin/reload: 404 without HALOFORM_ADMIN_SECRET, 401 with a wrong one, then reloads', async () => {
    const without = await reloadable();
    expect((await fetch(`${without.url}/admin/reload`, { method: 'POST' })).status).toBe(404);
    await without.stop({ graceMs: 100 });

    const admin = 'admin-secret-0123456789abcdef0123456789';
    const s = await reloadable({ adminSecret: admin });
    const wrong = await fetch(`${s.url}/admin/reload`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${s.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'reloaded', changed: false });
  });

  it('reloads when the spec file changes', async () => {
    const s = await reloadable({ watchSpecFile: specPath() });
    edit((t) => t.replace('sync:\n  everyMinutes: 15', 'sync:\n  everyMinutes: 20'));
    await until(async () => (await s.metrics.text()).includes('haloform_spec_reloads_total{outcome="reloaded"} 1'), 8_000);
  });
});

/** Registers serve's webhook in NinjaOne with the lifecycle activities (apply registered it at the demo's public address). */
async function pointLifecycleWebhookAt(s: ServeHandle): Promise<void> {
  const ninja = new NinjaOneClient((await loadedSpec()).connections.ninjaone, { maxAttempts: 1 });
  await ninja.registerWebhook({ url: `${s.url}/ninjaone/webhook`, header: 'Authorization', secret: SECRET, lifecycle: true });
  await ninja.close();
}

async function loadedSpec(): Promise<Spec> {
  return loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' }).spec as Spec;
}

async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
