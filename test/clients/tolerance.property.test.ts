/**
 * One odd row never stops a tenant (issue 13): for every list haloform reads from either API, one
 * row at a time has one field dropped, or set to null, "" or -1 — through the simulators' row
 * overlays, over real HTTP — and plan, apply and serve carry on: no failed read, no crash, and a
 * row whose problem matters is named in a warning.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/config/load.js';
import type { Spec } from '../../src/config/spec.js';
import { HaloApiClient } from '../../src/halo/client.js';
import { NinjaOneClient } from '../../src/rmm/ninjaone/client.js';
import type { Plan } from '../../src/plan/plan.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { OverlayOp } from '../../src/sandbox/overlays.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';

/** The demo spec without Halo pacing: a thousand plans in a row would otherwise wait on the 300-per-5-minutes budget. */
const DIR = mkdtempSync(join(tmpdir(), 'haloform-tolerance-'));
const DEMO = 'spec.yaml';
writeFileSync(join(DIR, DEMO), readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace('    tenant: demo\n', '    tenant: demo\n    rateLimit: false\n'));

/** A list haloform reads, the row of it the case changes, and how a warning names that row. */
interface Target {
  api: 'halo' | 'ninjaone';
  /** The overlay list name. */
  list: string;
  /** How to read the raw rows (to learn each row's fields). */
  read: (clients: { halo: HaloApiClient; ninja: NinjaOneClient }) => Promise<Record<string, unknown>[]>;
  /** Which row: the first that passes. */
  pick: (row: Record<string, unknown>) => boolean;
  /** The overlay id of a row. */
  key: (row: Record<string, unknown>) => number | string;
  /** Fields whose loss must show as a warning naming the row: field → text the warning holds. */
  needed: Record<string, (row: Record<string, unknown>) => string>;
  /** Nested fields worth changing too. */
  nested?: string[];
}

const halo = (path: string, key: string, query: Record<string, string | number | boolean> = {}) => async (c: { halo: HaloApiClient }) =>
  (await c.halo.list(path, key, query)).map((r) => r.r);
const ninja = (path: string, key?: string, query: Record<string, string | number> = {}) => async (c: { ninja: NinjaOneClient }) => {
  const body = (await c.ninja.http.request({ method: 'GET', path, query, label: `GET ${path}` })).body;
  return (key ? (body as Record<string, unknown>)[key] : body) as Record<string, unknown>[];
};
const byId = (r: Record<string, unknown>) => Number(r.id);
const leftOut = (label: string) => () => `from ${label}: id is`;

