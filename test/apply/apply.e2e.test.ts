/**
 * apply end to end: the real CLI and clients against the sandbox over HTTP, asserting the Halo
 * simulator's final state and that a second plan is empty.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { PLACEHOLDER_SERIALS } from '../../src/sandbox/demo-data.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

async function sandbox(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const s = await startSandbox({ devices: 120, ...options });
  sandboxes.push(s);
  return s;
}

const DEMO = 'config/demo.yaml';

/** The serial a device should carry in Halo: its first source that is no placeholder (assets.serial's defaults). */
function expectedSerial(device: Record<string, unknown>): string | undefined {
  const system = (device.system ?? {}) as Record<string, unknown>;
  for (const v of [system.serialNumber, system.biosSerialNumber, device.serviceTag, system.serviceTag]) {
    if (typeof v === 'string' && v.trim() !== '' && !(PLACEHOLDER_SERIALS as readonly string[]).includes(v.trim())) return v.trim();
  }
  return undefined;
}

describe('apply of the demo spec', () => {
  it('writes every device once, in the right client, site and type, with its fields and user; then plans nothing', async () => {
    const s = await sandbox();
    const env = demoEnv(s);

    const applied = await cli(['apply', '-c', DEMO, '--auto-approve'], { env });
    const again = await cli(['plan', '-c', DEMO, '--detailed-exitcode'], { env });

    expect(applied.stderr).not.toContain('Error');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Apply complete! Resources: \d+ created, \d+ adopted, \d+ updated, 0 deactivated\./);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    const halo = s.halo.control.state();
    const ninja = s.data.ninjaone;
    const linked = halo.assets.filter((a) => a.ninjarmm_id !== undefined && a.ninjarmm_id > 0);
    // Every device exactly once.
    expect(linked.map((a) => a.ninjarmm_id).sort((a, b) => a! - b!)).toEqual(ninja.devices.map((d) => d.id));
    const clients = new Map(halo.clients.map((c) => [c.id, c]));
    const sites = new Map(halo.sites.map((s2) => [s2.id, s2]));
    const types = new Map(halo.assetTypes.map((t) => [t.id, t]));
    const orgs = new Map(ninja.organizations.map((o) => [o.id, o]));
    const northwind = ninja.organizations.find((o) => o.name === 'Northwind Traders')!;
    for (const device of ninja.devices) {
      const asset = linked.find((a) => a.ninjarmm_id === device.id)!;
      const client = clients.get(asset.client_id)!;
      const site = sites.get(asset.site_id)!;
      // The right client: the one carrying the device's organisation id.
      expect([client.ninjarmmid, orgs.get(device.organizationId)!.name]).toEqual([device.organizationId, orgs.get(device.organizationId)!.name]);
      // The right site: its location, or (Northwind: main-site policy) the client's main site.
      if (device.organizationId === northwind.id) expect(site.id).toBe(client.main_site_id);
      else expect(site.ninjarmmid).toBe(device.locationId);
      // The right type.
      const mapped: Record<string, string> = { WINDOWS_WORKSTATION: 'Workstation', MAC: 'Workstation', WINDOWS_SERVER: 'Server', LINUX_SERVER: 'Server', NMS_SWITCH: 'Network Device' };
      if (mapped[device.nodeClass]) expect(types.get(asset.assettype_id)!.name).toBe(mapped[device.nodeClass]);
      // Its fields: the first serial that is no placeholder (a VM's BIOS serial, a host's service tag), never a placeholder.
      const serialField = halo.fields.find((f) => f.name === 'Serial Number')!.id;
      expect(asset.fields.find((f) => f.id === serialField)?.value, `device ${device.id}`).toBe(expectedSerial(device));
      // Its tag: displayName, else systemName, else dnsName, else "NinjaOne device <id>".
      expect(asset.inventory_number).toBe(device.displayName ?? device.systemName ?? device.dnsName ?? `NinjaOne device ${device.id}`);
    }
    // Users linked where Halo has them.
    expect(linked.some((a) => a.user_ids.length === 1)).toBe(true);
  });

  it('adopts the hand-made assets by serial instead of duplicating them, and never merges placeholder serials', async () => {
    const s = await sandbox();
    const before = s.halo.control.state().assets.filter((a) => !a.ninjarmm_id || a.ninjarmm_id < 0);

    await cli(['apply', '-c', DEMO, '--auto-approve'], { env: demoEnv(s) });

    const after = s.halo.control.state().assets;
    const serialField = s.halo.control.state().fields.find((f) => f.name === 'Serial Number')!.id;
    const serialOf = (a: { fields: { id: number; value: unknown }[] }) => a.fields.find((f) => f.id === serialField)?.value;
    const devicesBySerial = new Map<string, number>();
    for (const d of s.data.ninjaone.devices) {
      const sn = expectedSerial(d);
      if (typeof sn === 'string') devicesBySerial.set(sn, (devicesBySerial.get(sn) ?? 0) + 1);
    }
    for (const handMade of before) {
      const now = after.find((a) => a.id === handMade.id)!;
      const serial = String(serialOf(handMade));
      const usable = !(PLACEHOLDER_SERIALS as readonly string[]).includes(serial) && devicesBySerial.get(serial) === 1;
      if (usable) expect(now.ninjarmm_id, `asset ${handMade.id} (${serial}) adopted`).toBeGreaterThan(0);
      else expect(now.ninjarmm_id ?? -1, `asset ${handMade.id} (${serial}) left alone`).toBeLessThan(0);
    }
    // No serial of a usable device appears on two assets.
    const usableSerials = [...devicesBySerial].filter(([sn, n]) => n === 1 && !(PLACEHOLDER_SERIALS as readonly string[]).includes(sn)).map(([sn]) => sn);
    for (const sn of usableSerials) expect(after.filter((a) => serialOf(a) === sn).length, sn).toBe(1);
  });
});

