/**
 * `haloform apply plan.json` applies what was reviewed and nothing else (issue 14): it plans
 * afresh from the spec the plan names and the live state, and refuses a saved plan that differs
 * change for change — edited by hand in any way, or overtaken by the world — with nothing written.
 * The guards (mass deactivation) hold at apply too.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../src/plan/plan.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli, type CliRun } from '../helpers/cli.js';
import { writes } from '../helpers/sandbox.js';
import { halo, haloClient, tenant } from '../golden/kit.js';

const SPEC = `version: 1
connections:
  ninjaone:
    url: \${NINJAONE_URL}
    clientId: \${NINJAONE_CLIENT_ID}
    clientSecret: \${NINJAONE_CLIENT_SECRET}
  halo:
    url: \${HALO_URL}
    tenant: demo
    clientId: \${HALO_CLIENT_ID}
    clientSecret: \${HALO_CLIENT_SECRET}
customers:
  topLevel: Managed Clients
assetTypes:
  map: { WINDOWS_WORKSTATION: Workstation, MAC: Workstation, WINDOWS_SERVER: Server }
  unmapped: create
assets:
  fields:
    - { to: inventory_number, from: displayName }
    - { to: Serial Number, from: system.serialNumber }
  removed: deactivate
`;

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

/** A sandbox with the golden tenant, Contoso already in Halo, and a working directory holding spec.yaml. */
async function setup(): Promise<{ sandbox: Sandbox; dir: string; haloform: (argv: string[]) => Promise<CliRun> }> {
  const contoso = haloClient(1, 'Contoso', { ninjarmmid: 1 });
  const sandbox = await startSandbox({ data: { ninjaone: tenant(), halo: halo({ clients: [contoso.client], sites: [contoso.mainSite], users: [contoso.generalUser] }) } });
  sandboxes.push(sandbox);
  const dir = mkdtempSync(join(tmpdir(), 'haloform-saved-'));
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  return { sandbox, dir, haloform: (argv) => cli(argv, { cwd: dir, env: sandbox.env }) };
}

function load(dir: string): Plan {
  return JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
}

function save(dir: string, plan: Plan): void {
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
}

const firstAsset = (plan: Plan): Change => plan.changes.find((c) => c.kind === 'asset' && c.action === 'create')!;

