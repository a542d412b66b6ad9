/**
 * apply killed at several points (SIGKILL of a real process), then run again: no duplicate, and
 * the final plan is empty. Some kills land before Halo received the write, some after Halo
 * applied a write whose answer the dead process never read.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/sandbox/faults.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { LoggedRequest } from '../../src/sandbox/sim-server.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

const BIN = join(ROOT, 'dist/cli/main.js');
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

/** Runs `haloform apply` in a child process and SIGKILLs it once `when` holds for the Halo request log. */
async function applyAndKill(s: Sandbox, when: (log: readonly LoggedRequest[]) => boolean): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, [BIN, 'apply', '-c', 'config/demo.yaml', '--auto-approve'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...demoEnv(s) },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The sandbox runs in this process: poll its log (no timing assumptions, just "has it happened yet").
  for (;;) {
    if (when(s.halo.server.requests())) {
      child.kill('SIGKILL');
      await exited;
      return 'killed';
    }
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5))]);
    if (done) return 'finished';
  }
}

const posts = (log: readonly LoggedRequest[], path: string) => log.filter((r) => r.method === 'POST' && r.path === path);

/** Resolves once every request Halo received has been answered (or will never be: a timeout fault). */
async function settled(s: Sandbox): Promise<void> {
  while (s.halo.server.requests().some((r) => r.status === 0)) await new Promise((r) => setTimeout(r, 10));
}

describe.each([
  {
    point: 'as the client batch reaches Halo (not applied)',
    faults: [{ route: '/api/Client', method: 'POST', timeoutRate: 1, count: 1 }],
    when: (log: readonly LoggedRequest[]) => posts(log, '/api/Client').length >= 1,
  },
  {
    point: 'between clients and sites, the site batch applied after the process died',
    faults: [{ route: '/api/Site', method: 'POST', latencyMs: 400, count: 1 }],
    when: (log: readonly LoggedRequest[]) => posts(log, '/api/Site').length >= 1,
  },
  {
    point: 'mid-assets, the second asset batch applied after the process died',
    faults: [{ route: '/api/Asset', method: 'POST', latencyMs: 400 }],
    when: (log: readonly LoggedRequest[]) => posts(log, '/api/Asset').length >= 2,
  },
  {
    point: 'mid-assets, the third asset batch never reaching Halo',
    faults: [
      { route: '/api/Asset', method: 'POST', latencyMs: 50, count: 2 },
      { route: '/api/Asset', method: 'POST', timeoutRate: 1 },
    ],
    when: (log: readonly LoggedRequest[]) => posts(log, '/api/Asset').length >= 3,
  },
])('apply killed $point', ({ faults, when }) => {
  it('leaves no duplicate once run again, and an empty plan', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npm test does)`);
    const s = await startSandbox({ devices: 160, faults: { halo: faults as FaultRule[] } });
    sandboxes.push(s);

    const outcome = await applyAndKill(s, when);
    // A write the dead process sent may still be running in Halo; by the time a person runs
    // apply again it has long finished. Wait for that, not for a fixed time.
    await settled(s);
    s.halo.server.faults.clear();
    const rerun = await cli(['apply', '-c', 'config/demo.yaml', '--auto-approve'], { env: demoEnv(s) });
    const final = await cli(['plan', '-c', 'config/demo.yaml', '--detailed-exitcode'], { env: demoEnv(s) });

    expect(outcome).toBe('killed');
    expect(rerun.code).toBe(0);
    expect(final.code).toBe(0);
    const state = s.halo.control.state();
    const assetIds = state.assets.map((a) => a.ninjarmm_id).filter((id): id is number => id !== undefined && id > 0);
    expect(assetIds.length).toBe(s.data.ninjaone.devices.length);
    expect(new Set(assetIds).size).toBe(assetIds.length);
    const clientIds = state.clients.map((c) => c.ninjarmmid).filter((id): id is number => id !== undefined && id > 0);
    expect(new Set(clientIds).size).toBe(clientIds.length);
    const siteIds = state.sites.map((x) => x.ninjarmmid).filter((id): id is number => id !== undefined && id > 0);
    expect(new Set(siteIds).size).toBe(siteIds.length);
    const clientNames = state.clients.filter((c) => !c.inactive).map((c) => c.name.toLowerCase());
    expect(new Set(clientNames).size).toBe(clientNames.length);
  });
});
