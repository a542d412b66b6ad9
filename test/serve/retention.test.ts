/**
 * Retention in serve: what a prune leaves for idempotency, end to end against the simulators (a
 * copy of a TRIGGERED whose first delivery was pruned opens no second ticket while the ticket is
 * open; a very late copy of a pruned, closed series opens one that the next poll closes), and the
 * automatic retention of `serve --retain-days` — a pass at start, then hourly on an injected
 * clock, one JSON line each, on the one replica that leads retention.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/http/index.js';
import { silentLogger } from '../../src/http/index.js';
import { RETENTION_EVERY_MS, RETENTION_LEASE, ServeStartError, startServe, type ServeHandle, type ServeOptions } from '../../src/serve/start.js';
import type { InboxStore, NewDelivery } from '../../src/store/inbox-store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createDatabase, usePostgres } from '../helpers/postgres.js';
import { delivery, pruned } from '../store/store-contract.js';
import { conditionActivity, loadSpec, post, specText, startWorld, waitFor, type World } from './fixtures.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 9, 0, 0);
const ENV = { NINJAONE_URL: 'http://127.0.0.1:9', NINJAONE_CLIENT_ID: 'n', NINJAONE_CLIENT_SECRET: 'ninja-secret', HALO_URL: 'http://127.0.0.1:9', HALO_CLIENT_ID: 'h', HALO_CLIENT_SECRET: 'halo-secret' };

let world: World | undefined;
let serves: ServeHandle[] = [];
let stores: InboxStore[] = [];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'haloform-retention-'));
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const s of serves) await s.stop({ graceMs: 1_000 }).catch(() => undefined);
  for (const s of stores) await s.close().catch(() => undefined);
  serves = [];
  stores = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A clock whose sleeps end only when the test moves time past them. */
function manualClock(start: number): Clock & { advance(ms: number): void } {
  let t = start;
  const sleepers = new Set<{ at: number; wake(): void }>();
  return {
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = { at: t + ms, wake: resolve };
        sleepers.add(sleeper);
        signal?.addEventListener('abort', () => {
          sleepers.delete(sleeper);
          reject(signal.reason);
        });
      }),
    advance(ms) {
      t += ms;
      for (const s of [...sleepers].filter((s) => s.at <= t)) {
        sleepers.delete(s);
        s.wake();
      }
    },
  };
}

/** Accepts a delivery and has a worker finish it. */
async function finished(store: InboxStore, d: NewDelivery, how: 'done' | 'dead' = 'done'): Promise<number> {
  const { deliveryId } = await store.accept(d);
  const [item] = await store.claim(1, 60_000, 'setup');
  expect(item?.deliveryId).toBe(deliveryId);
  if (how === 'done') await store.complete(deliveryId, 'setup', { status: 'done' });
  else await store.deadLetter(deliveryId, 'setup', 'Halo refused the ticket');
  return deliveryId;
}

/** serve on a store that has nothing to adopt from Halo (there is none: nothing answers on port 9). */
async function serveOn(store: string | InboxStore, options: Partial<ServeOptions> = {}): Promise<ServeHandle> {
  const handle = await startServe({ spec: loadSpec(specText(), ENV), store, port: 0, insecureNoAuth: true, poller: 'off', ...(options.logSink ? {} : { logger: silentLogger }), ...options });
  serves.push(handle);
  return handle;
}

describe('idempotency after a prune', () => {
  function only<T>(items: T[]): T {
    expect(items).toHaveLength(1);
    return items[0]!;
  }

  it('opens no second ticket for a TRIGGERED sent again after its first delivery was pruned, while its ticket is open', async () => {
    world = await startWorld();
    const body = JSON.stringify(conditionActivity(800_001, 'TRIGGERED', 'series-open', world.cast.plain.deviceId));
    expect((await post(world.serve.url, body)).status).toBe(202);
    await world.serve.idle();
    const ticket = only(world.ticketsOf('series-open'));

    // As a prune a month later would: everything finished goes, the open series stays.
    const result = await world.serve.store.prune({ olderThan: Date.now() + 1 });
    const again = await post(world.serve.url, body);
    await world.serve.idle();

    expect(result).toEqual(pruned({ deliveries: { done: 1 }, history: 2 }));
    // The inbox no longer knows the first delivery: the copy is accepted, and the series decides.
    expect(again).toEqual({ status: 202, body: { status: 'accepted', deliveryId: expect.any(Number) } });
    expect(world.ticketsOf('series-open')).toEqual([ticket]);
    expect(world.notesOf(ticket.id)).toEqual([]);
    expect((await world.serve.store.history(again.body.deliveryId as number)).map((h) => h.event)).toEqual(['already-applied', 'done']);
  });

  it('opens a ticket again for a very late copy of a series pruned after it closed, and the next poll closes it', async () => {
    world = await startWorld();
    const deviceId = world.cast.plain.deviceId;
    const triggered = JSON.stringify(conditionActivity(800_011, 'TRIGGERED', 'series-over', deviceId));
    await post(world.serve.url, triggered);
    await post(world.serve.url, JSON.stringify(conditionActivity(800_012, 'RESET', 'series-over', deviceId)));
    await world.serve.idle();
    const closed = only(world.ticketsOf('series-over')).status_id;

    const result = await world.serve.store.prune({ olderThan: Date.now() + 1 });
    await post(world.serve.url, triggered);
    await world.serve.idle();
    const reopened = world.ticketsOf('series-over').map((t) => t.status_id);
    const poll = await world.serve.poll();
    await world.serve.idle();

    expect(result).toMatchObject({ deliveries: { done: 2 }, series: 1 });
    expect(reopened).toEqual([closed, 1]);
    expect(poll).toMatchObject({ leader: true, closed: 1 });
    expect(world.ticketsOf('series-over').map((t) => t.status_id)).toEqual([closed, closed]);
  });
});

