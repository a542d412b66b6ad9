/**
 * Issue 15's proof: an RMM that is not NinjaOne (test/rmm/test-provider.ts: text uids, Datto RMM's
 * identity fields in Halo, its own device record and placeholder) plans and applies against the
 * Halo simulator through the provider interface and the run layer, as `plan` and `apply` do.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/config/load.js';
import type { Spec } from '../../src/config/spec.js';
import { HaloApiClient } from '../../src/halo/client.js';
import { Accounting, Redactor, silentLogger } from '../../src/http/index.js';
import type { Plan } from '../../src/plan/plan.js';
import { createPaint } from '../../src/render/paint.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { applyRun, checkSavedPlan } from '../../src/run/apply-run.js';
import { targetsOf, type Clients } from '../../src/run/clients.js';
import { planRun } from '../../src/run/plan-run.js';
import type { HaloSimulator } from '../../src/sandbox/halo/index.js';
import { APP, Harness } from '../sandbox/halo/fixtures.js';
import { TestRmm, TEST_RMM } from './test-provider.js';

const ENV = { NINJA_SECRET: 'unused-ninja-secret', HALO_SECRET: APP.clientSecret };

function specText(haloUrl: string, extra = ''): string {
  return `version: 1
connections:
  ninjaone:
    instance: eu
    clientId: unused
    clientSecret: \${NINJA_SECRET}
  halo:
    url: ${haloUrl}
    tenant: demo
    clientId: ${APP.clientId}
    clientSecret: \${HALO_SECRET}
    rateLimit: false
customers:
  topLevel: Managed Clients
  unmapped: create
  map:
    - organisation: Contoso
      client: Contoso
      sites: { Contoso: HQ }
assetTypes:
  map: { DESKTOP: Workstation, SERVER: Server }
assets:
  match: [ninjaId, serialNumber]
  serialField: Serial Number
  # The spec's defaults are its connection's RMM's (NinjaOne's); this RMM's record says otherwise.
  serial: { from: [bios.serialNumber] }
  name: { from: [hostname, description] }
  links: { deviceUrl: "{url}/devices/{id}", remoteUrl: "{url}/devices/{id}/remote" }
  fields:
    - { to: inventory_number, from: deviceName }
    - { to: Serial Number, from: serial }
    - { to: Purchased, from: customFields.purchased }
  addMissingFieldsToTypes: true
  removed: deactivate
${extra}`;
}

let harness: Harness;
let sim: HaloSimulator;
let rmm: TestRmm;
let clients: Clients;
let loaded: ReturnType<typeof loadSpecText> & { spec: Spec };

function start(extra = ''): void {
  const text = specText(sim.url, extra);
  const result = loadSpecText('spec.yaml', text, ENV);
  if (!result.spec) throw new Error(result.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('\n'));
  loaded = result as typeof loaded;
  const redactor = new Redactor([APP.clientSecret]);
  const accounting = new Accounting();
  const halo = new HaloApiClient(loaded.spec.connections.halo, TEST_RMM.halo, { redactor, accounting, logger: silentLogger });
  clients = { rmm, halo, accounting, redactor, logger: silentLogger, startedAt: Date.now(), onSetback: () => () => undefined, close: () => halo.close() };
}

const plan = (allowMassDeactivate = false) => planRun(loaded, clients, { env: {}, allowMassDeactivate });

async function applied(allowMassDeactivate = false): Promise<Plan> {
  const run = await plan(allowMassDeactivate);
  expect(run.plan.errors).toEqual([]);
  const result = await applyRun(run.plan, run.halo!, clients, {});
  expect(result.failed).toEqual([]);
  expect(result.skipped).toEqual([]);
  return run.plan;
}

const change = (p: Plan, address: string) => p.changes.find((c) => c.address === address);

beforeEach(async () => {
  harness = await Harness.start();
  sim = harness.sim;
  rmm = new TestRmm();
  rmm.state = {
    sites: [
      { uid: 'site-7f3a', name: 'Contoso' },
      { uid: 'site-b21c', name: 'Tailspin Toys' },
    ],
    devices: [
      // Halo's LAPTOP-001 holds serial SN-1 (and a NinjaOne id): adopted by serial, linked by uid, its NinjaOne id left alone.
      { uid: 'dev-001', siteUid: 'site-7f3a', category: 'DESKTOP', hostname: 'CON-PC01', bios: { serialNumber: 'SN-1' }, udf: { purchased: 1_717_200_000_000 } },
      // "Not Reported" is this RMM's own placeholder: never matched, never written.
      { uid: 'dev-002', siteUid: 'site-7f3a', category: 'SERVER', hostname: 'CON-SRV01', bios: { serialNumber: 'Not Reported' } },
      { uid: 'dev-003', siteUid: 'site-b21c', category: 'DESKTOP', description: 'Reception PC', bios: { serialNumber: 'TS-9' } },
      { uid: 'dev-004', siteUid: 'site-b21c', category: 'DESKTOP' },
    ],
    fields: [{ name: 'purchased', type: 'udf-date' }],
  };
  start();
});

afterEach(async () => {
  await clients?.close();
  await sim.stop();
});

describe('a provider that is not NinjaOne', () => {
  it('plans with its own ids, words and Halo fields, and applies them; the second plan is empty', async () => {
    const first = await plan();
    expect(first.plan.errors).toEqual([]);
    expect(first.plan.rmm).toEqual({ name: 'Test RMM', halo: { client: 'datto_id', site: 'datto_id', asset: 'datto_id' } });
    expect(first.plan.targets).toEqual({ testrmm: 'https://rmm.test.example', halo: sim.url });
    expect(first.plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.address}`).sort()).toEqual(
      [
        'adopt asset["test:dev-001"]',
        'create asset["test:dev-002"]',
        'create asset["test:dev-003"]',
        'create asset["test:dev-004"]',
        'create asset_field["Purchased"]',
        'create client["Tailspin Toys"]',
        'create site["Tailspin Toys/Tailspin Toys"]',
        'adopt client["Contoso"]',
        'adopt site["Contoso/HQ"]',
      ].sort(),
    );
    // Its words, its ids (text), its field types; nothing of NinjaOne's.
    expect(change(first.plan, 'asset["test:dev-003"]')).toMatchObject({ name: 'Reception PC', rmmId: 'dev-003', reason: 'new for Test RMM device dev-003 (DESKTOP)' });
    expect(change(first.plan, 'asset["test:dev-004"]')).toMatchObject({ name: 'Test RMM device dev-004' });
    expect(change(first.plan, 'client["Tailspin Toys"]')).toMatchObject({ reason: 'new for Test RMM organisation "Tailspin Toys"', after: { rmm_id: 'site-b21c' } });
    expect(change(first.plan, 'client["Contoso"]')).toMatchObject({ before: { rmm_id: null }, after: { rmm_id: 'site-7f3a' } });
    expect(change(first.plan, 'asset_field["Purchased"]')).toMatchObject({ after: { type: 'date' } });
    expect(change(first.plan, 'asset["test:dev-003"]')?.after).toMatchObject({ datto_url: 'https://rmm.test.example/devices/dev-003' });
    expect(change(first.plan, 'asset["test:dev-002"]')?.after).not.toHaveProperty('fields.Serial Number');
    expect(JSON.stringify(first.plan.changes)).not.toMatch(/ninja/i);
    // The spec's own warnings are its connection's vocabulary (NinjaOne node classes); the plan's are the provider's.
    const planned = { ...first.plan, warnings: first.plan.warnings.filter((w) => !loaded.diagnostics.includes(w)) };
    const text = renderPlanText(planned, { paint: createPaint(false) });
    expect(text).toContain('Read 2 Test RMM organisations');
    expect(text).toContain('datto_id');
    expect(text).not.toMatch(/ninja/i);

    await applied();
    const state = sim.control.state();
    const contoso = state.clients.find((c) => c.name === 'Contoso')!;
    expect(contoso).toMatchObject({ datto_id: 'site-7f3a', ninjarmmid: 501 });
    expect(state.sites.find((s) => s.name === 'HQ')).toMatchObject({ datto_id: 'site-7f3a', ninjarmmid: 601 });
    expect(state.clients.find((c) => c.name === 'Tailspin Toys')).toMatchObject({ datto_id: 'site-b21c' });
    expect(state.clients.find((c) => c.name === 'Tailspin Toys')).not.toHaveProperty('ninjarmmid');
    const byUid = new Map(state.assets.filter((a) => a.datto_id).map((a) => [a.datto_id!, a]));
    expect([...byUid.keys()].sort()).toEqual(['dev-001', 'dev-002', 'dev-003', 'dev-004']);
    expect(byUid.get('dev-001')).toMatchObject({ id: 1001, ninjarmm_id: 9001, inventory_number: 'CON-PC01', datto_url: 'https://rmm.test.example/devices/dev-001' });
    const serialField = state.fields.find((f) => f.name === 'Serial Number')!.id;
    expect(byUid.get('dev-002')!.fields.find((f) => f.id === serialField)).toBeUndefined();
    const purchased = state.fields.find((f) => f.name === 'Purchased')!.id;
    expect(byUid.get('dev-001')!.fields.find((f) => f.id === purchased)?.value).toBe('2024-06-01');
    expect(byUid.get('dev-004')).toMatchObject({ inventory_number: 'Test RMM device dev-004' });

    const second = await plan();
    expect(second.plan.errors).toEqual([]);
    expect(second.plan.summary).toMatchObject({ create: 0, adopt: 0, update: 0, deactivate: 0 });
  });

  it('follows devices that move and go, by its own ids', async () => {
    await applied();
    rmm.state.devices = rmm.state.devices.filter((d) => d.uid !== 'dev-004').map((d) => (d.uid === 'dev-003' ? { ...d, siteUid: 'site-7f3a' } : d));
    const next = await plan(true);
    expect(next.plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.address} ${c.reason}`)).toEqual([
      'update asset["test:dev-003"] moved to another client in Test RMM',
      'deactivate asset["test:dev-004"] Test RMM device dev-004 no longer exists',
    ]);
    await applied(true);
    const state = sim.control.state();
    const contoso = state.clients.find((c) => c.name === 'Contoso')!;
    expect(state.assets.find((a) => a.datto_id === 'dev-003')).toMatchObject({ client_id: contoso.id });
    expect(state.assets.find((a) => a.datto_id === 'dev-004')).toMatchObject({ inactive: true });
    expect((await plan()).plan.summary).toMatchObject({ create: 0, adopt: 0, update: 0, deactivate: 0 });
  });

  it('takes a saved plan through the whole stale check, with its own targets', async () => {
    const saved = JSON.parse(JSON.stringify((await plan()).plan)) as Plan;
    const options = { file: 'plan.json', config: 'spec.yaml', mask: (t: string) => t, targets: targetsOf(clients, loaded.spec), plan: () => plan() };
    expect(await checkSavedPlan(saved, loaded, options)).toMatchObject({ ok: true });
    const edited = JSON.parse(JSON.stringify(saved)) as Plan;
    (edited.changes.find((c) => c.address === 'asset["test:dev-003"]')!.after as Record<string, unknown>).rmm_id = 'dev-999';
    const refused = await checkSavedPlan(edited, loaded, options);
    expect(refused).toMatchObject({ ok: false });
    expect(!refused.ok && refused.reason).toContain('asset["test:dev-003"]');
    const moved = await checkSavedPlan(saved, loaded, { ...options, targets: { testrmm: 'https://elsewhere.example', halo: sim.url } });
    expect(!moved.ok && moved.reason).toContain('was made against https://rmm.test.example');
  });

  it('refuses alerts.webhook: this RMM takes no webhook over its API', async () => {
    start('alerts:\n  ticketType: Alert\n  webhook: { publicUrl: "https://haloform.example/hook" }\n');
    const run = await plan();
    expect(run.plan.errors.map((e) => e.summary)).toEqual(['No alert webhook to register']);
    expect(run.plan.errors[0]!.detail).toContain('Test RMM takes none over its API');
  });
});