function targets(ids: { contosoClient: number; contosoSite: number; asset: number; device: number; org: number; location: number; user: number }): Target[] {
  return [
    { api: 'halo', list: 'TopLevel', read: halo('/api/TopLevel', 'toplevels'), pick: (r) => r.name === 'Managed Clients', key: byId, needed: { id: leftOut('GET /api/TopLevel') } },
    { api: 'halo', list: 'Client', read: halo('/api/Client', 'clients', { includeinactive: true }), pick: (r) => Number(r.id) === ids.contosoClient, key: byId, needed: { id: leftOut('GET /api/Client'), name: (r) => `client ${r.id}` } },
    {
      api: 'halo',
      list: 'Site',
      read: halo('/api/Site', 'sites', { includeinactive: true }),
      pick: (r) => Number(r.id) === ids.contosoSite,
      key: byId,
      needed: { id: leftOut('GET /api/Site'), name: (r) => `site ${r.id}`, client_id: (r) => `site ${r.id}` },
    },
    { api: 'halo', list: 'Users', read: halo('/api/Users', 'users', { exclude_generaluser: true }), pick: (r) => Number(r.id) === ids.user, key: byId, needed: { id: leftOut('GET /api/Users') } },
    { api: 'halo', list: 'AssetGroup', read: halo('/api/AssetGroup', 'assetgroups'), pick: () => true, key: byId, needed: { id: leftOut('GET /api/AssetGroup') } },
    { api: 'halo', list: 'Field', read: halo('/api/Field', 'fields'), pick: (r) => r.name === 'Support Tier', key: byId, needed: { id: leftOut('GET /api/Field'), name: (r) => `asset field ${r.id}` } },
    { api: 'halo', list: 'FieldInfo', read: halo('/api/FieldInfo', 'fields', { typeid: 5 }), pick: (r) => r.name === 'CFcontractTier', key: byId, needed: { id: leftOut('GET /api/FieldInfo') } },
    { api: 'halo', list: 'AssetType', read: halo('/api/AssetType', 'assettypes'), pick: (r) => r.name === 'Workstation', key: byId, needed: { id: leftOut('GET /api/AssetType'), name: (r) => `asset type ${r.id}` } },
    {
      api: 'halo',
      list: 'Asset',
      read: halo('/api/Asset', 'assets', { assettype_id: 1, includeassetfields: true, includeinactive: true }),
      pick: (r) => Number(r.id) === ids.asset,
      key: byId,
      needed: { id: leftOut('GET /api/Asset'), client_id: (r) => `asset ${r.id}` },
    },
    { api: 'halo', list: 'TicketType', read: halo('/api/TicketType', 'tickettypes'), pick: (r) => r.name === 'Alert', key: byId, needed: { id: leftOut('GET /api/TicketType') } },
    { api: 'ninjaone', list: 'organizations', read: ninja('/v2/organizations'), pick: (r) => Number(r.id) === ids.org, key: byId, needed: { id: leftOut('GET /v2/organizations'), name: (r) => `organisation ${r.id}` } },
    {
      api: 'ninjaone',
      list: 'locations',
      read: ninja('/v2/locations'),
      pick: (r) => Number(r.id) === ids.location,
      key: byId,
      needed: { id: leftOut('GET /v2/locations'), organizationId: (r) => `location ${r.id}`, name: (r) => `location ${r.id}` },
    },
    {
      api: 'ninjaone',
      list: 'devices',
      read: ninja('/v2/devices-detailed'),
      pick: (r) => Number(r.id) === ids.device,
      key: byId,
      needed: { id: leftOut('GET /v2/devices-detailed'), organizationId: (r) => `device ${r.id}`, locationId: (r) => `device ${r.id}`, nodeClass: (r) => `device ${r.id}` },
      nested: ['system.serialNumber', 'system.biosSerialNumber', 'system.model', 'os.name'],
    },
    { api: 'ninjaone', list: 'device-custom-fields', read: ninja('/v2/device-custom-fields'), pick: (r) => r.name === 'supportTier', key: (r) => String(r.name), needed: { name: () => 'from GET /v2/device-custom-fields: name is' } },
    {
      api: 'ninjaone',
      list: 'custom-fields',
      read: ninja('/v2/queries/custom-fields', 'results', { fields: 'supportTier,managedServices,purchaseDate,warrantyEnd' }),
      pick: (r) => Number(r.deviceId) === ids.device,
      key: (r) => Number(r.deviceId),
      needed: { deviceId: () => 'from GET /v2/queries/custom-fields: deviceId is' },
    },
    {
      api: 'ninjaone',
      list: 'scoped-custom-fields',
      read: ninja('/v2/queries/scoped-custom-fields', 'results', { scopes: 'organization,location', fields: 'supportTier,contractTier' }),
      pick: (r) => Number(r.entityId) === ids.org,
      key: (r) => Number(r.entityId),
      needed: { entityId: () => 'from GET /v2/queries/scoped-custom-fields: entityId is' },
    },
  ];
}

const MUTATIONS: { name: string; op: OverlayOp; applies: (value: unknown) => boolean }[] = [
  { name: 'dropped', op: { drop: true }, applies: () => true },
  { name: 'null', op: { value: null }, applies: () => true },
  { name: '""', op: { value: '' }, applies: (v) => typeof v !== 'object' || v === null },
  { name: '-1', op: { value: -1 }, applies: (v) => typeof v === 'number' || typeof v === 'string' },
];

let sandbox: Sandbox;
let spec: Spec;
let cases: { target: Target; row: Record<string, unknown>; field: string }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ devices: 40 });
  const env = demoEnv(sandbox);
  const loaded = loadSpecFile(DEMO, env, DIR, { missingEnv: 'error' });
  spec = loaded.spec!;
  // Halo in step first, so assets carry NinjaOne ids and every path of the model is walked.
  const applied = await cli(['apply', '-c', DEMO, '--auto-approve'], { env, cwd: DIR });
  if (applied.code !== 0) throw new Error(`apply failed:\n${applied.stdout}\n${applied.stderr}`);

  const state = sandbox.halo.control.state();
  const contoso = state.clients.find((c) => c.name === 'Contoso')!;
  const asset = state.assets.find((a) => a.client_id === contoso.id && (a.ninjarmm_id ?? -1) > 0 && a.user_ids.length > 0) ?? state.assets.find((a) => a.client_id === contoso.id && (a.ninjarmm_id ?? -1) > 0)!;
  const device = sandbox.data.ninjaone.devices.find((d) => d.id === asset.ninjarmm_id)!;
  const ids = {
    contosoClient: contoso.id,
    contosoSite: asset.site_id,
    asset: asset.id,
    device: device.id,
    org: device.organizationId,
    location: device.locationId,
    user: state.users.find((u) => u.site_id === asset.site_id && !u.isgeneraluser)?.id ?? state.users.find((u) => !u.isgeneraluser)!.id,
  };
  const clients = { halo: new HaloApiClient(spec.connections.halo, NINJAONE.halo, { maxAttempts: 1 }), ninja: new NinjaOneClient(spec.connections.ninjaone, { maxAttempts: 1 }) };
  try {
    for (const target of targets(ids)) {
      const row = (await target.read(clients)).find(target.pick);
      if (!row) throw new Error(`no row to change in ${target.list}`);
      for (const field of [...Object.keys(row), ...(target.nested ?? [])]) cases.push({ target, row, field });
    }
  } finally {
    await Promise.all([clients.halo.close(), clients.ninja.close()]);
  }
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