describe('serve --retain-days', () => {
  it('prunes when serve starts and then once an hour, logging one JSON line each time, and keeps dead deliveries', async () => {
    const clock = manualClock(NOW);
    const store = openSqliteStore(join(dir, 'hourly.db'), { now: clock.now });
    stores.push(store);
    await store.setMeta('adopted-from-halo', 'test');
    await finished(store, delivery(1, 'a', { receivedAt: NOW - 40 * DAY }));
    const dead = await finished(store, delivery(2, 'b', { receivedAt: NOW - 40 * DAY }), 'dead');
    // 30 days old half an hour from now: the second pass takes it.
    await finished(store, delivery(3, 'c', { receivedAt: NOW - 30 * DAY + 30 * 60_000 }));
    const lines: string[] = [];
    const passes = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'inbox pruned');

    await serveOn(store, { clock, retainDays: 30, logLevel: 'info', logSink: (line) => lines.push(line) });
    await waitFor('the pass at start', () => passes().length === 1);
    clock.advance(RETENTION_EVERY_MS - 1);
    const beforeTheHour = passes().length;
    clock.advance(1);
    await waitFor('the pass an hour later', () => passes().length === 2);

    expect(beforeTheHour).toBe(1);
    expect(passes()).toEqual([
      expect.objectContaining({ level: 'info', retainDays: 30, olderThan: new Date(NOW - 30 * DAY).toISOString(), deliveries: 1, done: 1, ignored: 0, duplicate: 0, rejected: 0, history: 1, series: 0 }),
      expect.objectContaining({ olderThan: new Date(NOW + RETENTION_EVERY_MS - 30 * DAY).toISOString(), deliveries: 1, done: 1, history: 1 }),
    ]);
    expect((await store.listDeliveries()).map((d) => d.id)).toEqual([dead]);
  });

  it('takes retention over at once from a serve that was killed (SQLite)', async () => {
    const store = openSqliteStore(join(dir, 'killed.db'));
    stores.push(store);
    await store.setMeta('adopted-from-halo', 'test');
    // What a serve killed with -9 leaves: its owner and retention leases, held for hours.
    const killed = `${hostname()}/999999999/dead`;
    await store.tryLead('serve:sqlite', 30_000, killed);
    await store.tryLead(RETENTION_LEASE, 2 * RETENTION_EVERY_MS, killed);

    const serve = await serveOn(store, { retainDays: 30, retention: 'manual' });

    expect(await serve.prune()).toEqual(pruned());
  });

  it('prunes nothing when retention is off', async () => {
    const store = openSqliteStore(join(dir, 'off.db'));
    stores.push(store);
    await store.setMeta('adopted-from-halo', 'test');
    await store.accept(delivery(1, 'a', { receivedAt: Date.now() - 400 * DAY, status: 'ignored' }));

    const serve = await serveOn(store, { retainDays: 0 });

    expect(await serve.prune()).toBeUndefined();
    expect(await store.listDeliveries()).toHaveLength(1);
  });

  it.each([[1.5], [-1], [Number.NaN]])('refuses retainDays %s', async (retainDays) => {
    await expect(serveOn(join(dir, 'never.db'), { retainDays })).rejects.toThrow(
      new ServeStartError(`retainDays must be a whole number of days, 1 or more (0: keep everything); got ${retainDays}.`),
    );
  });
});

describe('serve --retain-days on PostgreSQL', () => {
  const postgres = usePostgres();

  it('prunes on one replica only, the one leading retention, and on another once it stops', async () => {
    const db = await createDatabase(postgres.url(), 'haloform_retention');
    try {
      const seed = await openPostgresStore(db.url);
      await seed.setMeta('adopted-from-halo', 'test');
      await seed.accept(delivery(1, 'a', { receivedAt: Date.now() - 40 * DAY, status: 'ignored' }));
      await seed.close();
      const [a, b] = [await serveOn(db.url, { retainDays: 30, retention: 'manual' }), await serveOn(db.url, { retainDays: 30, retention: 'manual' })];

      const first = await a.prune();
      const other = await b.prune();
      await a.stop();
      const after = await b.prune();

      expect(first).toEqual(pruned({ deliveries: { ignored: 1 } }));
      expect(other).toBeUndefined();
      expect(after).toEqual(pruned());
      expect((await b.store.lease(RETENTION_LEASE))?.owner).toBe(b.workerId);
      await b.stop();
    } finally {
      await db.drop();
    }
  });
});
