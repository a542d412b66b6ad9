/**
 * The PostgreSQL store: the shared InboxStore contract (each test in a schema of its own), and
 * what only a store shared by several processes must show — migrations that replicas run at the
 * same moment, claims from two stores at once, leases on the database's clock, leadership that
 * moves when its holder's connection dies, and prunes that run while other replicas (or another
 * prune) work on the same tables. Runs against a real server (helpers/postgres.ts).
 */

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { createDatabase, usePostgres, withSchema } from '../helpers/postgres.js';
import { openStore, StoreUrlError } from '../../src/store/open-store.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { describePostgresUrl, openPostgresStore, PostgresStore } from '../../src/store/postgres-store.js';
import type { InboxStore } from '../../src/store/inbox-store.js';
import { delivery, describeInboxStoreContract, settledSeries } from './store-contract.js';

let db: { url: string; drop(): Promise<void> };
let admin: pg.Client;
let n = 0;

usePostgres({
  setup: async (url) => {
    db = await createDatabase(url, 'haloform_store');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  },
  teardown: async () => {
    await admin.end();
    await db.drop();
  },
});

/** A new schema in the file's database, and a URL whose connections use it. */
async function schema(): Promise<{ name: string; url: string }> {
  const name = `s${++n}`;
  await admin.query(`CREATE SCHEMA ${name}`);
  return { name, url: withSchema(db.url, name) };
}

const schemas = new WeakMap<InboxStore, string>();

describeInboxStoreContract('PostgreSQL', {
  create: async ({ now }) => {
    const s = await schema();
    const store = await openPostgresStore(s.url, { now });
    schemas.set(store, s.name);
    return store;
  },
  cleanup: async (store) => {
    await admin.query(`DROP SCHEMA ${schemas.get(store)} CASCADE`);
  },
});

describe('PostgreSQL store', () => {
  it('has committed an accepted delivery by the time accept resolves (another connection sees it)', async () => {
    const s = await schema();
    const store = await openPostgresStore(s.url);

    const { deliveryId } = await store.accept(delivery(77, 'series-a'));

    const row = await admin.query(`SELECT d.status, d.activity_id, w.series_key FROM ${s.name}.haloform_deliveries d JOIN ${s.name}.haloform_work w ON w.delivery_id = d.id WHERE d.id = $1`, [deliveryId]);
    expect(row.rows).toEqual([{ status: 'pending', activity_id: '77', series_key: 'series-a' }]);
    await store.close();
  });

  it('creates its schema once when several replicas start at the same moment', async () => {
    const s = await schema();

    const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(s.url)));

    const versions = await admin.query(`SELECT version FROM ${s.name}.haloform_schema ORDER BY version`);
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const results = await Promise.all(stores.map((store, i) => store.accept(delivery(500, `series-${i}`))));
    expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(5);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('refuses a database migrated by a newer haloform', async () => {
    const s = await schema();
    await (await openPostgresStore(s.url)).close();
    await admin.query(`INSERT INTO ${s.name}.haloform_schema (version, description) VALUES (999, 'from the future')`);

    await expect(openStore(s.url)).rejects.toThrow(
      new StoreUrlError(
        `${describePostgresUrl(s.url)} holds a haloform inbox of schema version 999; this haloform knows versions up to ${LATEST_VERSION}. Upgrade haloform (every replica) to the version that wrote it.`,
      ),
    );
  });

  it('leaves the database alone when the inbox must exist (the inbox commands)', async () => {
    const s = await schema();

    const listed = await cli(['inbox', 'list', '--store', s.url]);

    expect(listed).toMatchObject({
      code: 1,
      stderr: `Error: There is no haloform inbox in ${describePostgresUrl(s.url)}. haloform serve creates it; pass the same --store (or HALOFORM_STORE) serve uses.\n`,
    });
    expect((await admin.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`, [s.name])).rows[0]).toEqual({ n: 0 });
  });

  it('serves the inbox commands once serve created it', async () => {
    const s = await schema();
    const store = await openPostgresStore(s.url);
    const { deliveryId } = await store.accept(delivery(4242, 'series-a'));
    await store.close();

    const listed = await cli(['inbox', 'list', '--store', s.url]);

    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^ID +RECEIVED +STATUS +HTTP +ACTIVITY.*\\n${deliveryId} +\\S+ +pending +202 +4242 +TRIGGERED`));
  });

  it('fails an accept at once when the server cannot be reached, so serve answers 503', async () => {
    const store = new PostgresStore('postgres://haloform@127.0.0.1:1/nowhere', { connectTimeoutMs: 2_000 });

    await expect(store.accept(delivery(1, 'a'))).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.ping()).rejects.toThrow();
    await store.close();
  });

  it.each([
    ['postgres://haloform:s3cret@db.example:5432/haloform', 'postgres://haloform@db.example:5432/haloform'],
    ['postgresql://u:p@h/d?sslmode=require', 'postgresql://u@h/d?sslmode=require'],
    ['postgres://h/d?password=pw', 'postgres://h/d?password=***'],
  ])('describes %s without its password', (url, shown) => {
    expect(describePostgresUrl(url)).toBe(shown);
  });
});