describe('apply plan.json', () => {
  it('applies an untouched saved plan, from the spec the plan names (not config/haloform.yaml)', async () => {
    const { sandbox, dir, haloform } = await setup();
    const planned = await haloform(['plan', '-c', 'spec.yaml', '--out', 'plan.json']);
    expect(load(dir).spec).toBe('spec.yaml');

    const applied = await haloform(['apply', 'plan.json']);

    expect(planned.code, planned.stderr).toBe(0);
    expect(applied.stderr).not.toContain('Error');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete!');
    expect(sandbox.halo.control.state().assets.filter((a) => a.ninjarmm_id !== undefined)).toHaveLength(10);
  });

  it('applies a saved plan whose NinjaOne address carries a password (saved hidden, compared hidden)', async () => {
    const { sandbox, dir } = await setup();
    const withPassword = { ...sandbox.env, NINJAONE_URL: sandbox.env.NINJAONE_URL!.replace('http://', 'http://svc:url-password-1234@') };
    const run = (argv: string[]) => cli(argv, { cwd: dir, env: withPassword });

    const planned = await run(['plan', '-c', 'spec.yaml', '--out', 'plan.json']);
    const applied = await run(['apply', 'plan.json']);

    expect(planned.code, planned.stderr).toBe(0);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).not.toContain('url-password-1234');
    expect(applied.stderr).not.toContain('stale');
    expect(applied.code, applied.stderr).toBe(0);
  });

  it.each([
    {
      name: 'an action changed (a create turned into a deactivate)',
      tamper: (p: Plan) => Object.assign(firstAsset(p), { action: 'deactivate' }),
      says: /asset\["ninja:\d+"\]: the saved plan would deactivate it, a fresh plan would create it/,
    },
    {
      name: 'a value changed (the client renamed)',
      tamper: (p: Plan) => Object.assign(p.changes.find((c) => c.kind === 'client' && c.action === 'create')!.after!, { name: 'Evil Corp' }),
      says: /client\["Fabrikam Inc"\]: after\.name is "Evil Corp" in the saved plan, "Fabrikam Inc" in a fresh plan/,
    },
    {
      name: 'an address changed',
      tamper: (p: Plan) => Object.assign(firstAsset(p), { address: 'asset["ninja:99"]' }),
      says: /asset\["ninja:\d+"\]: a fresh plan would create it, but the saved plan does not mention it/,
    },
    {
      name: 'a change added (deactivating Contoso)',
      tamper: (p: Plan) => p.changes.push({ address: 'client["Contoso"]', kind: 'client', action: 'deactivate', name: 'Contoso', haloId: 1, before: { inactive: false }, after: { inactive: true } } as unknown as Plan['changes'][number]),
      says: /client\["Contoso"\] appears twice in the saved plan/,
    },
    {
      name: 'a change removed',
      tamper: (p: Plan) => p.changes.splice(p.changes.indexOf(firstAsset(p)), 1),
      says: /a fresh plan would create it, but the saved plan does not mention it/,
    },
    {
      name: 'an id swapped on an unchanged object (a no-op that redirects its dependents)',
      tamper: (p: Plan) => Object.assign(p.changes.find((c) => c.address === 'client["Contoso"]')!, { haloId: 2 }),
      says: /client\["Contoso"\]: haloId is 2 in the saved plan, 1 in a fresh plan/,
    },
  ])('refuses a saved plan with $name, names the difference, and writes nothing', async ({ tamper, says }) => {
    const { sandbox, dir, haloform } = await setup();
    await haloform(['plan', '-c', 'spec.yaml', '--out', 'plan.json']);
    const plan = load(dir);
    tamper(plan);
    save(dir, plan);
    sandbox.halo.server.clearRequests();
    sandbox.ninjaone.server.clearRequests();

    const applied = await haloform(['apply', 'plan.json']);

    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/^Error: Saved plan is stale: plan\.json is not what a fresh plan would do now — /);
    expect(applied.stderr).toMatch(says);
    expect(applied.stderr).toContain('Nothing was applied; run haloform plan again.');
    expect(writes(sandbox)).toEqual([]);
  });

  it.each([
    ['a change that is null', (p: Plan) => p.changes.splice(1, 0, null as unknown as Plan['changes'][number]), 'a damaged plan: changes[1] is not a change with an address.'],
    ['errors that are not a list', (p: Plan) => Object.assign(p, { errors: null }), 'a damaged plan: errors and warnings must be lists.'],
    ['targets without addresses', (p: Plan) => Object.assign(p, { targets: { halo: 7 } }), 'a damaged plan: targets must name the Halo and the RMM addresses.'],
    ['a value holding a bidi control', (p: Plan) => Object.assign(p.changes.find((c) => c.kind === 'client' && c.action === 'create')!.after!, { name: 'Evil\u202ECorp' }), 'is "Evil\\u{202E}Corp" in the saved plan'],
    ['another RMM', (p: Plan) => Object.assign(p, { rmm: { name: 'Other', halo: { client: 'x', site: 'x', asset: 'x' } } }), 'Saved plan is stale: plan.json was made for {"name":"Other"'],
  ])('refuses a saved plan with %s, saying so, and writes nothing', async (_, tamper, says) => {
    const { sandbox, dir, haloform } = await setup();
    await haloform(['plan', '-c', 'spec.yaml', '--out', 'plan.json']);
    const plan = load(dir);
    tamper(plan);
    save(dir, plan);
    sandbox.halo.server.clearRequests();

    const applied = await haloform(['apply', 'plan.json']);

    expect({ code: applied.code, bug: /bug|stopped unexpectedly/.test(applied.stderr) }).toEqual({ code: 1, bug: false });
    expect(applied.stderr).toContain(says);
    expect(writes(sandbox)).toEqual([]);
  });

  it('refuses a plan the world has moved past', async () => {
    const { sandbox, haloform } = await setup();
    await haloform(['plan', '-c', 'spec.yaml', '--out', 'plan.json']);
    await sandbox.ninjaone.control.deleteDevice(11);
    sandbox.halo.server.clearRequests();

    const applied = await haloform(['apply', 'plan.json']);

    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('asset["ninja:11"]: the saved plan would create it, but a fresh plan has no such change');
    expect(writes(sandbox)).toEqual([]);
  });

  it('refuses a plan of format version 1 (made by an earlier haloform) and says to plan again', async () => {
    const { sandbox, dir, haloform } = await setup();
    await haloform(['plan', '-c', 'spec.yaml', '--out', 'plan.json']);
    save(dir, { ...load(dir), formatVersion: 1 } as unknown as Plan);
    sandbox.halo.server.clearRequests();

    const applied = await haloform(['apply', 'plan.json']);

    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('a plan made by an earlier haloform (format version 1). Make it again with this one: haloform plan --out <file>.');
    expect(writes(sandbox)).toEqual([]);
  });

  it('re-checks the mass-deactivation guard: a plan allowed at plan time needs the flag at apply time too', async () => {
    const { sandbox, haloform } = await setup();
    await haloform(['apply', '-c', 'spec.yaml', '--auto-approve']);
    for (const id of [11, 12, 13, 14]) await sandbox.ninjaone.control.deleteDevice(id);
    const planned = await haloform(['plan', '-c', 'spec.yaml', '--out', 'plan.json', '--allow-mass-deactivate']);
    sandbox.halo.server.clearRequests();

    const refused = await haloform(['apply', 'plan.json']);
    const allowed = await haloform(['apply', 'plan.json', '--allow-mass-deactivate']);

    expect(planned.code, planned.stdout).toBe(0);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Error: Mass deactivation');
    expect(refused.stderr).toContain('so plan.json cannot be applied: the guards hold at apply as at plan. Nothing was applied.');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('4 deactivated');
  });
});
