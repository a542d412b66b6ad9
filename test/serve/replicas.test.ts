/**
 * serve at scale (DESIGN.md §5): two real `haloform serve` processes on one PostgreSQL inbox,
 * behind a small round-robin balancer that the NinjaOne simulator posts its webhooks to. A burst
 * of 1,000 deliveries — 500 alerts raised, 250 of them firing again, 250 resetting, each wave
 * acknowledged before the next so every series' events arrive in order — must end with exactly
 * the Halo tickets and notes one replica produces, every delivery processed once and every
 * series in order; and so must the same burst with one replica killed -9 half-way, and with
 * PostgreSQL restarted half-way (503s while it is down, nothing acknowledged lost). The file has
 * a PostgreSQL server of its own, since it stops and starts it.
 */

import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NinjaOneClient } from '../../src/rmm/ninjaone/client.js';
import type { NinjaActivity } from '../../src/sandbox/ninjaone/webhook-config.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createDatabase, usePostgres } from '../helpers/postgres.js';
import { ensureBuilt, spawnServe, type ServeChild } from '../helpers/serve-child.js';
import { linkedSeed, loadSpec, SECRET, specText, startWorld, waitFor } from './fixtures.js';

const SERIES = 500;
const LEASE_SECONDS = 5;
const SEVERITIES = ['CRITICAL', 'MAJOR', 'MODERATE', 'MINOR'] as const;

const server = usePostgres({ private: true });
let reference: string[];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  ensureBuilt();
  reference = await referenceRun();
}, 180_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}, 60_000);

/** The three waves: raise SERIES alerts, fire half of them again, reset a (shifted) half. */
async function fireWaves(sandbox: Sandbox, devices: number[], during?: (wave: number) => Promise<void>): Promise<string[]> {
  const control = sandbox.ninjaone.control;
  const triggered: NinjaActivity[] = [];
  for (let i = 0; i < SERIES; i++) {
    triggered.push(control.triggerAlert({ deviceId: devices[i % devices.length]!, severity: SEVERITIES[i % SEVERITIES.length]! }).activity);
  }
  await during?.(1);
  await control.flushWebhooks();
  for (let i = 0; i < SERIES / 2; i++) {
    const { id: _id, activityTime: _time, ...again } = triggered[i]!;
    control.fireActivity(again);
  }
  await during?.(2);
  await control.flushWebhooks();
  for (let i = SERIES / 4; i < (3 * SERIES) / 4; i++) control.resetAlert(String(triggered[i]!.seriesUid));
  await during?.(3);
  await control.flushWebhooks();
  return triggered.map((a) => String(a.seriesUid));
}

/**
 * Halo's tickets, one line per alert in the order the alerts were raised, without what differs
 * from run to run (ids, times, the alert's uid): fields, details and every note in order.
 */
function normalisedTickets(sandbox: Sandbox, uids: string[]): string[] {
  const state = sandbox.halo.control.state();
  return uids.map((uid, i) => {
    const tickets = state.tickets.filter((t) => t.ninja_alert_id === uid);
    const shown = tickets.map((t) => {
      const notes = state.actions
        .filter((a) => a.ticket_id === t.id)
        .sort((a, b) => a.id - b.id)
        .map((a) => ({ note: a.note_html ?? a.note ?? '', outcome: a.outcome_id, status: a.new_status }));
      const { id: _id, dateoccurred: _o, datecreated: _c, lastactiondate: _l, dateclosed: _d, third_party_id_string: _t, ...fields } = t;
      return { ...fields, notes };
    });
    return JSON.stringify(shown)
      .replaceAll(uid, `series-${i}`)
      .replaceAll(sandbox.ninjaone.url, '<ninjaone>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      // The ticket's own "Triggered" line, to the minute: runs either side of a minute's turn differ there.
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g, '<time>');
  });
}