function overlays(target: Target) {
  return target.api === 'halo' ? sandbox.halo.control.overlays : sandbox.ninjaone.control.overlays;
}

function valueAt(row: Record<string, unknown>, field: string): unknown {
  return field.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), row);
}

describe('one odd row in any list', () => {
  it('never fails a plan; what a row lacks that matters is a warning naming the row', { timeout: 300_000 }, async () => {
    const env = demoEnv(sandbox);
    const failures: string[] = [];
    let runs = 0;
    for (const { target, row, field } of cases) {
      for (const mutation of MUTATIONS) {
        if (!mutation.applies(valueAt(row, field))) continue;
        overlays(target).add({ list: target.list, id: target.key(row), field, op: mutation.op });
        try {
          const run = await cli(['plan', '-c', DEMO, '--format', 'json'], { env, cwd: DIR });
          runs += 1;
          const where = `${target.list} ${String(target.key(row))}.${field} ${mutation.name}`;
          let plan: Plan | undefined;
          try {
            plan = JSON.parse(run.stdout) as Plan;
          } catch {
            failures.push(`${where}: no JSON plan (exit ${run.code}): ${run.stderr.slice(0, 300)}`);
            continue;
          }
          if (/bug in haloform/.test(run.stderr)) failures.push(`${where}: ${run.stderr.slice(0, 300)}`);
          const readFailure = plan.errors.find((e) => /could not be read/.test(e.summary));
          if (readFailure) failures.push(`${where}: ${readFailure.summary}: ${readFailure.detail.slice(0, 300)}`);
          const expect = target.needed[field];
          const matters = expect && (mutation.name !== '-1' || /id$/i.test(field) || field === 'client_id');
          if (matters && !plan.warnings.some((w) => w.detail.includes(expect(row)) && w.detail.includes(field))) {
            failures.push(`${where}: no warning names the row ("${expect(row)}") and ${field}`);
          }
        } finally {
          overlays(target).clear();
        }
      }
    }
    expect(failures).toEqual([]);
    // Every list was changed in every field it has: a property over all of them, not a sample.
    expect(runs).toBeGreaterThan(cases.length);
  });

  it('never fails an apply either; the next plan after it still reads', { timeout: 300_000 }, async () => {
    const env = demoEnv(sandbox);
    const failures: string[] = [];
    // One apply per list and needed field (each mutation kind in turn): apply writes, so the cases run one after the other on the same tenant.
    let turn = 0;
    for (const target of new Set(cases.map((c) => c.target))) {
      const row = cases.find((c) => c.target === target)!.row;
      for (const field of Object.keys(target.needed)) {
        const mutation = MUTATIONS[turn++ % 2]!;
        overlays(target).add({ list: target.list, id: target.key(row), field, op: mutation.op });
        try {
          const run = await cli(['apply', '-c', DEMO, '--auto-approve'], { env, cwd: DIR });
          const where = `${target.list}.${field} ${mutation.name}`;
          if (/bug in haloform|could not be read/.test(run.stdout + run.stderr)) failures.push(`${where}: ${(run.stdout + run.stderr).slice(-400)}`);
          // A plan error the data itself causes (no ticket type named Alert) is an answer, not a failure; a crash or a failed write is not.
          if (run.code !== 0 && !/^Error: /m.test(run.stdout)) failures.push(`${where}: exit ${run.code}: ${(run.stdout + run.stderr).slice(-400)}`);
        } finally {
          overlays(target).clear();
        }
      }
    }
    const after = await cli(['plan', '-c', DEMO, '--detailed-exitcode'], { env, cwd: DIR });
    expect(failures).toEqual([]);
    expect(after.code, after.stdout.slice(-2000)).toBe(0);
  });
});
