/**
 * Continuous sync (issue 16): serve in a process of its own per size, the sandbox in another
 * (`haloform sandbox`, both simulators answering after 50 ms), so the first one's memory is
 * serve's: serve's sync controller does the first import of N devices (every
 * change kind allowed) while alerts arrive through the webhook, then
 * - a cycle with nothing to do: its Halo requests (target 0);
 * - a device added in NinjaOne, brought by its lifecycle webhook: added → asset in Halo, p50
 *   (target < 5 s);
 * - the same with the webhook dropped: the backstop's cycle time plus the minute it waits at
 *   worst (target < 70 s);
 * - alert → ticket p50 while the first import runs (target < 1 s);
 * - a second serve taking over sync on the same store: its first cycle's Halo requests (target 0:
 *   it starts from the cache the first one kept there) and time;
 * - serve's peak RSS (each size runs in a process of its own, with serve's heap bound: serve and
 *   the benchmark's few variables; target < 500 MB).
 * Writes bench-results/sync.json.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVE_HEAP_MB } from '../../dist/cli/heap-bound.js';
import { loadSpecFile } from '../../dist/config/load.js';
import { silentLogger } from '../../dist/http/index.js';
import { NinjaOneClient } from '../../dist/rmm/ninjaone/client.js';
import { startServe } from '../../dist/serve/start.js';
import { percentile, printFigures, ROOT, saveResults, verdict } from './lib.mjs';

const SECRET = 'bench-sync-secret-0123456789abcdef';
const ALL_KINDS = '[asset.create, asset.adopt, asset.update, asset.deactivate, client.create, client.adopt, client.update, site.create, site.adopt, site.update, asset_type.create, asset_type.update, asset_field.create, asset_field.update]';

/** The demo spec, unpaced, its sync allowed `kinds`. */
function benchSpec(dir, kinds, budgeted) {
  const rateLimit = budgeted ? `{ requests: ${BUDGET.requests}, perSeconds: ${BUDGET.perSeconds} }` : 'false';
  const text = readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8')
    .replace('    tenant: demo\n', `    tenant: demo\n    rateLimit: ${rateLimit}\n`)
    .replace('sync:\n  everyMinutes: 15', `sync:\n  everyMinutes: 15\n  autoApply: ${kinds}`);
  if (!text.includes(`rateLimit: ${rateLimit}`) || !text.includes('autoApply:')) throw new Error('could not shape the bench spec');
  writeFileSync(join(dir, 'spec.yaml'), text);
}

/** `haloform sandbox` in a child process; its control routes over HTTP. */
async function startSandboxChild(devices, budgeted) {
  const args = ['sandbox', '--ninjaone-port', '0', '--halo-port', '0', '--devices', String(devices), '--latency-ms', '50', '--halo-rate-limit', budgeted ? `${BUDGET.requests}/${BUDGET.perSeconds}` : 'off', '--print-env'];
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const env = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const vars = Object.fromEntries([...out.matchAll(/^export (\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1], m[2]]));
      if (vars.NINJAONE_URL && vars.HALO_URL && vars.HALO_CLIENT_SECRET) resolve(vars);
    });
    void exited.then((code) => reject(new Error(`haloform sandbox exited ${code}: ${err.slice(-2000)}`)));
  });
  const call = async (base, method, path, body) => {
    const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  };
  const ninja = (method, path, body) => call(env.NINJAONE_URL, method, path, body);
  return {
    env,
    devices: (await ninja('GET', '/_sandbox/state')).devices.map((d) => ({ id: d.id, organizationId: d.organizationId, locationId: d.locationId })),
    addDevice: (input) => ninja('POST', '/_sandbox/devices', input),
    triggerAlert: (input) => ninja('POST', '/_sandbox/alerts', input),
    flushWebhooks: () => ninja('POST', '/_sandbox/webhooks/flush'),
    setWebhookDelivery: (options) => ninja('PATCH', '/_sandbox/webhook-delivery', options),
    halo429s: async () => (await call(env.HALO_URL, 'GET', '/_sandbox/requests')).filter((r) => r.status === 429).length,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function until(check, ms, stepMs = 10) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}

/** Halo's budget (300 per 5 min), time-scaled 100×, for the runs that import under it. */
const BUDGET = { requests: 300, perSeconds: 3 };