/** One serve (in-process, SQLite): what the replicas must produce. */
async function referenceRun(): Promise<string[]> {
  const world = await startWorld({ seed: { devices: 60 } });
  try {
    world.sandbox.ninjaone.control.setWebhookDelivery({ concurrency: 8 });
    const uids = await fireWaves(world.sandbox, world.cast.linked);
    await world.serve.idle();
    return normalisedTickets(world.sandbox, uids);
  } finally {
    await world.close();
  }
}

/** A round-robin HTTP balancer: passes each request to the next live backend, moves on from a dead one. */
interface Balancer {
  url: string;
  /** Requests answered, per backend. */
  served: Map<string, number>;
  /** Every answer: the activity id in the body and the status the sender got. */
  answers: { activityId: number | undefined; status: number }[];
  close(): Promise<void>;
}

async function startBalancer(backends: string[]): Promise<Balancer> {
  const agent = new http.Agent({ keepAlive: true });
  const down = new Set<string>();
  const served = new Map(backends.map((b) => [b, 0]));
  const answers: Balancer['answers'] = [];
  let next = 0;
  const forward = (backend: string, req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const out = http.request(`${backend}${req.url}`, { method: req.method, headers: req.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      let activityId: number | undefined;
      try {
        activityId = (JSON.parse(body.toString()) as { id?: number }).id;
      } catch {
        activityId = undefined;
      }
      // Like a load balancer's passive health check: a backend that refuses or drops a
      // connection is taken out, and the request goes to the next one.
      for (;;) {
        const live = backends.filter((b) => !down.has(b));
        if (live.length === 0) {
          answers.push({ activityId, status: 502 });
          res.writeHead(502).end();
          return;
        }
        const backend = live[next++ % live.length]!;
        try {
          const answer = await forward(backend, req, body);
          served.set(backend, served.get(backend)! + 1);
          answers.push({ activityId, status: answer.status });
          res.writeHead(answer.status, { 'content-type': answer.headers['content-type'] ?? 'application/json', ...(answer.headers['retry-after'] ? { 'retry-after': answer.headers['retry-after'] } : {}) });
          res.end(answer.body);
          return;
        } catch {
          down.add(backend);
        }
      }
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    answers,
    close: async () => {
      agent.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

interface Replicas {
  sandbox: Sandbox;
  children: ServeChild[];
  balancer: Balancer;
  db: pg.Pool;
  /** The database the replicas share. */
  storeUrl: string;
}

/** A sandbox, a new database, two serve children on it behind a balancer registered as NinjaOne's webhook. */
async function startReplicas(): Promise<Replicas> {
  const { seed } = linkedSeed({ devices: 60 });
  const sandbox = await startSandbox({ data: seed });
  cleanups.push(() => sandbox.stop());
  const database = await createDatabase(server.url(), 'haloform_replicas');
  cleanups.push(() => database.drop());
  const dir = mkdtempSync(join(tmpdir(), 'haloform-replicas-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'spec.yaml'), specText());
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...sandbox.env, HALOFORM_WEBHOOK_SECRET: SECRET, HALOFORM_STORE: database.url, NO_COLOR: '1' };
  const args = ['-c', 'spec.yaml', '--host', '127.0.0.1', '--port', '0', '--lease-seconds', String(LEASE_SECONDS)];
  // Both start at the same moment: both migrate the new database, one of them first.
  const children = [spawnServe(args, env, dir), spawnServe(args, env, dir)];
  for (const c of children) cleanups.push(async () => killed(c.process) || c.process.kill('SIGKILL'));
  const urls = await Promise.all(children.map((c) => c.url));
  const balancer = await startBalancer(urls);
  cleanups.push(() => balancer.close());
  const ninja = new NinjaOneClient(loadSpec(specText(), sandbox.env).connections.ninjaone, { maxAttempts: 1 });
  await ninja.registerWebhook({ url: `${balancer.url}/ninjaone/webhook`, header: 'Authorization', secret: SECRET });
  await ninja.close();
  sandbox.ninjaone.control.setWebhookDelivery({ concurrency: 8, maxAttempts: 10, retryBackoffMs: 100 });
  // Halo answers creates slowly, so acknowledged work piles up ahead of the workers.
  sandbox.halo.server.faults.set([{ route: '/api/Tickets', method: 'POST', latencyMs: 30 }]);
  // The replica that leads polls once at start (there is nothing to find yet); the other does not.
  await waitFor('the first poll', () => children.some((c) => logged(c, 'poll finished') > 0));
  // A pool: its connections come back after the restart test stops the server.
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  db.on('error', () => undefined);
  cleanups.push(() => db.end());
  return { sandbox, children, balancer, db, storeUrl: database.url };
}

function killed(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function count(db: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: string }>(sql, values)).rows[0]!.n);
}

/** Waits until the inbox has no work left, then stops the live replicas gracefully. */
async function drain(run: Replicas): Promise<void> {
  await waitFor('the inbox to drain', async () => (await count(run.db, 'SELECT count(*) AS n FROM haloform_work')) === 0, 90_000);
  for (const c of run.children) {
    if (killed(c.process)) continue;
    c.process.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  }
}

/** What every run must show: all 1,000 activities acknowledged, each processed once, each series in order, the reference's tickets. */
async function expectExactlyOnce(run: Replicas, uids: string[]): Promise<void> {
  const control = run.sandbox.ninjaone.control;
  const published = control.state().activities.map((a) => a.id);
  expect(published).toHaveLength(1000);
  const delivered = new Set(control.webhookDeliveries().filter((d) => d.outcome === 'delivered').map((d) => d.activityId));
  expect(published.filter((id) => !delivered.has(id))).toEqual([]);

  // The inbox: each activity once (copies are duplicates of it), done, its outcome written once.
  const rows = (
    await run.db.query<{ activity_id: string; status: string; done: string }>(
      `SELECT d.activity_id, d.status, (SELECT count(*) FROM haloform_history h WHERE h.delivery_id = d.id AND h.event = 'done') AS done
       FROM haloform_deliveries d WHERE d.status NOT IN ('duplicate', 'rejected')`,
    )
  ).rows;
  expect(rows.map((r) => Number(r.activity_id)).sort()).toEqual([...published].sort());
  expect(rows.filter((r) => r.status !== 'done' || r.done !== '1')).toEqual([]);
  expect(await count(run.db, "SELECT count(*) AS n FROM haloform_deliveries WHERE status = 'dead'")).toBe(0);

  // Every 2xx the sender got stands for a delivery that was processed.
  const acknowledged = new Set(run.balancer.answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.activityId));
  expect([...acknowledged].filter((id) => !published.includes(id!))).toEqual([]);

  // Each series processed in order: its "done" entries follow its activity ids.
  const order = (
    await run.db.query<{ series_key: string; ids: string[] }>(
      `SELECT d.series_key, array_agg(d.activity_id ORDER BY h.id) AS ids
       FROM haloform_history h JOIN haloform_deliveries d ON d.id = h.delivery_id
       WHERE h.event = 'done' GROUP BY d.series_key`,
    )
  ).rows;
  expect(order).toHaveLength(SERIES);
  const outOfOrder = order.filter((r) => r.ids.map(Number).some((id, i, all) => i > 0 && id < all[i - 1]!));
  expect(outOfOrder).toEqual([]);

  const tickets = normalisedTickets(run.sandbox, uids);
  const differing = tickets.flatMap((got, i) => (got === reference[i] ? [] : [{ series: i, got, expected: reference[i] }]));
  expect(differing.slice(0, 2)).toEqual([]);
  const state = run.sandbox.halo.control.state();
  expect(state.tickets).toHaveLength(SERIES);
}

function logged(child: ServeChild, msg: string): number {
  return child.stderr.filter((l) => l.includes(`"msg":"${msg}"`)).length;
}

it('turns a burst of 1,000 deliveries spread over two replicas into the tickets one replica makes, each delivery processed once, each series in order', async () => {
  const run = await startReplicas();

  const uids = await fireWaves(run.sandbox, linkedSeed({ devices: 60 }).cast.linked);
  await drain(run);

  await expectExactlyOnce(run, uids);
  // The balancer spread the burst, and both replicas worked on it.
  for (const [backend, n] of run.balancer.served) expect(n, backend).toBeGreaterThan(300);
  for (const c of run.children) expect(logged(c, 'delivery processed')).toBeGreaterThan(100);
  // One poller for the two: exactly one replica polled at start.
  expect(run.children.map((c) => logged(c, 'poll finished')).sort()).toEqual([0, 1]);
}, 120_000);

it('finishes the work of a replica killed -9 mid-burst on the other one, within the lease time, nothing lost or doubled', async () => {
  const run = await startReplicas();
  const [victim, survivor] = run.children as [ServeChild, ServeChild];
  const owner = `${hostname()}/${victim.process.pid}/%`;
  let killedAt = 0;
  let held: number[] = [];

  const uids = await fireWaves(run.sandbox, linkedSeed({ devices: 60 }).cast.linked, async (wave) => {
    if (wave !== 1) return;
    // Half-way through the first wave, while the victim is working on leased deliveries.
    await waitFor('the victim to hold leases mid-burst', async () => {
      const acknowledged = run.balancer.answers.filter((a) => a.status === 202).length;
      return acknowledged >= 200 && (await count(run.db, 'SELECT count(*) AS n FROM haloform_lanes WHERE owner LIKE $1 AND until > (extract(epoch FROM now()) * 1000)::bigint', [owner])) > 0;
    });
    victim.process.kill('SIGKILL');
    killedAt = Date.now();
    await victim.exited;
    held = (await run.db.query<{ delivery_id: string }>('SELECT delivery_id FROM haloform_lanes WHERE owner LIKE $1', [owner])).rows.map((r) => Number(r.delivery_id));
  });
  await drain(run);

  expect(held.length).toBeGreaterThan(0);
  await expectExactlyOnce(run, uids);
  // What the victim held was taken over by the survivor once the victim's leases ran out.
  const taken = (await run.db.query<{ attempts: number; finished_at: string }>('SELECT attempts, finished_at FROM haloform_deliveries WHERE id = ANY($1)', [held])).rows;
  expect(taken).toHaveLength(held.length);
  for (const t of taken) {
    expect(t.attempts).toBeGreaterThanOrEqual(2);
    expect(Number(t.finished_at) - killedAt).toBeLessThan(LEASE_SECONDS * 1000 + 10_000);
  }
  expect(await count(run.db, 'SELECT count(*) AS n FROM haloform_lanes WHERE owner LIKE $1', [owner])).toBe(0);
  expect(logged(survivor, 'delivery processed')).toBeGreaterThan(0);
}, 150_000);

it('answers 503 while PostgreSQL restarts mid-burst, loses no acknowledged delivery, and resumes when it is back', async () => {
  const run = await startReplicas();
  const cluster = server.cluster();
  let refusedWhileDown = 0;

  const uids = await fireWaves(run.sandbox, linkedSeed({ devices: 60 }).cast.linked, async (wave) => {
    if (wave !== 1) return;
    await waitFor('half of the first wave acknowledged', () => run.balancer.answers.filter((a) => a.status === 202).length >= 200);
    await cluster.stop();
    const before = run.balancer.answers.length;
    await waitFor('deliveries refused while PostgreSQL is down', () => run.balancer.answers.slice(before).filter((a) => a.status === 503).length >= 10);
    const during = run.balancer.answers.slice(before);
    refusedWhileDown = during.filter((a) => a.status === 503).length;
    await cluster.start();
  });
  await drain(run);

  expect(refusedWhileDown).toBeGreaterThanOrEqual(10);
  await expectExactlyOnce(run, uids);
  for (const c of run.children) {
    expect(c.stderr.some((l) => l.includes('could not store a delivery; answered 503'))).toBe(true);
  }
  expect(run.children.some((c) => logged(c, 'the inbox answers again') > 0)).toBe(true);
}, 150_000);
