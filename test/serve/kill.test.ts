/**
 * The durability promise (DESIGN.md §8): kill -9 of a `haloform serve` process in the middle of
 * a burst, restart it on the same SQLite inbox, and every delivery that got a 2xx is processed
 * exactly once — one ticket per alert, nothing noted twice. serve runs as a real child process
 * (`node dist/cli/main.js serve`), so the kill is real; the NinjaOne simulator in this process
 * keeps firing and retrying its webhooks across the restart.
 */

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NinjaOneClient } from '../../src/rmm/ninjaone/client.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ensureBuilt, spawnServe } from '../helpers/serve-child.js';
import { linkedSeed, loadSpec, SECRET, specText, waitFor } from './fixtures.js';

let sandbox: Sandbox;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('processes every acknowledged delivery exactly once across a kill -9 and a restart on the same store', async () => {
  const { seed, cast } = linkedSeed({ devices: 60 });
  sandbox = await startSandbox({ data: seed });
  dir = mkdtempSync(join(tmpdir(), 'haloform-kill-'));
  writeFileSync(join(dir, 'spec.yaml'), specText());
  const inbox = join(dir, 'inbox.db');
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...sandbox.env, HALOFORM_WEBHOOK_SECRET: SECRET, NO_COLOR: '1' };
  const args = (port: number) => ['-c', 'spec.yaml', '--host', '127.0.0.1', '--port', String(port), '--store', `sqlite:${inbox}`];
  // Halo answers creates slowly, so acknowledged work piles up in the inbox ahead of the workers.
  sandbox.halo.server.faults.set([{ route: '/api/Tickets', method: 'POST', latencyMs: 30 }]);

  const first = spawnServe(args(0), env, dir);
  children.push(first.process);
  const url = await first.url;
  const port = Number(new URL(url).port);
  const ninja = new NinjaOneClient(loadSpec(specText(), sandbox.env).connections.ninjaone, { maxAttempts: 1 });
  await ninja.registerWebhook({ url: `${url}/ninjaone/webhook`, header: 'Authorization', secret: SECRET });
  await ninja.close();
  const control = sandbox.ninjaone.control;
  control.setWebhookDelivery({ concurrency: 8, maxAttempts: 8, retryBackoffMs: 100 });

  const uids = Array.from({ length: 150 }, (_, i) => control.triggerAlert({ deviceId: cast.linked[i % cast.linked.length]! }).alert.uid);
  await waitFor('40 deliveries acknowledged', () => control.webhookDeliveries().filter((d) => d.outcome === 'delivered').length >= 40);
  first.process.kill('SIGKILL');
  await first.exited;
  const acknowledgedAtKill = control.webhookDeliveries().filter((d) => d.outcome === 'delivered').length;
  const pendingAtKill = (() => {
    const db = new Database(inbox, { readonly: true });
    const n = (db.prepare('SELECT COUNT(*) AS n FROM work').get() as { n: number }).n;
    db.close();
    return n;
  })();

  const second = spawnServe(args(port), env, dir);
  children.push(second.process);
  await second.url;
  await control.flushWebhooks();
  await waitFor('the restarted serve to poll once', () => second.stderr.some((l) => l.includes('"msg":"poll finished"')));
  await waitFor('the inbox to drain', () => {
    const db = new Database(inbox, { readonly: true });
    const n = (db.prepare('SELECT COUNT(*) AS n FROM work').get() as { n: number }).n;
    db.close();
    return n === 0;
  });

  // The kill came mid-burst, with acknowledged work not yet done.
  expect(acknowledgedAtKill).toBeLessThan(150);
  expect(pendingAtKill).toBeGreaterThan(0);
  const acknowledged = control.webhookDeliveries().filter((d) => d.responseStatus !== undefined && d.responseStatus >= 200 && d.responseStatus < 300);
  const db = new Database(inbox, { readonly: true });
  const done = new Map(
    (db.prepare("SELECT activity_id, status FROM deliveries WHERE source = 'webhook' AND status NOT IN ('duplicate', 'rejected')").all() as { activity_id: number; status: string }[]).map((r) => [
      r.activity_id,
      r.status,
    ]),
  );
  const dead = (db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'dead'").get() as { n: number }).n;
  db.close();
  for (const d of acknowledged) expect(done.get(d.activityId), `activity ${d.activityId}`).toBe('done');
  expect(dead).toBe(0);
  const state = sandbox.halo.control.state();
  for (const uid of uids) expect(state.tickets.filter((t) => t.ninja_alert_id === uid), uid).toHaveLength(1);
  expect(state.tickets).toHaveLength(150);
  // Nothing was applied twice: no "fired again" notes, no other actions.
  expect(state.actions).toEqual([]);

  second.process.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(second.stderr.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
}, 90_000);
