/**
 * `haloform sync` against the demo sandbox: devices that join, move and leave NinjaOne, and a new
 * organisation, reach Halo without apply; what sync.autoApply does not allow, a tripped
 * mass-deactivation guard and a plan with errors are held, with nothing of theirs written.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let dir: string;

/** The demo spec, unpaced, with `edit` applied to its text. */
function writeSpec(edit: (text: string) => string = (t) => t): void {
  const demo = readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace('    tenant: demo\n', '    tenant: demo\n    rateLimit: false\n');
  writeFileSync(join(dir, 'spec.yaml'), edit(demo));
}

const haloform = (argv: string[]) => cli(argv, { cwd: dir, env: demoEnv(sandbox) });
const managed = () => sandbox.halo.control.state().assets.filter((a) => (a.ninjarmm_id ?? -1) > 0);
const assetOf = (deviceId: number) => sandbox.halo.control.state().assets.find((a) => a.ninjarmm_id === deviceId);
const halosWrites = () => sandbox.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token');

beforeEach(async () => {
  sandbox = await startSandbox({ data: generateDemo({ devices: 60 }) });
  dir = mkdtempSync(join(tmpdir(), 'haloform-sync-'));
  writeSpec();
  const applied = await haloform(['apply', '-c', 'spec.yaml', '--auto-approve']);
  expect(applied.code, applied.stdout.slice(-2000) + applied.stderr).toBe(0);
});

afterEach(async () => {
  await sandbox.stop();
});

describe('haloform sync', () => {
  it('creates, moves and deactivates assets, and creates a new organisation’s client, without apply; a second cycle does nothing', async () => {
    const ninja = sandbox.ninjaone.control;
    const devices = sandbox.data.ninjaone.devices;
    const [staying, moving, leaving] = [devices[0]!, devices[1]!, devices[2]!];
    // Moved next to a device of another organisation: its asset must follow to that device's client and site.
    const neighbour = devices.find((d) => d.organizationId !== moving.organizationId && assetOf(d.id) !== undefined)!;
    const added = ninja.addDevice({ organizationId: staying.organizationId, locationId: staying.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'SYNC-NEW-01' });
    ninja.updateDevice(moving.id, { organizationId: neighbour.organizationId, locationId: neighbour.locationId });
    ninja.deleteDevice(leaving.id);
    const org = ninja.addOrganization({ name: 'Sync Newcomer Ltd' });
    const location = ninja.addLocation({ organizationId: org.id, name: 'Harbour Office' });
    const newcomer = ninja.addDevice({ organizationId: org.id, locationId: location.id, nodeClass: 'WINDOWS_SERVER', displayName: 'NEWCO-SRV' });

    const run = await haloform(['sync', '-c', 'spec.yaml', '--detailed-exitcode']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Two assets, the newcomer's client and its site; the moved device; the deleted one.
    expect(run.stdout).toContain('Sync cycle: 4 created, 0 adopted, 1 updated, 1 deactivated; 0 held for a reviewed apply.');

    const state = sandbox.halo.control.state();
    expect(assetOf(added.id)).toMatchObject({ inventory_number: 'SYNC-NEW-01', inactive: false, site_id: assetOf(staying.id)!.site_id });
    expect(assetOf(moving.id)).toMatchObject({ client_id: assetOf(neighbour.id)!.client_id, site_id: assetOf(neighbour.id)!.site_id });
    expect(assetOf(leaving.id)).toMatchObject({ inactive: true });
    const client = state.clients.find((c) => c.name === 'Sync Newcomer Ltd');
    expect(client).toMatchObject({ ninjarmmid: org.id });
    expect(assetOf(newcomer.id)).toMatchObject({ client_id: client!.id, inventory_number: 'NEWCO-SRV' });

    const before = halosWrites().length;
    const again = await haloform(['sync', '-c', 'spec.yaml', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('Sync cycle: 0 created, 0 adopted, 0 updated, 0 deactivated; 0 held');
    expect(halosWrites()).toHaveLength(before);
  });

  it('holds what sync.autoApply leaves out, writing nothing of it, and says why', async () => {
    writeSpec((t) => t.replace('sync:\n  everyMinutes: 15', 'sync:\n  autoApply: [asset.create]'));
    const gone = sandbox.data.ninjaone.devices[5]!;
    sandbox.ninjaone.control.deleteDevice(gone.id);
    const added = sandbox.ninjaone.control.addDevice({ organizationId: gone.organizationId, locationId: gone.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'SYNC-HELD-01' });

    const run = await haloform(['sync', '-c', 'spec.yaml', '--detailed-exitcode']);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toContain('1 created');
    expect(run.stdout).toContain('1 held');
    expect(run.stdout).toContain('asset.deactivate is not in sync.autoApply: it waits for a reviewed apply');
    expect(run.stdout).toContain(`deactivate asset["ninja:${gone.id}"]`);
    expect(assetOf(gone.id)).toMatchObject({ inactive: false });
    expect(assetOf(added.id)).toBeDefined();

    const markdown = await haloform(['sync', '-c', 'spec.yaml', '--format', 'markdown']);
    expect(markdown.stdout).toContain('**1 held**');
    expect(markdown.stdout).toContain(`| deactivate | \`asset["ninja:${gone.id}"]\` |`);
    const json = JSON.parse((await haloform(['sync', '-c', 'spec.yaml', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ ok: true, created: 0, held: 1, heldChanges: [{ address: `asset["ninja:${gone.id}"]`, action: 'deactivate' }] });
  });

  it('holds every deactivation when the mass-deactivation guard trips, and applies the rest', async () => {
    const devices = sandbox.data.ninjaone.devices;
    const gone = devices.slice(10, 20);
    for (const d of gone) sandbox.ninjaone.control.deleteDevice(d.id);
    const added = sandbox.ninjaone.control.addDevice({ organizationId: devices[0]!.organizationId, locationId: devices[0]!.locationId, nodeClass: 'MAC', displayName: 'SYNC-MAC-01' });

    const run = await haloform(['sync', '-c', 'spec.yaml']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('1 created');
    expect(run.stdout).toContain('10 held');
    expect(run.stdout).toContain('the mass-deactivation guard tripped');
    expect(gone.map((d) => assetOf(d.id)?.inactive)).toEqual(gone.map(() => false));
    expect(assetOf(added.id)).toBeDefined();
  });

  it('applies nothing from a plan with errors', async () => {
    writeSpec((t) => t.replace('  unmapped: create\n', '  unmapped: error\n'));
    sandbox.ninjaone.control.addOrganization({ name: 'Unexpected Org' });
    const added = sandbox.ninjaone.control.addDevice({ organizationId: sandbox.data.ninjaone.devices[0]!.organizationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'SYNC-ERR-01' });
    const before = halosWrites().length;

    const run = await haloform(['sync', '-c', 'spec.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Sync applied nothing: the plan has an error');
    expect(run.stderr).toContain('Unexpected Org');
    expect(assetOf(added.id)).toBeUndefined();
    expect(halosWrites()).toHaveLength(before);
  });

  it('refuses a spec without sync:, saying how to turn it on', async () => {
    writeSpec((t) => t.replace(/\n# Continuous sync[\s\S]*$/, '\n'));
    const run = await haloform(['sync', '-c', 'spec.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('spec.yaml has no sync: section');
    expect(run.stderr).toContain('sync: {}');
  });
});
