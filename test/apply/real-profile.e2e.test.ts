/**
 * Issue 13's acceptance at scale: against the sandbox's `real` profile (what real tenants send) at
 * 10,000 devices, plan → apply → a second plan is empty; no Halo field holds a placeholder
 * serial; every asset haloform manages has a tag; ninja_url is set on each.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { BUILTIN_PLACEHOLDER_SERIALS } from '../../src/model/serials.js';
import { generateDemo } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

let sandbox: Sandbox | undefined;
afterAll(async () => {
  await sandbox?.stop();
});

it('10,000 real-profile devices: plan, apply, an empty second plan; no placeholder serial, every asset tagged and linked', { timeout: 600_000 }, async () => {
  sandbox = await startSandbox({ data: generateDemo({ devices: 10_000, realism: 'real' }) });
  // The demo spec without Halo pacing (the sandbox enforces none here): the figures of a paced run are the benchmarks' business.
  const dir = mkdtempSync(join(tmpdir(), 'haloform-real-'));
  writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace('    tenant: demo\n', '    tenant: demo\n    rateLimit: false\n'));
  const env = demoEnv(sandbox);
  const haloform = (argv: string[]) => cli(argv, { cwd: dir, env });

  const planned = await haloform(['plan', '-c', 'spec.yaml', '--detailed-exitcode']);
  const applied = await haloform(['apply', '-c', 'spec.yaml', '--auto-approve']);
  const again = await haloform(['plan', '-c', 'spec.yaml', '--detailed-exitcode']);

  expect(planned.code, planned.stderr).toBe(2);
  expect(applied.code, applied.stdout.slice(-3000) + applied.stderr.slice(-2000)).toBe(0);
  expect(again.code, again.stdout.slice(-3000)).toBe(0);
  expect(again.stdout).toContain('No changes.');

  const state = sandbox.halo.control.state();
  const managed = state.assets.filter((a) => (a.ninjarmm_id ?? -1) > 0);
  expect(managed).toHaveLength(sandbox.data.ninjaone.devices.length);
  const serialField = state.fields.find((f) => f.name === 'Serial Number')!.id;
  const placeholders = new Set(BUILTIN_PLACEHOLDER_SERIALS.map((p) => p.toLowerCase()));
  const written = state.assets.flatMap((a) => a.fields.filter((f) => f.id === serialField).map((f) => ({ asset: a.id, value: String(f.value) })));
  // No placeholder in any asset haloform wrote; hand-made ones (a spare typed in as "To Be Filled By O.E.M.") are Halo's own.
  expect(written.filter((w) => managed.some((a) => a.id === w.asset) && placeholders.has(w.value.trim().toLowerCase()))).toEqual([]);
  expect(managed.filter((a) => !a.inventory_number || a.inventory_number.trim() === '').map((a) => a.id)).toEqual([]);
  expect(managed.filter((a) => !a.ninja_url?.endsWith(`/#/deviceDashboard/${a.ninjarmm_id}/overview`)).map((a) => a.id)).toEqual([]);
  // VMs were written by their BIOS serial: every device whose serialNumber is "None" but has a BIOS serial.
  const vms = sandbox.data.ninjaone.devices.filter((d) => (d.system as Record<string, unknown> | undefined)?.serialNumber === 'None' && String((d.system as Record<string, unknown>).biosSerialNumber ?? '').trim() !== '');
  expect(vms.length).toBeGreaterThan(50);
  for (const vm of vms.slice(0, 200)) {
    const asset = managed.find((a) => a.ninjarmm_id === vm.id)!;
    expect(asset.fields.find((f) => f.id === serialField)?.value).toBe((vm.system as Record<string, unknown>).biosSerialNumber);
  }
});