describe('two replicas on one database', () => {
  it('never hands one series to two workers at once, keeps each series in order, and loses nothing', async () => {
    const s = await schema();
    const replicas = await Promise.all([openPostgresStore(s.url), openPostgresStore(s.url)]);
    const series = Array.from({ length: 12 }, (_, i) => `series-${i}`);
    const expected = new Map<string, number[]>();
    // 240 items, 20 per series, their order keys shuffled into arrival order.
    const items = series.flatMap((key, k) => Array.from({ length: 20 }, (_, j) => ({ key, id: 10_000 + k * 100 + j })));
    for (const { key, id } of items) expected.set(key, [...(expected.get(key) ?? []), id]);
    items.sort((a, b) => ((a.id * 7919) % 241) - ((b.id * 7919) % 241));
    await Promise.all(items.map(({ key, id }, i) => replicas[i % 2]!.accept(delivery(id, key))));

    const running = new Set<string>();
    const processed = new Map<string, number[]>();
    const overlaps: string[] = [];
    const worker = async (store: InboxStore, name: string) => {
      for (let idle = 0; idle < 5; ) {
        const claimed = await store.claim(3, 30_000, name);
        if (claimed.length === 0) {
          idle += 1;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        idle = 0;
        await Promise.all(
          claimed.map(async (item) => {
            if (running.has(item.seriesKey)) overlaps.push(`${item.seriesKey} claimed by ${name} while running elsewhere`);
            running.add(item.seriesKey);
            await new Promise((resolve) => setImmediate(resolve));
            processed.set(item.seriesKey, [...(processed.get(item.seriesKey) ?? []), item.activityId!]);
            running.delete(item.seriesKey);
            expect(await store.complete(item.deliveryId, name, { status: 'done' })).toBe(true);
          }),
        );
      }
    };

    await Promise.all([worker(replicas[0]!, 'a1'), worker(replicas[0]!, 'a2'), worker(replicas[1]!, 'b1'), worker(replicas[1]!, 'b2')]);

    expect(overlaps).toEqual([]);
    expect(await replicas[0]!.counts()).toEqual({ pending: 0, ready: 0, leased: 0, dead: 0 });
    for (const key of series) expect(processed.get(key), key).toEqual(expected.get(key));
    const done = await admin.query(`SELECT count(*)::int AS n FROM ${s.name}.haloform_history WHERE event = 'done'`);
    expect(done.rows[0]).toEqual({ n: 240 });
    await Promise.all(replicas.map((r) => r.close()));
  }, 60_000);

  it('runs leases on the database clock: a replica whose clock is an hour ahead does not take a live lease', async () => {
    const s = await schema();
    const onTime = await openPostgresStore(s.url);
    const ahead = await openPostgresStore(s.url, { localNow: () => Date.now() + 3_600_000 });
    await onTime.accept(delivery(1, 'a'));
    const [held] = await onTime.claim(1, 60_000, 'on-time');

    expect(await ahead.claim(1, 60_000, 'ahead')).toEqual([]);
    expect(await ahead.counts()).toMatchObject({ pending: 1, leased: 1, ready: 0 });
    // Its own retry time, in its own clock, becomes "in 5 s" on the database's.
    await onTime.release(held!.deliveryId, 'on-time');
    const [mine] = await ahead.claim(1, 60_000, 'ahead');
    await ahead.fail(mine!.deliveryId, 'ahead', { retryAt: Date.now() + 3_600_000 + 5_000, error: 'Halo answered 503' });
    const row = await admin.query(`SELECT available_at - (extract(epoch FROM now()) * 1000)::bigint AS wait FROM ${s.name}.haloform_work`);
    expect(Number(row.rows[0].wait)).toBeGreaterThan(3_000);
    expect(Number(row.rows[0].wait)).toBeLessThanOrEqual(5_000);
    await onTime.close();
    await ahead.close();
  });
});

describe('poller leadership across replicas', () => {
  it('holds while the leader lives, even past its lease, and moves when its connection dies', async () => {
    const s = await schema();
    const a = await openPostgresStore(s.url);
    const b = await openPostgresStore(s.url);

    expect(await a.tryLead('poller', 1, 'replica-a')).toBe(true);
    // The lease row ran out at once, but replica a is alive and holds the lock.
    expect(await b.tryLead('poller', 60_000, 'replica-b')).toBe(false);
    expect(await a.tryLead('poller', 60_000, 'replica-a')).toBe(true);

    // Replica a's process dies: its sessions end, and the lock with them.
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'haloform-leader' AND datname = current_database()");
    // pg_terminate_backend only signals: the lock goes when the backend has exited.
    for (let waited = 0; waited < 5_000; waited += 50) {
      const left = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'haloform-leader' AND datname = current_database()");
      if ((left.rows[0] as { n: number }).n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lease = await a.lease('poller');
    expect(lease?.owner).toBe('replica-a');

    expect(await b.tryLead('poller', 60_000, 'replica-b')).toBe(true);
    expect((await b.lease('poller'))?.owner).toBe('replica-b');
    expect(await a.tryLead('poller', 60_000, 'replica-a')).toBe(false);
    await b.resign('poller', 'replica-b');
    expect(await a.tryLead('poller', 60_000, 'replica-a')).toBe(true);
    await a.close();
    await b.close();
  });

  it('is taken over at once when the leader closes its store (a graceful stop)', async () => {
    const s = await schema();
    const a = await openPostgresStore(s.url);
    const b = await openPostgresStore(s.url);
    expect(await a.tryLead('poller', 600_000, 'replica-a')).toBe(true);

    await a.close();

    expect(await b.tryLead('poller', 600_000, 'replica-b')).toBe(true);
    await b.close();
  });
});

describe('pruning while others work', () => {
  const EVERYTHING = Number.MAX_SAFE_INTEGER;

  /** Accepts deliveries of `keys` (one each) and has a worker finish them. */
  async function finished(store: InboxStore, ids: number[], key: (id: number) => string): Promise<void> {
    for (const id of ids) await store.accept(delivery(id, key(id)));
    for (let items = await store.claim(100, 60_000, 'setup'); items.length > 0; items = await store.claim(100, 60_000, 'setup')) {
      for (const item of items) await store.complete(item.deliveryId, 'setup', { status: 'done' });
    }
  }

  async function count(schemaName: string, table: string): Promise<number> {
    return (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schemaName}.${table}`)).rows[0]!.n;
  }

  it('leaves a delivery another transaction holds, without waiting for it, and takes it next time', async () => {
    const s = await schema();
    const store = await openPostgresStore(s.url);
    await finished(store, [1, 2], (id) => `series-${id}`);
    const [held] = await store.listDeliveries({ activityId: 1 });
    const holder = new pg.Client({ connectionString: s.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM haloform_deliveries WHERE id = $1 FOR UPDATE', [held!.id]);

    const first = await store.prune({ olderThan: EVERYTHING });
    await holder.query('ROLLBACK');
    await holder.end();
    const second = await store.prune({ olderThan: EVERYTHING });

    expect([first.deliveries.done, second.deliveries.done]).toEqual([1, 1]);
    expect(await count(s.name, 'haloform_deliveries')).toBe(0);
    await store.close();
  });

  it("never removes a series' claim lane from under a delivery another replica is accepting", async () => {
    const s = await schema();
    const store = await openPostgresStore(s.url);
    await finished(store, [1], () => 'series-a');
    // Another replica's accept of series-a's next delivery, written as ACCEPT_SQL writes it and
    // not yet committed: the lane exists, so its insert did nothing and holds no lock on it.
    const other = new pg.Client({ connectionString: s.url });
    await other.connect();
    await other.query('BEGIN');
    const inserted = await other.query<{ id: string }>(
      `INSERT INTO haloform_deliveries (received_at, source, status, path, headers, body, body_bytes, http_status, activity_id, series_key)
       VALUES (1, 'webhook', 'pending', '/ninjaone/webhook', '{}', '{"id":2}', 8, 202, 2, 'series-a') RETURNING id`,
    );
    const id = Number(inserted.rows[0]!.id);
    await other.query("INSERT INTO haloform_work (delivery_id, series_key, order_key, available_at) VALUES ($1, 'series-a', 2, 0)", [id]);
    await other.query("INSERT INTO haloform_lanes (series_key) VALUES ('series-a') ON CONFLICT DO NOTHING");

    let done = false;
    const pruning = store.prune({ olderThan: EVERYTHING }).finally(() => (done = true));
    // The accept commits once the prune waits for the lanes table (or has finished without it).
    const waiting = async () =>
      (await admin.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND relation = '${s.name}.haloform_lanes'::regclass`)).rows.length > 0;
    while (!done && !(await waiting())) await new Promise((resolve) => setTimeout(resolve, 5));
    await other.query('COMMIT');
    await other.end();
    const result = await pruning;

    expect(result.deliveries.done).toBe(1);
    expect((await store.claim(10, 60_000, 'w1')).map((i) => i.deliveryId)).toEqual([id]);
    await store.close();
  });

  it('removes each row once when two replicas prune at the same moment', async () => {
    const s = await schema();
    const [a, b] = await Promise.all([openPostgresStore(s.url), openPostgresStore(s.url)]);
    await finished(a, Array.from({ length: 120 }, (_, i) => i + 1), (id) => `series-${id % 40}`);
    for (let k = 0; k < 40; k++) await a.saveSeries(settledSeries(`series-${k}`, 1));

    const [ra, rb] = await Promise.all([a.prune({ olderThan: EVERYTHING, batchSize: 7 }), b.prune({ olderThan: EVERYTHING, batchSize: 7 })]);

    expect(ra.deliveries.done + rb.deliveries.done).toBe(120);
    expect(ra.history + rb.history).toBe(120);
    expect(ra.series + rb.series).toBe(40);
    for (const table of ['haloform_deliveries', 'haloform_history', 'haloform_series', 'haloform_lanes']) expect(await count(s.name, table), table).toBe(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('prunes again and again while two replicas accept and process the same series, and no work is lost', async () => {
    const s = await schema();
    const replicas = await Promise.all([openPostgresStore(s.url), openPostgresStore(s.url)]);
    const keys = Array.from({ length: 8 }, (_, i) => `series-${i}`);
    const ids = Array.from({ length: 160 }, (_, i) => 1000 + i);
    const processed = new Set<number>();
    let accepting = true;
    const worker = async (store: InboxStore, name: string) => {
      for (let idle = 0; idle < 5 || accepting; ) {
        const items = await store.claim(4, 30_000, name);
        idle = items.length === 0 ? idle + 1 : 0;
        if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        for (const item of items) {
          processed.add(item.activityId!);
          expect(await store.complete(item.deliveryId, name, { status: 'done' })).toBe(true);
        }
      }
    };
    const pruner = async () => {
      let runs = 0;
      while (accepting || runs < 3) {
        await replicas[runs % 2]!.prune({ olderThan: EVERYTHING, batchSize: 3 });
        runs += 1;
      }
      return runs;
    };
    const accepted = (async () => {
      for (const [i, id] of ids.entries()) await replicas[i % 2]!.accept(delivery(id, keys[i % keys.length]!));
      accepting = false;
    })();

    const [runs] = await Promise.all([pruner(), accepted, worker(replicas[0]!, 'a'), worker(replicas[1]!, 'b')]);

    expect(runs).toBeGreaterThan(3);
    expect([...processed].sort()).toEqual(ids);
    expect(await replicas[0]!.counts()).toEqual({ pending: 0, ready: 0, leased: 0, dead: 0 });
    await Promise.all(replicas.map((r) => r.close()));
  }, 60_000);
});
