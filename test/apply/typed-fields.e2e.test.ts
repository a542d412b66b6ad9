/**
 * Typed fields end to end (issue 13): apply writes what each Halo field type takes — option ids for
 * selections, booleans, numbers, dates — and custom fields; a field haloform creates gets its type
 * and options; the next plan is empty.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli } from '../helpers/cli.js';
import typed from '../golden/typed-fields/seed.js';

const dir = join(new URL('.', import.meta.url).pathname, '..', 'golden', 'typed-fields');

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

describe('apply of typed fields', () => {
  it('writes option ids, booleans, numbers and dates, and converges', async () => {
    const sandbox = await startSandbox({ data: structuredClone(typed.seed) });
    sandboxes.push(sandbox);
    const haloform = (argv: string[]) => cli(argv, { cwd: dir, env: sandbox.env });

    const applied = await haloform(['apply', '-c', 'spec.yaml', '--auto-approve']);
    const again = await haloform(['plan', '-c', 'spec.yaml', '--detailed-exitcode']);

    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(again.code, again.stdout).toBe(0);
    const state = sandbox.halo.control.state();
    const byDevice = (id: number) => state.assets.find((a) => a.ninjarmm_id === id)!;
    const value = (id: number, field: number) => byDevice(id).fields.find((f) => f.id === field)?.value;
    // CON-PC01: its own values; Support Tier kept as it was (Gold, 3).
    expect([value(11, 107), value(11, 108), value(11, 109), value(11, 110), value(11, 106), value(11, 111)]).toEqual([3, [11, 13], 2, true, '2024-03-15', '2026-09-01T00:00:00Z']);
    // CON-PC02 inherits Silver (2) from its location; CON-PC03 Bronze (1) from its organisation, and none of its refused values.
    expect([value(12, 107), value(12, 108), value(12, 110)]).toEqual([2, [11, 12], false]);
    expect([value(13, 107), value(13, 109), value(13, 110), value(13, 106), value(13, 111)]).toEqual([1, undefined, undefined, undefined, undefined]);
    // The organisation's contract tier as the asset custom field's option id.
    expect(state.assets.filter((a) => a.ninjarmm_id !== undefined).map((a) => a.customfields)).toEqual([[{ id: 201, value: 22 }], [{ id: 201, value: 22 }], [{ id: 201, value: 22 }]]);
  });

  it('creates a missing field with the type and options of its NinjaOne source, and writes its option ids', async () => {
    const seed = structuredClone(typed.seed);
    seed.halo.fields = seed.halo.fields.filter((f) => f.id !== 107);
    seed.halo.assetTypes[0]!.field_ids = seed.halo.assetTypes[0]!.field_ids.filter((id) => id !== 107);
    seed.halo.assets[0]!.fields = [];
    const sandbox = await startSandbox({ data: seed });
    sandboxes.push(sandbox);
    const tmp = mkdtempSync(join(tmpdir(), 'haloform-typed-'));
    writeFileSync(join(tmp, 'spec.yaml'), `${readFileSync(join(dir, 'spec.yaml'), 'utf8')}  addMissingFieldsToTypes: true\n`);
    const haloform = (argv: string[]) => cli(argv, { cwd: tmp, env: sandbox.env });

    const applied = await haloform(['apply', '-c', 'spec.yaml', '--auto-approve']);
    const again = await haloform(['plan', '-c', 'spec.yaml', '--detailed-exitcode']);

    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(again.code, again.stdout).toBe(0);
    const state = sandbox.halo.control.state();
    const created = state.fields.find((f) => f.name === 'Support Tier')!;
    expect(created).toMatchObject({ type: 3, values: [{ name: 'Bronze' }, { name: 'Silver' }, { name: 'Gold' }] });
    const gold = created.values!.find((o) => o.name === 'Gold')!.id;
    expect(state.assets.find((a) => a.ninjarmm_id === 11)!.fields.find((f) => f.id === created.id)?.value).toBe(gold);
  });
});