export async function benchSync({ sizes, budgeted = [] }) {
  const rows = [];
  for (const devices of budgeted) rows.push(await oneSizeInChild(devices, true));
  for (const devices of [...sizes].sort((x, y) => x - y)) rows.push(await oneSizeInChild(devices, false));
  console.log('\nsync: serve keeps Halo converged (the simulators in a child process, answering after 50 ms; "budget": Halo\'s 300 per 5 min, 100× faster, for Halo and haloform)');
  printFigures(rows, {
    key: 'devices',
    targets: {
      haloRequestsNoChangeCycle: '= 0',
      newDeviceToAssetP50Ms: '< 5000',
      backstopWorstCaseMs: '< 70000',
      alertTicketP50MsDuringImport: '< 1000',
      serveRssMiB: '< 500',
      halo429s: '= 0',
      takeoverCycleHaloRequests: '= 0',
    },
  });
  saveResults('sync', { rows });
  return rows;
}

/**
 * One size in a process of its own (so its peak RSS is its own), whose heap has the bound
 * `haloform serve` gives its worker (src/cli/heap-bound.ts): serve's memory as it runs.
 */
async function oneSizeInChild(devices, budgeted) {
  const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${SERVE_HEAP_MB}`, fileURLToPath(import.meta.url), String(devices), budgeted ? 'budgeted' : 'unbudgeted'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const row = /^ROW (.*)$/m.exec(out);
  if (code !== 0 || !row) throw new Error(`the sync benchmark at ${devices} devices exited ${code}: ${out.slice(-2000)}`);
  return JSON.parse(row[1]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const row = await oneSize(Number(process.argv[2]), process.argv[3] === 'budgeted');
  process.stdout.write(`ROW ${JSON.stringify(row)}\n`);
}

async function oneSize(devices, budgeted) {
  const dir = mkdtempSync(join(tmpdir(), 'haloform-bench-sync-'));
  // First the customers only (an alert needs its client and site), then, by a spec reload, everything.
  benchSpec(dir, '[client.create, client.adopt, site.create, site.adopt]', budgeted);
  const sandbox = await startSandboxChild(devices, budgeted);
  // The simulator's state (read above for the device ids) is the benchmark's garbage, not serve's.
  globalThis.gc?.();
  let serve;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const env = { ...process.env, ...sandbox.env, HALOFORM_WEBHOOK_SECRET: SECRET };
    const loaded = loadSpecFile('spec.yaml', env, dir, { missingEnv: 'error' });
    if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => d.detail).join('\n'));
    serve = await startServe({ spec: loaded.spec, loaded, env, sync: 'manual', poller: 'off', store: `sqlite:${join(dir, 'serve.db')}`, port: 0, secrets: [SECRET], logger: silentLogger });
    const ninja = new NinjaOneClient(loaded.spec.connections.ninjaone, { maxAttempts: 2 });
    await ninja.registerWebhook({ url: `${serve.url}/ninjaone/webhook`, header: 'Authorization', secret: SECRET, lifecycle: true });
    await ninja.close();

    const customers = await serve.sync();
    if (customers.error || customers.refused) throw new Error(`the customers were not created: ${customers.error ?? customers.refused}`);
    benchSpec(dir, ALL_KINDS, budgeted);
    const full = loadSpecFile('spec.yaml', env, dir, { missingEnv: 'error' });
    const reloaded = await serve.reload(full);
    if (!reloaded.ok) throw new Error(`the bench spec did not reload: ${reloaded.reason}`);

    // The first import of the devices, with an alert raised every 250 ms meanwhile. (Halo's state
    // is not polled here: a copy of 50,000 assets every few milliseconds would be the benchmark.)
    const control = sandbox;
    const seedDevices = sandbox.devices;
    let importing = true;
    const alertsSince = Date.now();
    const alerts = (async () => {
      for (let i = 0; i === 0 || importing; i++) {
        await control.triggerAlert({ deviceId: seedDevices[(i * 7919) % seedDevices.length].id });
        void control.flushWebhooks();
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const importStarted = Date.now();
    const first = await serve.sync();
    const importMs = Date.now() - importStarted;
    importing = false;
    await alerts;
    await control.flushWebhooks();
    await serve.idle();
    if (first.error || first.refused) throw new Error(`the first import did not finish: ${first.error ?? first.refused}`);
    // Alert → ticket: from serve receiving the TRIGGERED webhook to its processing done (the ticket made).
    const triggered = (await serve.store.listDeliveries({ since: alertsSince, limit: 10_000 })).filter((d) => d.statusCode === 'TRIGGERED');
    const alertLatencies = triggered.filter((d) => d.status === 'done' && d.finishedAt !== undefined).map((d) => d.finishedAt - d.receivedAt);
    const alertsLost = triggered.length - alertLatencies.length;

    const idle = await serve.sync();

    // New devices brought by their lifecycle webhook: added → the end of the cycle that created the asset.
    await serve.syncBackstop(); // learns where the activity log ends
    const webhookLatencies = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await control.addDevice({ organizationId: seedDevices[0].organizationId, locationId: seedDevices[0].locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: `BENCH-WEBHOOK-${i}` });
      await control.flushWebhooks();
      const done = () => {
        const c = serve.lastSyncCycle();
        return c !== undefined && c.trigger === 'webhook' && c.startedAt >= started && c.applied.created === 1;
      };
      if (await until(done, 300_000, 20)) webhookLatencies.push(serve.lastSyncCycle().startedAt + serve.lastSyncCycle().durationMs - started);
    }
    // One with its webhook dropped: the backstop's cycle, after the minute it waits at worst.
    await serve.syncBackstop();
    await control.setWebhookDelivery({ dropRate: 1 });
    await control.addDevice({ organizationId: seedDevices[0].organizationId, locationId: seedDevices[0].locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'BENCH-DROPPED' });
    await control.flushWebhooks();
    const backstopStarted = Date.now();
    const caught = await serve.syncBackstop();
    const backstopMs = Date.now() - backstopStarted;

    // Another serve takes over sync on the same store (a replica, or this one restarted): its first cycle.
    await serve.stop({ graceMs: 1_000 });
    serve = await startServe({ spec: full.spec, loaded: full, env, sync: 'manual', poller: 'off', store: `sqlite:${join(dir, 'serve.db')}`, port: 0, secrets: [SECRET], logger: silentLogger });
    const takeover = await serve.sync();

    const sortedAlerts = [...alertLatencies].sort((a, b) => a - b);
    const sortedWebhook = [...webhookLatencies].sort((a, b) => a - b);
    const row = {
      devices: budgeted ? `${devices} budget` : devices,
      firstImportS: +(importMs / 1000).toFixed(1),
      firstImportHaloRequests: first.haloRequests,
      haloRequestsNoChangeCycle: idle.haloRequests,
      newDeviceToAssetP50Ms: Math.round(percentile(sortedWebhook, 0.5)),
      backstopWorstCaseMs: caught?.applied.created === 1 ? 60_000 + backstopMs : 'missed',
      alertTicketP50MsDuringImport: sortedAlerts.length ? Math.round(percentile(sortedAlerts, 0.5)) : 'none',
      alertsDuringImport: `${sortedAlerts.length}${alertsLost ? ` (${alertsLost} without a ticket)` : ''}`,
      takeoverCycleHaloRequests: takeover.fromStore ? takeover.haloRequests : `${takeover.haloRequests} (read whole)`,
      takeoverCycleS: +(takeover.durationMs / 1000).toFixed(1),
      serveRssMiB: Math.round(peakRss / 2 ** 20),
      halo429s: await sandbox.halo429s(),
    };
    row.verdict = [
      `no-change ${verdict(row.haloRequestsNoChangeCycle === 0)}`,
      `webhook ${verdict(row.newDeviceToAssetP50Ms < 5000)}`,
      `backstop ${verdict(typeof row.backstopWorstCaseMs === 'number' && row.backstopWorstCaseMs < 70_000)}`,
      `alerts ${verdict(typeof row.alertTicketP50MsDuringImport === 'number' && row.alertTicketP50MsDuringImport < 1000)}`,
      `memory ${verdict(row.serveRssMiB < 500)}`,
    ].join(', ');
    return row;
  } finally {
    clearInterval(sampler);
    await serve?.stop({ graceMs: 1_000 });
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