describe('confirmation', () => {
  it('refuses without a terminal and without --auto-approve, and writes nothing', async () => {
    const s = await sandbox({ devices: 10 });

    const run = await cli(['apply', '-c', DEMO], { env: demoEnv(s) });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('apply needs a yes, and there is no terminal to ask on.');
    expect(s.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token')).toEqual([]);
  });

  it("asks, and only 'yes' applies", async () => {
    const s = await sandbox({ devices: 10 });

    const no = await cli(['apply', '-c', DEMO], { env: demoEnv(s), answer: 'y' });
    const writesAfterNo = s.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token').length;
    const yes = await cli(['apply', '-c', DEMO], { env: demoEnv(s), answer: 'yes' });

    expect(no.stderr).toContain("Do you want to perform these actions? Only 'yes' will be accepted: ");
    expect(no.stderr).toContain('Apply cancelled. Nothing was changed.');
    expect(no.code).toBe(1);
    expect(writesAfterNo).toBe(0);
    expect(yes.code).toBe(0);
  });

  it('refuses to register the webhook without its secret, before writing anything', async () => {
    const s = await sandbox({ devices: 10 });
    const { HALOFORM_WEBHOOK_SECRET: _unset, ...env } = demoEnv(s);

    const run = await cli(['apply', '-c', DEMO, '--auto-approve'], { env });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Webhook secret not set');
    expect(s.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token')).toEqual([]);
  });
});

describe("Halo's webhook to serve (alerts.haloWebhook)", () => {
  it('registers it beside alerts.webhook, Basic auth with HALOFORM_HALO_WEBHOOK_SECRET, and updates the same one on the next apply', async () => {
    const s = await sandbox({ devices: 10 });
    const env = demoEnv(s, { HALOFORM_PUBLIC_URL: 'https://haloform.example.com/msp/ninjaone/webhook' });

    const planned = await cli(['plan', '-c', DEMO], { env });
    expect(planned.stdout).toContain('  ~ halo_webhook "haloform alert tickets" {\n      + url = "https://haloform.example.com/msp/halo/webhook"\n      + events = "ticket.updated"\n      + auth = "HTTP Basic, the password HALOFORM_HALO_WEBHOOK_SECRET"');
    expect((await cli(['apply', '-c', DEMO, '--auto-approve'], { env })).code).toBe(0);
    expect((await cli(['apply', '-c', DEMO, '--auto-approve'], { env })).code).toBe(0);

    const hooks = s.halo.control.webhooks();
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ name: 'haloform alert tickets', url: 'https://haloform.example.com/msp/halo/webhook', active: true, authentication_type: 1, basic_username: 'haloform', events: [{ event: 'ticket.updated' }] });
    expect(JSON.stringify(hooks)).not.toContain('test-halo-webhook-secret');
  });

  it('refuses to register it without its secret, before writing anything; plan warns', async () => {
    const s = await sandbox({ devices: 10 });
    const { HALOFORM_HALO_WEBHOOK_SECRET: _unset, ...env } = demoEnv(s);

    const planned = await cli(['plan', '-c', DEMO], { env });
    const run = await cli(['apply', '-c', DEMO, '--auto-approve'], { env });

    expect(planned.stdout + planned.stderr).toContain('Halo webhook secret not set');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Halo webhook secret not set');
    expect(s.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token')).toEqual([]);
  });

  it('is an error without alerts.webhook to take serve’s address from', async () => {
    const s = await sandbox({ devices: 10 });
    const dir = mkdtempSync(join(tmpdir(), 'haloform-halo-webhook-'));
    const spec = readFileSync(join(ROOT, DEMO), 'utf8').replace(/\n  webhook: \{ publicUrl: [^\n]*\n/, '\n');
    expect(spec).not.toContain('publicUrl');
    writeFileSync(join(dir, 'spec.yaml'), spec);

    const run = await cli(['plan', '-c', 'spec.yaml'], { env: demoEnv(s), cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('No address for the Halo webhook');
  });
});

describe('saved plans', () => {
  function saveDir(): string {
    return mkdtempSync(join(tmpdir(), 'haloform-plan-'));
  }

  it('applies a saved plan exactly, with --format json events', async () => {
    const s = await sandbox({ devices: 20 });
    const out = join(saveDir(), 'plan.json');

    const planned = await cli(['plan', '-c', DEMO, '--out', out], { env: demoEnv(s) });
    const applied = await cli(['apply', out, '-c', DEMO, '--format', 'json'], { env: demoEnv(s) });

    expect(planned.code).toBe(0);
    const lines = applied.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', ok: true, failed: 0 });
    expect(lines.filter((l) => l.type === 'change').every((l) => l.status === 'done')).toBe(true);
    expect(applied.code).toBe(0);
  });

  it('refuses a saved plan after a Halo asset it touches was edited, naming the value', async () => {
    const s = await sandbox({ devices: 20 });
    const out = join(saveDir(), 'plan.json');
    await cli(['plan', '-c', DEMO, '--out', out], { env: demoEnv(s) });
    const plan = JSON.parse(readFileSync(out, 'utf8')) as { changes: { kind: string; action: string; haloId?: number; address: string }[] };
    const adopted = plan.changes.find((c) => c.kind === 'asset' && c.action === 'adopt')!;

    s.halo.control.patch('assets', adopted.haloId!, { inventory_number: 'RENAMED-BY-A-TECHNICIAN' });
    const applied = await cli(['apply', out, '-c', DEMO], { env: demoEnv(s) });

    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(`Saved plan is stale: ${out} is not what a fresh plan would do now — ${adopted.address}: before.inventory_number is `);
    expect(applied.stderr).toContain('"RENAMED-BY-A-TECHNICIAN" in a fresh plan');
    expect(s.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token')).toEqual([]);
  });

  it('refuses a saved plan made from another spec', async () => {
    const s = await sandbox({ devices: 20 });
    const dir = saveDir();
    const spec = join(dir, 'haloform.yaml');
    writeFileSync(spec, readFileSync(join(ROOT, DEMO), 'utf8'));
    await cli(['plan', '-c', spec, '--out', join(dir, 'plan.json')], { env: demoEnv(s), cwd: dir });
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('removed: deactivate', 'removed: keep'));

    const applied = await cli(['apply', 'plan.json', '-c', spec], { env: demoEnv(s), cwd: dir });

    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/Error: Saved plan is stale: plan\.json was made from a different spec \(sha256:[0-9a-f]{12}…, the spec is now sha256:[0-9a-f]{12}…\)\. Nothing was applied\. Run haloform plan again\./);
  });

  it('refuses a file that is not a plan', async () => {
    const dir = saveDir();
    writeFileSync(join(dir, 'plan.json'), '{"hello": 1}');

    const applied = await cli(['apply', 'plan.json', '-c', join(ROOT, DEMO)], { cwd: dir });

    expect(applied).toMatchObject({ code: 1, stderr: 'Error: plan.json: not a haloform plan: it has no formatVersion.\n' });
  });
});

describe('failures', () => {
  it('reports an asset Halo refuses, with Halo’s message, and writes its siblings', async () => {
    const s = await sandbox({ devices: 120 });
    const dir = mkdtempSync(join(tmpdir(), 'haloform-'));
    await cli(['plan', '-c', DEMO, '--out', join(dir, 'plan.json')], { env: demoEnv(s) });
    // "Asset Tag must be unique" is on in Halo, but its settings read says otherwise (an API app whose
    // Control read is stale): the plan — and apply's fresh plan — see no collision, Halo's write refuses it.
    s.halo.control.patchControl({ allowduplicateinv: false });
    s.halo.control.overlays.add({ list: 'Control', id: '*', field: 'allowduplicateinv', op: { value: true } });
    const collider = s.halo.control.state().assets.find((a) => a.notes === 'Loan laptop')!;

    const applied = await cli(['apply', join(dir, 'plan.json'), '-c', DEMO], { env: demoEnv(s) });

    expect(applied.code).toBe(1);
    const device = s.data.ninjaone.devices.find((d) => d.displayName === collider.inventory_number)!;
    expect(applied.stdout).toContain(`✗ asset["ninja:${device.id}"] (${device.displayName}): Asset tag must be unique`);
    expect(applied.stdout).toContain('Apply finished with 1 failed and 0 skipped change.');
    const linked = s.halo.control.state().assets.filter((a) => (a.ninjarmm_id ?? -1) > 0);
    expect(linked).toHaveLength(s.data.ninjaone.devices.length - 1);
  });

  it('converges through 10% Halo 500s without a duplicate', async () => {
    const s = await sandbox({ devices: 120, faults: { halo: [{ route: '/api/*', errorRate: 0.1 }] } });
    const env = demoEnv(s);

    const runs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await cli(['apply', '-c', DEMO, '--auto-approve'], { env });
      runs.push(r.code);
      if (r.code === 0) break;
    }
    s.halo.server.faults.clear();
    const final = await cli(['plan', '-c', DEMO, '--detailed-exitcode'], { env });

    expect(runs.at(-1)).toBe(0);
    expect(final.code).toBe(0);
    const ids = s.halo.control.state().assets.map((a) => a.ninjarmm_id).filter((id) => id !== undefined && id > 0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(s.data.ninjaone.devices.length);
  });
});

describe("Halo's request budget", () => {
  it('imports 1,000 new assets in ceil(1000 / 50) asset POSTs without a single 429', async () => {
    const s = await sandbox({ devices: 1000, haloRateLimit: { requests: 300, perSeconds: 300 } });

    const applied = await cli(['apply', '-c', DEMO, '--auto-approve'], { env: demoEnv(s) });

    expect(applied.code).toBe(0);
    const log = s.halo.server.requests();
    const assetPosts = log.filter((r) => r.method === 'POST' && r.path === '/api/Asset');
    expect(assetPosts.reduce((n, r) => n + (r.items ?? 0), 0)).toBe(1000);
    expect(assetPosts.length).toBeLessThanOrEqual(Math.ceil(1000 / 50));
    expect(log.filter((r) => r.status === 429)).toEqual([]);
  }, 60_000);
});
