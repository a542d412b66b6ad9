/**
 * The inbox store on PostgreSQL (node-postgres): one database shared by several `haloform serve`
 * replicas behind a load balancer (DESIGN.md §5). The same contract as the SQLite store
 * (test/store/store-contract.ts), with what several processes need on top:
 *
 * - Accept: deliveries that arrive together go to the database as one statement (group commit,
 *   like SQLite's), and `accept` resolves only after that statement committed — a 2xx is never
 *   sent for a delivery that is not durable. Two replicas given the same activity keep one: the
 *   unique index decides, the other copy is recorded as its duplicate.
 * - Claims: each alert series has a lane row; a worker leases the lane with the series' oldest
 *   due item in one statement that locks lane and item `FOR UPDATE SKIP LOCKED`. Another worker,
 *   here or on another replica, skips a locked lane and, once the lease is committed, sees it
 *   (PostgreSQL re-checks a row updated under it), so one series is never worked on twice at
 *   once and its items go out in order. A lease that is not renewed runs out and the lane is
 *   free again: a replica that dies mid-event hands its work over after the lease time.
 * - Time: leases and retries run on the database's clock (`now()`), not on each replica's, so
 *   a replica whose clock is off neither steals a live lease nor sits on an expired one. Times
 *   given to or returned from the store are in the caller's clock; the store converts them as
 *   offsets from now.
 * - Leadership (`tryLead`, for the poller): a session advisory lock per name, held on a
 *   dedicated connection while this process leads. It goes when the process dies or loses its
 *   connection, and the next replica to ask takes over then. A lease row (as in SQLite) records
 *   who leads and decides between workers of one process.
 * - Outages: a query that cannot reach the server fails fast (5 s to connect); serve answers
 *   503 to the sender. The pool opens new connections when the server is back.
 */

import pg from 'pg';
import type {
  AcceptResult,
  Completion,
  Delivery,
  DeliveryFilter,
  HistoryEntry,
  InboxStore,
  Lease,
  NewDelivery,
  NewRejection,
  PruneOptions,
  PruneResult,
  QueueCounts,
  RejectReason,
  ReplayResult,
  SeriesState,
  WorkItem,
} from './inbox-store.js';
import { CACHE_META_KEY, UNSTORED_PREFIX, type CacheRow, type CacheWrite } from './inbox-store.js';
import { deliveryFrom, json, workItemFrom, type DeliveryRow, type WorkItemRow } from './delivery-rows.js';
import { migrate } from './postgres-migrations.js';
import { countDeliveries, emptyPruneResult, pruneBatchSize, prunableStatuses } from './prune.js';
import { GroupCommit, type Pending } from './group-commit.js';

/** Sync cache rows per INSERT (three arrays of this many values). */
const CACHE_ROWS_PER_STATEMENT = 4000;

export interface PostgresStoreOptions {
  /**
   * Replaces the database clock (epoch ms) in every lease, retry and timestamp: the contract
   * tests' fake time. Leave it out in production: the database's `now()` is the one clock all
   * replicas share.
   */
  now?: () => number;
  /** This process's clock, for the times callers pass in and get back (retryAt, nextDueAt). Default Date.now. */
  localNow?: () => number;
  /** Refuse to create the schema when it is missing (the `inbox` commands read an existing store). */
  mustExist?: boolean;
  /** Connections in the pool. Default 10. */
  maxConnections?: number;
  /** Milliseconds to wait for a connection before a call fails. Default 5000. */
  connectTimeoutMs?: number;
}

/** Deliveries written per accept statement, at most. */
const MAX_BATCH = 200;

/** Accept statements in flight at once, at most (the rest of the pool serves workers and reads). */
const MAX_WRITERS = 4;

/**
 * The advisory-lock class of leadership locks ("halo" in ASCII): `pg_try_advisory_lock(class,
 * hashtext(schema/name))`. Two-key locks never collide with the one-key migration lock.
 */
const LEAD_LOCK_CLASS = 1751215215;

/** The clock every statement reads: the override in tests ($1), else the database's now(). */
const CLOCK = 'clock AS (SELECT COALESCE($1::bigint, (extract(epoch FROM now()) * 1000)::bigint) AS now_ms)';

/** The oldest item of its series (order key, then delivery id). */
const IS_HEAD = `NOT EXISTS (SELECT 1 FROM haloform_work o WHERE o.series_key = h.series_key
                  AND (o.order_key, o.delivery_id) < (h.order_key, h.delivery_id))`;

type PendingAccept = Pending<NewDelivery, AcceptResult>;

/** bigint columns (ids, epoch ms, counts) as numbers: every value haloform keeps fits in 2^53. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as pg.CustomTypesConfig['getTypeParser'],
};

/** Opens the store at `url`, creating or migrating its schema unless `mustExist`. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const store = new PostgresStore(url, options);
  try {
    await store.migrate(!options.mustExist);
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
  return store;
}

/** The URL without its password, for logs and messages. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
  }
}

export class PostgresStore implements InboxStore {
  readonly description: string;
  readonly #config: pg.ClientConfig;
  readonly #pool: pg.Pool;
  readonly #clock: (() => number) | undefined;
  readonly #local: () => number;
  readonly #commits = new GroupCommit<NewDelivery, AcceptResult>(() => this.#flush());
  readonly #flushing = new Set<Promise<void>>();
  #closed = false;
  /** The connection that holds leadership locks, while there is one. */
  #leadClient: pg.Client | undefined;
  /** Leadership locks held on #leadClient. */
  readonly #locks = new Set<string>();
  /** Per name, the worker of this process that last won the lease row. */
  readonly #leaders = new Map<string, string>();
  /** Leadership calls one at a time (they share #leadClient). */
  #leadQueue: Promise<unknown> = Promise.resolve();

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.description = describePostgresUrl(url);
    this.#clock = options.now;
    this.#local = options.now ?? options.localNow ?? Date.now;
    const connectTimeout = options.connectTimeoutMs ?? 5_000;
    this.#config = {
      connectionString: url,
      application_name: 'haloform',
      keepAlive: true,
      connectionTimeoutMillis: connectTimeout,
      types: TYPES,
    };
    this.#pool = new pg.Pool({ ...this.#config, max: options.maxConnections ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection the server closed (a restart, a failover) is dropped from the pool; the
    // next query opens a new one. Without a listener the error would end the process.
    this.#pool.on('error', () => undefined);
  }

  /** Creates or migrates the schema (`create`), or checks that it is there and current. */
  async migrate(create: boolean): Promise<number[]> {
    const client = await this.#pool.connect();
    try {
      return await migrate(client, { create, where: this.description });
    } finally {
      client.release();
    }
  }

  accept(delivery: NewDelivery): Promise<AcceptResult> {
    if (this.#closed) return Promise.reject(closedError());
    // Group commit: what arrives in this turn of the event loop shares a statement.
    return this.#commits.add(delivery);
  }

  #flush(): void {
    // At most MAX_WRITERS statements at once: under load the next batch gathers while one is in
    // flight, so commits grow instead of queueing for connections.
    while (this.#commits.waiting > 0 && this.#flushing.size < MAX_WRITERS) {
      const chunk = this.#commits.take(MAX_BATCH);
      const run = this.#acceptChunk(chunk).finally(() => {
        this.#flushing.delete(run);
        if (this.#commits.waiting > 0) this.#flush();
      });
      this.#flushing.add(run);
    }
  }

  async #acceptChunk(chunk: PendingAccept[]): Promise<void> {
    let left = chunk;
    try {
      // A copy whose first was committed by another transaction after this statement began is
      // neither written nor recognised; the next round sees the first and records the duplicate.
      for (let round = 1; left.length > 0; round++) {
        if (round > 5) throw new Error(`could not settle activity ${left[0]!.item.activityId} against concurrent copies`);
        const results = await retryOnConflict(() => this.#acceptStatement(left.map((p) => p.item)));
        const unsettled: PendingAccept[] = [];
        left.forEach((p, i) => {
          const result = results[i];
          if (result) p.resolve(result);
          else unsettled.push(p);
        });
        left = unsettled;
      }
    } catch (error) {
      for (const p of left) p.reject(error);
    }
  }

  async #acceptStatement(deliveries: NewDelivery[]): Promise<(AcceptResult | undefined)[]> {
    const column = <T>(f: (d: NewDelivery) => T) => deliveries.map(f);
    const res = await this.#pool.query<{ ord: number; fresh_id: number | null; status: string | null; dup_id: number | null; duplicate_of: number | null }>({
      name: 'haloform-accept',
      text: ACCEPT_SQL,
      values: [
        this.#clock?.() ?? null,
        column((d) => d.receivedAt),
        column((d) => d.source),
        column((d) => d.path),
        column((d) => JSON.stringify(d.headers)),
        column((d) => d.body),
        column((d) => Buffer.byteLength(d.body)),
        column((d) => d.activityId ?? null),
        column((d) => d.seriesKey),
        column((d) => d.statusCode),
        column((d) => d.activityType),
        column((d) => d.deviceId ?? null),
        column((d) => d.status),
        column((d) => d.reason ?? null),
        column((d) => d.orderKey),
      ],
    });
    const out: (AcceptResult | undefined)[] = new Array(deliveries.length).fill(undefined);
    for (const row of res.rows) {
      const i = row.ord - 1;
      if (row.fresh_id !== null) out[i] = { outcome: row.status === 'pending' ? 'accepted' : 'ignored', deliveryId: row.fresh_id };
      else if (row.dup_id !== null) out[i] = { outcome: 'duplicate', deliveryId: row.dup_id, duplicateOf: row.duplicate_of! };
    }
    return out;
  }

  async reject(r: NewRejection): Promise<number> {
    this.#open();
    const res = await this.#pool.query<{ id: number }>({
      name: 'haloform-reject',
      text: `INSERT INTO haloform_deliveries (received_at, source, status, path, headers, body, body_bytes, http_status, reason, message, finished_at)
             VALUES ($1, 'webhook', 'rejected', $2, $3, $4, $5, $6, $7, $8, $1) RETURNING id`,
      // PostgreSQL text cannot hold NUL; a rejected body may (it was not valid JSON).
      values: [r.receivedAt, r.path, JSON.stringify(r.headers), r.body === undefined ? null : r.body.replace(/\0/g, '\uFFFD'), r.bodyBytes, r.httpStatus, r.reason, r.message],
    });
    return res.rows[0]!.id;
  }

  async claim(limit: number, leaseMs: number, workerId: string): Promise<WorkItem[]> {
    this.#open();
    if (limit <= 0) return [];
    const local = this.#local();
    const res = await retryOnConflict(() =>
      this.#pool.query<WorkItemRow & { lease_left: number }>({
        name: 'haloform-claim',
        text: CLAIM_SQL,
        values: [this.#clock?.() ?? null, limit, workerId, Math.round(leaseMs)],
      }),
    );
    return res.rows.map((row) => workItemFrom(row, local + row.lease_left));
  }

  async extend(deliveryId: number, workerId: string, leaseMs: number): Promise<boolean> {
    return (await this.#finish('haloform-extend', EXTEND_SQL, [deliveryId, workerId, Math.round(leaseMs)])) > 0;
  }

  async complete(deliveryId: number, workerId: string, completion: Completion): Promise<boolean> {
    const detail = json({ ...(completion.note ? { note: completion.note } : {}), ...(completion.ticketId !== undefined ? { ticketId: completion.ticketId } : {}) });
    return (await this.#finish('haloform-complete', COMPLETE_SQL, [deliveryId, workerId, completion.status, completion.ticketId ?? null, detail])) > 0;
  }

  async fail(deliveryId: number, workerId: string, failure: { retryAt: number; error: string }): Promise<boolean> {
    const delay = Math.max(0, Math.round(failure.retryAt - this.#local()));
    const detail = json({ error: failure.error, retryAt: new Date(failure.retryAt).toISOString() });
    return (await this.#finish('haloform-fail', FAIL_SQL, [deliveryId, workerId, delay, failure.error, detail])) > 0;
  }

  async deadLetter(deliveryId: number, workerId: string, reason: string): Promise<boolean> {
    return (await this.#finish('haloform-dead', DEAD_SQL, [deliveryId, workerId, reason, json({ reason })])) > 0;
  }

  async release(deliveryId: number, workerId: string): Promise<boolean> {
    return (await this.#finish('haloform-release', RELEASE_SQL, [deliveryId, workerId])) > 0;
  }

  async releaseAll(workerId: string): Promise<number> {
    return this.#finish('haloform-release-all', RELEASE_ALL_SQL, [workerId]);
  }

  /** Runs one of the single-statement writes that take the clock as $1; returns its count. */
  async #finish(name: string, text: string, values: unknown[]): Promise<number> {
    this.#open();
    const res = await retryOnConflict(() => this.#pool.query<{ n: number }>({ name, text, values: [this.#clock?.() ?? null, ...values] }));
    return res.rows[0]?.n ?? 0;
  }

  async hasPendingWork(seriesKey: string): Promise<boolean> {
    this.#open();
    const res = await this.#pool.query({ name: 'haloform-has-work', text: 'SELECT 1 FROM haloform_work WHERE series_key = $1 LIMIT 1', values: [seriesKey] });
    return res.rows.length > 0;
  }

  async counts(): Promise<QueueCounts> {
    this.#open();
    const res = await this.#pool.query<QueueCounts>({ name: 'haloform-counts', text: COUNTS_SQL, values: [this.#clock?.() ?? null] });
    return res.rows[0]!;
  }

  async nextDueAt(): Promise<number | undefined> {
    this.#open();
    const local = this.#local();
    const res = await this.#pool.query<{ wait: number | null }>({ name: 'haloform-next-due', text: NEXT_DUE_SQL, values: [this.#clock?.() ?? null] });
    const wait = res.rows[0]?.wait;
    return wait === null || wait === undefined ? undefined : local + wait;
  }

  async replay(deliveryId: number): Promise<ReplayResult> {
    return this.#transaction(async (client): Promise<ReplayResult> => {
      const row = (await client.query<DeliveryRow>('SELECT * FROM haloform_deliveries WHERE id = $1 FOR UPDATE', [deliveryId])).rows[0];
      if (!row) return { ok: false, deliveryId, reason: `there is no delivery ${deliveryId}` };
      if (row.status === 'rejected') return { ok: false, deliveryId, reason: `delivery ${deliveryId} was rejected (${row.reason ?? 'bad request'}); it was never an activity haloform could process` };
      if (row.status === 'duplicate') return { ok: false, deliveryId, reason: `delivery ${deliveryId} is a duplicate of delivery ${row.duplicate_of}; replay that one` };
      const queued = (await client.query('SELECT 1 FROM haloform_work WHERE delivery_id = $1', [deliveryId])).rows.length > 0;
      if (row.status === 'pending' || queued) return { ok: false, deliveryId, reason: `delivery ${deliveryId} is still pending; it will be processed` };
      const seriesKey = row.series_key ?? `delivery:${deliveryId}`;
      await client.query(
        `WITH ${CLOCK},
         requeued AS (UPDATE haloform_deliveries SET status = 'pending', finished_at = NULL, reason = NULL, next_attempt_at = NULL WHERE id = $2 RETURNING id),
         work AS (INSERT INTO haloform_work (delivery_id, series_key, order_key, available_at) SELECT $2, $3, $4, now_ms FROM clock),
         lane AS (INSERT INTO haloform_lanes (series_key) VALUES ($3) ON CONFLICT DO NOTHING)
         INSERT INTO haloform_history (delivery_id, at, event, detail) SELECT $2, now_ms, 'replayed', $5 FROM clock`,
        [this.#clock?.() ?? null, deliveryId, seriesKey, row.activity_id ?? 0, JSON.stringify({ previousStatus: row.status })],
      );
      return { ok: true, deliveryId };
    });
  }

  async replayDead(): Promise<number[]> {
    this.#open();
    const ids = (await this.#pool.query<{ id: number }>("SELECT id FROM haloform_deliveries WHERE status = 'dead' ORDER BY id")).rows.map((r) => r.id);
    const out: number[] = [];
    for (const id of ids) if ((await this.replay(id)).ok) out.push(id);
    return out;
  }

  async getSeries(key: string): Promise<SeriesState | undefined> {
    this.#open();
    const res = await this.#pool.query<{ data: string }>({ name: 'haloform-get-series', text: 'SELECT data FROM haloform_series WHERE series_key = $1', values: [key] });
    return res.rows[0] ? (JSON.parse(res.rows[0].data) as SeriesState) : undefined;
  }

  async saveSeries(state: SeriesState): Promise<void> {
    this.#open();
    await this.#pool.query({
      name: 'haloform-save-series',
      text: `INSERT INTO haloform_series (series_key, ticket_id, ticket_open, data, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (series_key) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, ticket_open = EXCLUDED.ticket_open, data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
      values: [state.key, state.ticketId ?? null, state.ticketOpen, JSON.stringify(state), state.updatedAt],
    });
  }

  async openSeries(): Promise<SeriesState[]> {
    this.#open();
    const res = await this.#pool.query<{ data: string }>('SELECT data FROM haloform_series WHERE ticket_open ORDER BY series_key');
    return res.rows.map((r) => JSON.parse(r.data) as SeriesState);
  }

  async addHistory(deliveryId: number, event: string, detail?: Record<string, unknown>): Promise<void> {
    this.#open();
    await this.#pool.query({
      name: 'haloform-add-history',
      text: `WITH ${CLOCK} INSERT INTO haloform_history (delivery_id, at, event, detail) SELECT $2, now_ms, $3, $4 FROM clock`,
      values: [this.#clock?.() ?? null, deliveryId, event, detail ? JSON.stringify(detail) : null],
    });
  }

  async history(deliveryId: number): Promise<HistoryEntry[]> {
    this.#open();
    const res = await this.#pool.query<{ delivery_id: number; at: number; event: string; detail: string | null }>({
      name: 'haloform-history',
      text: 'SELECT delivery_id, at, event, detail FROM haloform_history WHERE delivery_id = $1 ORDER BY id',
      values: [deliveryId],
    });
    return res.rows.map((r) => ({ deliveryId: r.delivery_id, at: r.at, event: r.event, ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}) }));
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    this.#open();
    const res = await this.#pool.query<DeliveryRow>({ name: 'haloform-delivery', text: 'SELECT * FROM haloform_deliveries WHERE id = $1', values: [id] });
    return res.rows[0] ? deliveryFrom(res.rows[0]) : undefined;
  }

  async listDeliveries(filter: DeliveryFilter = {}): Promise<Delivery[]> {
    this.#open();
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.status) add('status = ?', filter.status);
    if (filter.since !== undefined) add('received_at >= ?', filter.since);
    if (filter.seriesKey !== undefined) add('series_key = ?', filter.seriesKey);
    if (filter.activityId !== undefined) add('activity_id = ?', filter.activityId);
    if (filter.deviceId !== undefined) add('device_id = ?', filter.deviceId);
    if (filter.ticketId !== undefined) add('ticket_id = ?', filter.ticketId);
    if (filter.route !== undefined) add("series_key IN (SELECT series_key FROM haloform_series WHERE data::jsonb ->> 'route' = ?)", filter.route);
    values.push(Math.max(1, Math.min(filter.limit ?? 100, 10_000)));
    const sql = `SELECT * FROM haloform_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`;
    return (await this.#pool.query<DeliveryRow>(sql, values)).rows.map(deliveryFrom);
  }

  async tryLead(name: string, ttlMs: number, workerId: string): Promise<boolean> {
    this.#open();
    return this.#serialLead(async () => {
      const lock = await this.#holdLock(name);
      if (!lock.held) {
        if (this.#leaders.get(name) === workerId) this.#leaders.delete(name);
        return false;
      }
      // Between processes the advisory lock decides. A lock just taken means whoever the row
      // names (on another process) lost theirs — the process died or its connection did — so the
      // row is ours to take; between workers of this process the row's lease decides.
      const other = this.#leaders.get(name);
      const takeOver = lock.fresh && (other === undefined || other === workerId);
      const res = await this.#pool.query<{ owner: string }>({
        name: 'haloform-lead',
        text: `WITH ${CLOCK}
               INSERT INTO haloform_leases (name, owner, until) SELECT $2, $3, now_ms + $4 FROM clock
               ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
                 WHERE haloform_leases.owner = EXCLUDED.owner OR haloform_leases.until <= (SELECT now_ms FROM clock) OR $5
               RETURNING owner`,
        values: [this.#clock?.() ?? null, name, workerId, Math.round(ttlMs), takeOver],
      });
      const won = res.rows.length > 0;
      if (won) this.#leaders.set(name, workerId);
      else if (this.#leaders.get(name) === undefined) await this.#unlock(name);
      return won;
    });
  }

  async lease(name: string): Promise<Lease | undefined> {
    this.#open();
    const local = this.#local();
    const res = await this.#pool.query<{ name: string; owner: string; left: number }>({
      name: 'haloform-lease',
      text: `WITH ${CLOCK} SELECT name, owner, until - now_ms AS left FROM haloform_leases, clock WHERE name = $2`,
      values: [this.#clock?.() ?? null, name],
    });
    const row = res.rows[0];
    return row ? { name: row.name, owner: row.owner, until: local + row.left } : undefined;
  }

  async resign(name: string, workerId: string): Promise<void> {
    this.#open();
    await this.#serialLead(async () => {
      await this.#pool.query({ name: 'haloform-resign', text: 'DELETE FROM haloform_leases WHERE name = $1 AND owner = $2', values: [name, workerId] });
      if (this.#leaders.get(name) === workerId) {
        this.#leaders.delete(name);
        await this.#unlock(name);
      }
    });
  }

  /**
   * Each batch is one statement (its own transaction) over a window of at most `batchSize` rows,
   * that locks the rows it removes `FOR UPDATE SKIP LOCKED`: a row another transaction holds (a replay queueing it, a worker saving its
   * series) is left for the next prune instead of waited for, and a row changed under it is
   * re-checked, so a delivery a replay made pending or a series a worker reopened is kept.
   * Replicas (and `haloform inbox prune`) may prune at once: each removes what it locked. Then
   * the claim lanes of series with neither work nor state (pruneLanes).
   */
  async prune(options: PruneOptions): Promise<PruneResult> {
    this.#open();
    const signal = options.signal;
    signal?.throwIfAborted();
    const batch = pruneBatchSize(options);
    const statuses = prunableStatuses(options);
    const cutoff = options.olderThan;
    const result = emptyPruneResult();

    if (options.dryRun) {
      const res = await this.#pool.query<{ by_status: Record<string, number> | null; history: number; series: number }>(PRUNE_DRY_RUN_SQL, [cutoff, statuses]);
      const row = res.rows[0]!;
      for (const [status, n] of Object.entries(row.by_status ?? {})) countDeliveries(result, status, n);
      result.history = row.history;
      result.series = row.series;
      return result;
    }

    const last = (await this.#pool.query<{ id: number | null }>('SELECT max(id) AS id FROM haloform_deliveries WHERE received_at < $1', [cutoff])).rows[0]?.id ?? null;
    if (last !== null) {
      for (let after = 0; ; ) {
        this.#open();
        signal?.throwIfAborted();
        const res = await retryOnConflict(() =>
          this.#pool.query<{ scanned: number; last_id: number | null; history: number; by_status: Record<string, number> | null }>({
            name: 'haloform-prune-deliveries',
            text: PRUNE_DELIVERIES_SQL,
            values: [after, last, cutoff, statuses, batch],
          }),
        );
        const row = res.rows[0]!;
        for (const [status, n] of Object.entries(row.by_status ?? {})) countDeliveries(result, status, n);
        result.history += row.history;
        // Rows skipped (held elsewhere) or re-checked away wait for the next prune.
        if (row.scanned < batch || row.last_id === null) break;
        after = row.last_id;
      }
    }

    for (let after = ''; ; ) {
      this.#open();
      signal?.throwIfAborted();
      const res = await retryOnConflict(() =>
        this.#pool.query<{ scanned: number; last_key: string | null; removed: number }>({ name: 'haloform-prune-series', text: PRUNE_SERIES_SQL, values: [after, cutoff, batch] }),
      );
      const row = res.rows[0]!;
      result.series += row.removed;
      if (row.scanned < batch || row.last_key === null) break;
      after = row.last_key;
    }

    await this.#pruneLanes(batch, signal);
    return result;
  }

  /**
   * Removes the claim lanes (haloform_lanes) of series that have no work, no lease and no state.
   * A lane is never removed from under a delivery being accepted: accept inserts the work item
   * and `INSERT ... ON CONFLICT DO NOTHING`s the lane in one statement, taking no lock on a lane
   * that exists, so a delete that cannot yet see that uncommitted item would leave it without a
   * lane — and unclaimable. Each batch therefore takes the lanes table in SHARE ROW EXCLUSIVE
   * mode: every transaction that writes lanes (accept, replay, claim and the rest) has finished
   * before the batch decides, none starts until it commits. The lock lasts one indexed delete of
   * at most `batch` keys; when it cannot be had within a second (a long transaction holds lanes),
   * the lanes wait for the next prune — an extra lane is harmless, a missing one is not.
   */
  async #pruneLanes(batch: number, signal: AbortSignal | undefined): Promise<void> {
    for (let after = ''; ; ) {
      this.#open();
      signal?.throwIfAborted();
      const window = (await this.#pool.query<{ series_key: string; free: boolean }>({ name: 'haloform-prune-lane-candidates', text: LANE_CANDIDATES_SQL, values: [after, batch] })).rows;
      const free = window.filter((r) => r.free).map((r) => r.series_key);
      if (free.length > 0) {
        const client = await this.#pool.connect();
        try {
          await client.query('BEGIN');
          await client.query("SET LOCAL lock_timeout = '1s'");
          await client.query('LOCK TABLE haloform_lanes IN SHARE ROW EXCLUSIVE MODE');
          await client.query(DROP_LANES_SQL, [free]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          if ((e as { code?: string }).code === '55P03') return;
          throw e;
        } finally {
          client.release();
        }
      }
      if (window.length < batch) return;
      after = window[window.length - 1]!.series_key;
    }
  }

  async getMeta(key: string): Promise<string | undefined> {
    this.#open();
    const res = await this.#pool.query<{ value: string }>({ name: 'haloform-get-meta', text: 'SELECT value FROM haloform_meta WHERE key = $1', values: [key] });
    return res.rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#open();
    await this.#pool.query({
      name: 'haloform-set-meta',
      text: 'INSERT INTO haloform_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      values: [key, value],
    });
  }

  async updateMeta(key: string, change: (value: string | undefined) => string | undefined): Promise<string | undefined> {
    this.#open();
    return this.#transaction(async (client) => {
      // A lock on the key, not the row: two first writers of a key that has no row yet queue too.
      await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':haloform_meta:' || $1))", [key]);
      const row = (await client.query<{ value: string }>('SELECT value FROM haloform_meta WHERE key = $1', [key])).rows[0];
      const next = change(row?.value);
      if (next === undefined) await client.query('DELETE FROM haloform_meta WHERE key = $1', [key]);
      else await client.query('INSERT INTO haloform_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, next]);
      return next;
    });
  }

  async readCache(): Promise<{ meta: string | undefined; rows: CacheRow[] }> {
    // REPEATABLE READ: the meta and the rows as one writeCache left them.
    return this.#transaction(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const meta = await client.query<{ value: string }>('SELECT value FROM haloform_meta WHERE key = $1', [CACHE_META_KEY]);
      const rows = await client.query<{ kind: string; id: string; body: string }>('SELECT kind, id, body FROM haloform_sync_cache ORDER BY kind, id');
      return { meta: meta.rows[0]?.value, rows: rows.rows.map((r) => ({ kind: r.kind, id: Number(r.id), body: r.body })) };
    });
  }

  async writeCache(write: CacheWrite): Promise<void> {
    await this.#transaction(async (client) => {
      if (write.replaceKinds === 'all') await client.query('DELETE FROM haloform_sync_cache');
      else if (write.replaceKinds?.length) await client.query('DELETE FROM haloform_sync_cache WHERE kind = ANY($1::text[])', [write.replaceKinds]);
      // A few thousand rows a statement: 50,000 assets are a dozen round trips, not 50,000.
      const insert = (chunk: CacheRow[]) =>
        client.query(
          `INSERT INTO haloform_sync_cache (kind, id, body) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
           ON CONFLICT (kind, id) DO UPDATE SET body = EXCLUDED.body`,
          [chunk.map((r) => r.kind), chunk.map((r) => r.id), chunk.map((r) => r.body)],
        );
      let chunk: CacheRow[] = [];
      for (const row of write.put ?? []) {
        chunk.push(row);
        if (chunk.length === CACHE_ROWS_PER_STATEMENT) {
          await insert(chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0) await insert(chunk);
      await client.query('INSERT INTO haloform_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [CACHE_META_KEY, write.meta]);
    });
  }

  async countUnstoredRejections(counts: Readonly<Partial<Record<RejectReason, number>>>): Promise<void> {
    this.#open();
    for (const [reason, n] of Object.entries(counts)) {
      if (!n || n <= 0) continue;
      await this.#pool.query({
        name: 'haloform-add-meta',
        text: 'INSERT INTO haloform_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = (haloform_meta.value::bigint + EXCLUDED.value::bigint)::text',
        values: [`${UNSTORED_PREFIX}${reason}`, String(n)],
      });
    }
  }

  async unstoredRejections(): Promise<Partial<Record<RejectReason, number>>> {
    this.#open();
    const res = await this.#pool.query<{ key: string; value: string }>({ name: 'haloform-unstored', text: 'SELECT key, value FROM haloform_meta WHERE key LIKE $1', values: [`${UNSTORED_PREFIX}%`] });
    return Object.fromEntries(res.rows.map((r) => [r.key.slice(UNSTORED_PREFIX.length), Number(r.value)]));
  }

  async ping(): Promise<void> {
    this.#open();
    await this.#pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Accepts already handed in are written (or fail) before the pool goes.
    while (this.#commits.waiting > 0 || this.#flushing.size > 0) {
      this.#flush();
      await Promise.allSettled([...this.#flushing]);
    }
    this.#closed = true;
    await this.#leadQueue.catch(() => undefined);
    const lead = this.#leadClient;
    this.#leadClient = undefined;
    this.#locks.clear();
    await lead?.end().catch(() => undefined);
    await this.#pool.end();
  }

  #open(): void {
    if (this.#closed) throw closedError();
  }

  async #transaction<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#open();
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await run(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  #serialLead<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#leadQueue.then(run, run);
    this.#leadQueue = next.catch(() => undefined);
    return next;
  }

  /**
   * Whether this process holds the leadership lock of `name`, taking it when it is free. `fresh`:
   * taken just now (nobody else held it). A lock already held is checked by a query on its
   * connection: a connection that answers still holds its session locks.
   */
  async #holdLock(name: string): Promise<{ held: boolean; fresh: boolean }> {
    if (this.#locks.has(name) && this.#leadClient) {
      try {
        await this.#leadClient.query('SELECT 1');
        return { held: true, fresh: false };
      } catch {
        this.#dropLeadClient(this.#leadClient);
      }
    }
    const client = await this.#connectLead();
    const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext(current_schema() || $2)) AS ok', [LEAD_LOCK_CLASS, `/${name}`]);
    if (!res.rows[0]?.ok) return { held: false, fresh: false };
    this.#locks.add(name);
    return { held: true, fresh: true };
  }

  async #unlock(name: string): Promise<void> {
    if (!this.#locks.delete(name) || !this.#leadClient) return;
    await this.#leadClient.query('SELECT pg_advisory_unlock($1, hashtext(current_schema() || $2))', [LEAD_LOCK_CLASS, `/${name}`]).catch(() => undefined);
  }

  async #connectLead(): Promise<pg.Client> {
    if (this.#leadClient) return this.#leadClient;
    const client = new pg.Client({ ...this.#config, application_name: 'haloform-leader' });
    client.on('error', () => this.#dropLeadClient(client));
    client.on('end', () => this.#dropLeadClient(client));
    await client.connect();
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw closedError();
    }
    this.#leadClient = client;
    return client;
  }

  /** The leadership connection is gone, and with it every lock it held. */
  #dropLeadClient(client: pg.Client): void {
    if (this.#leadClient !== client) return;
    this.#leadClient = undefined;
    this.#locks.clear();
    client.end().catch(() => undefined);
  }
}

function closedError(): Error {
  return new Error('the inbox store is closed');
}

/** Deadlocks and serialisation failures are the database's way of saying "run it again". */
async function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw e;
    }
  }
}


/**
 * A batch of deliveries in one statement. Ids are drawn first, so each input row knows its own.
 * A copy of an activity already accepted becomes its duplicate; a new one is inserted, with a work
 * item and its series' lane when pending. Inserts go in activity-id order and lanes in key order,
 * so two replicas' batches never wait on each other in a cycle. A row neither inserted nor
 * recognised (its first committed meanwhile) comes back empty and is run again.
 */
const ACCEPT_SQL = `
WITH ${CLOCK},
input AS MATERIALIZED (
  SELECT nextval('haloform_deliveries_id_seq') AS id, t.*
  FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[], $8::bigint[], $9::text[], $10::text[],
              $11::text[], $12::bigint[], $13::text[], $14::text[], $15::bigint[])
       WITH ORDINALITY AS t(received_at, source, path, headers, body, body_bytes, activity_id, series_key, status_code,
                            activity_type, device_id, status, reason, order_key, ord)
),
first AS (
  SELECT i.ord, d.id AS first_id
  FROM input i JOIN haloform_deliveries d ON d.activity_id = i.activity_id AND d.status NOT IN ('duplicate', 'rejected')
),
fresh AS (
  INSERT INTO haloform_deliveries (id, received_at, source, status, path, headers, body, body_bytes, http_status, reason,
                                   activity_id, series_key, status_code, activity_type, device_id, finished_at)
  SELECT i.id, i.received_at, i.source, i.status, i.path, i.headers, i.body, i.body_bytes, 202, i.reason,
         i.activity_id, i.series_key, i.status_code, i.activity_type, i.device_id,
         CASE WHEN i.status = 'ignored' THEN i.received_at END
  FROM input i WHERE NOT EXISTS (SELECT 1 FROM first f WHERE f.ord = i.ord)
  ORDER BY i.activity_id NULLS LAST, i.ord
  ON CONFLICT (activity_id) WHERE activity_id IS NOT NULL AND status NOT IN ('duplicate', 'rejected') DO NOTHING
  RETURNING id, status
),
dups AS (
  INSERT INTO haloform_deliveries (id, received_at, source, status, path, headers, body, body_bytes, http_status, reason,
                                   activity_id, series_key, status_code, activity_type, device_id, duplicate_of, finished_at)
  SELECT i.id, i.received_at, i.source, 'duplicate', i.path, i.headers, i.body, i.body_bytes, 200,
         'activity ' || i.activity_id || ' was accepted as delivery ' || f.first_id,
         i.activity_id, i.series_key, i.status_code, i.activity_type, i.device_id, f.first_id, i.received_at
  FROM input i JOIN first f ON f.ord = i.ord
  RETURNING id, duplicate_of
),
work AS (
  INSERT INTO haloform_work (delivery_id, series_key, order_key, available_at)
  SELECT f.id, i.series_key, i.order_key, c.now_ms FROM fresh f JOIN input i ON i.id = f.id CROSS JOIN clock c WHERE f.status = 'pending'
),
lanes AS (
  INSERT INTO haloform_lanes (series_key)
  SELECT DISTINCT i.series_key FROM fresh f JOIN input i ON i.id = f.id WHERE f.status = 'pending' ORDER BY 1
  ON CONFLICT DO NOTHING
)
SELECT i.ord::integer AS ord, f.id AS fresh_id, f.status, d.id AS dup_id, d.duplicate_of
FROM input i LEFT JOIN fresh f ON f.id = i.id LEFT JOIN dups d ON d.id = i.id
ORDER BY i.ord`;

/**
 * Leases up to $2 series to worker $3 for $4 ms, each with its oldest due item. Lane and item are
 * locked FOR UPDATE SKIP LOCKED: a lane another claim holds is skipped, one it has just leased is
 * re-read and fails the "not leased" test, an item finished meanwhile is gone.
 */
const CLAIM_SQL = `
WITH ${CLOCK},
picked AS (
  SELECT l.series_key, h.delivery_id
  FROM haloform_work h JOIN haloform_lanes l ON l.series_key = h.series_key CROSS JOIN clock c
  WHERE h.available_at <= c.now_ms
    AND (l.until IS NULL OR l.until <= c.now_ms)
    AND ${IS_HEAD}
  ORDER BY h.available_at, h.delivery_id
  LIMIT $2
  FOR UPDATE OF l, h SKIP LOCKED
),
claimed AS (
  UPDATE haloform_lanes l SET delivery_id = p.delivery_id, owner = $3, until = c.now_ms + $4
  FROM picked p CROSS JOIN clock c WHERE l.series_key = p.series_key
  RETURNING l.delivery_id, l.until
),
item AS (
  UPDATE haloform_work w SET attempts = w.attempts + 1 FROM claimed c WHERE w.delivery_id = c.delivery_id
  RETURNING w.delivery_id, w.series_key, w.order_key, w.attempts, w.available_at
),
delivery AS (
  UPDATE haloform_deliveries d SET attempts = d.attempts + 1 FROM claimed c WHERE d.id = c.delivery_id
  RETURNING d.id, d.activity_id, d.source, d.body, d.received_at
)
SELECT w.delivery_id, w.series_key, w.order_key, w.attempts, c.until - (SELECT now_ms FROM clock) AS lease_left,
       d.activity_id, d.source, d.body, d.received_at
FROM item w JOIN claimed c ON c.delivery_id = w.delivery_id JOIN delivery d ON d.id = w.delivery_id
ORDER BY w.available_at, w.delivery_id`;

/** The lane $2 (a delivery) holds for worker $3, freed; everything after it in the statement needs it. */
const HELD_LANE = `lane AS (
  UPDATE haloform_lanes SET delivery_id = NULL, owner = NULL, until = NULL
  WHERE delivery_id = $2 AND owner = $3 RETURNING series_key
)`;

const EXTEND_SQL = `
WITH ${CLOCK},
extended AS (UPDATE haloform_lanes l SET until = c.now_ms + $4 FROM clock c WHERE l.delivery_id = $2 AND l.owner = $3 RETURNING 1)
SELECT count(*)::integer AS n FROM extended`;

const COMPLETE_SQL = `
WITH ${CLOCK}, ${HELD_LANE},
gone AS (DELETE FROM haloform_work WHERE delivery_id = $2 AND EXISTS (SELECT 1 FROM lane) RETURNING delivery_id),
finished AS (
  UPDATE haloform_deliveries d SET status = $4, ticket_id = COALESCE($5, d.ticket_id), finished_at = c.now_ms, next_attempt_at = NULL
  FROM gone g CROSS JOIN clock c WHERE d.id = g.delivery_id RETURNING d.id
),
noted AS (INSERT INTO haloform_history (delivery_id, at, event, detail) SELECT f.id, c.now_ms, $4, $6 FROM finished f CROSS JOIN clock c)
SELECT count(*)::integer AS n FROM finished`;

const FAIL_SQL = `
WITH ${CLOCK}, ${HELD_LANE},
later AS (
  UPDATE haloform_work w SET available_at = c.now_ms + $4 FROM clock c
  WHERE w.delivery_id = $2 AND EXISTS (SELECT 1 FROM lane) RETURNING w.delivery_id, w.available_at
),
failed AS (UPDATE haloform_deliveries d SET next_attempt_at = l.available_at, last_error = $5 FROM later l WHERE d.id = l.delivery_id RETURNING d.id),
noted AS (INSERT INTO haloform_history (delivery_id, at, event, detail) SELECT f.id, c.now_ms, 'retry', $6 FROM failed f CROSS JOIN clock c)
SELECT count(*)::integer AS n FROM failed`;

const DEAD_SQL = `
WITH ${CLOCK}, ${HELD_LANE},
gone AS (DELETE FROM haloform_work WHERE delivery_id = $2 AND EXISTS (SELECT 1 FROM lane) RETURNING delivery_id),
dead AS (
  UPDATE haloform_deliveries d SET status = 'dead', reason = $4, last_error = COALESCE(d.last_error, $4), finished_at = c.now_ms, next_attempt_at = NULL
  FROM gone g CROSS JOIN clock c WHERE d.id = g.delivery_id RETURNING d.id
),
noted AS (INSERT INTO haloform_history (delivery_id, at, event, detail) SELECT d.id, c.now_ms, 'dead-lettered', $5 FROM dead d CROSS JOIN clock c)
SELECT count(*)::integer AS n FROM dead`;

/** Handing back: due at once, the claim not counted. */
const RELEASE_SQL = `
WITH ${CLOCK}, ${HELD_LANE},
back AS (
  UPDATE haloform_work w SET available_at = LEAST(w.available_at, c.now_ms), attempts = GREATEST(0, w.attempts - 1) FROM clock c
  WHERE w.delivery_id = $2 AND EXISTS (SELECT 1 FROM lane) RETURNING w.delivery_id
),
uncounted AS (UPDATE haloform_deliveries d SET attempts = GREATEST(0, d.attempts - 1) FROM back b WHERE d.id = b.delivery_id RETURNING d.id)
SELECT count(*)::integer AS n FROM uncounted`;

const RELEASE_ALL_SQL = `
WITH ${CLOCK},
held AS (SELECT series_key, delivery_id FROM haloform_lanes WHERE owner = $2 FOR UPDATE),
lane AS (
  UPDATE haloform_lanes l SET delivery_id = NULL, owner = NULL, until = NULL FROM held h
  WHERE l.series_key = h.series_key RETURNING h.delivery_id
),
back AS (
  UPDATE haloform_work w SET available_at = LEAST(w.available_at, c.now_ms), attempts = GREATEST(0, w.attempts - 1)
  FROM lane l CROSS JOIN clock c WHERE w.delivery_id = l.delivery_id RETURNING w.delivery_id
),
uncounted AS (UPDATE haloform_deliveries d SET attempts = GREATEST(0, d.attempts - 1) FROM back b WHERE d.id = b.delivery_id RETURNING d.id)
SELECT count(*)::integer AS n FROM lane`;

const COUNTS_SQL = `
WITH ${CLOCK}
SELECT (SELECT count(*) FROM haloform_work)::integer AS pending,
       (SELECT count(*) FROM haloform_work h JOIN haloform_lanes l ON l.series_key = h.series_key CROSS JOIN clock c
         WHERE h.available_at <= c.now_ms AND (l.until IS NULL OR l.until <= c.now_ms) AND ${IS_HEAD})::integer AS ready,
       (SELECT count(*) FROM haloform_lanes l CROSS JOIN clock c WHERE l.until > c.now_ms)::integer AS leased,
       (SELECT count(*) FROM haloform_deliveries WHERE status = 'dead')::integer AS dead`;

/** Milliseconds until the next retry is due or the next lease runs out, from indexes only. */
const NEXT_DUE_SQL = `
WITH ${CLOCK}
SELECT LEAST((SELECT min(w.available_at) FROM haloform_work w CROSS JOIN clock c WHERE w.available_at > c.now_ms),
             (SELECT min(l.until) FROM haloform_lanes l CROSS JOIN clock c WHERE l.until > c.now_ms))
       - (SELECT now_ms FROM clock) AS wait`;

/** A finished delivery `d` a prune may remove: received before `cutoff`, its status one of `statuses` (placeholders). */
function prunable(cutoff: string, statuses: string): string {
  return `d.received_at < ${cutoff} AND d.status = ANY(${statuses}::text[])
  AND NOT EXISTS (SELECT 1 FROM haloform_work w WHERE w.delivery_id = d.id)`;
}

/**
 * A settled series `s` (InboxStore.prune): ticket not open, its alert over (reset applied) or
 * never ticketed, no ticket create or decided write outstanding, no work, last changed before
 * `cutoff` (a placeholder).
 */
function settledSeries(cutoff: string): string {
  return `NOT s.ticket_open AND s.updated_at < ${cutoff}
  AND (s.ticket_id IS NULL OR (s.data::json ->> 'resetAt') IS NOT NULL)
  AND (s.data::json ->> 'createStartedAt') IS NULL
  AND COALESCE(json_array_length(s.data::json -> 'pending'), 0) = 0
  AND NOT EXISTS (SELECT 1 FROM haloform_work w WHERE w.series_key = s.series_key)`;
}

/*
 * Batches walk a table in key order a window at a time: the next $batch keys after where the last
 * window ended (a plain index range, so it stays cheap in a generic plan), then what in the window
 * may go. The planner cannot estimate the filters, and asked for "the first N that may go" it
 * would rather filter the whole table and sort than stop early; a window bounds every batch, and
 * the walk reads each row once.
 */

/**
 * One window of deliveries with ids in ($1, $2] — $2 the newest received before the cutoff — at
 * most $5: the prunable ones are locked SKIP LOCKED and removed with their history. Returns how
 * many ids the window held and its last (where the next window starts), the history entries
 * removed and the deliveries removed by status.
 */
const PRUNE_DELIVERIES_SQL = `
WITH win AS (SELECT id FROM haloform_deliveries WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $5),
doomed AS (
  SELECT d.id FROM haloform_deliveries d JOIN win ON win.id = d.id
  WHERE ${prunable('$3', '$4')}
  FOR UPDATE OF d SKIP LOCKED
),
history AS (DELETE FROM haloform_history h USING doomed WHERE h.delivery_id = doomed.id RETURNING 1),
gone AS (DELETE FROM haloform_deliveries d USING doomed WHERE d.id = doomed.id RETURNING d.status)
SELECT (SELECT count(*) FROM win)::integer AS scanned,
       (SELECT max(id) FROM win) AS last_id,
       (SELECT count(*) FROM history)::integer AS history,
       (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM gone GROUP BY status) g) AS by_status`;

/**
 * One window of series, keys after $1 ('' for the first: no key is empty), at most $3: the
 * settled ones with no delivery left are locked SKIP LOCKED and removed.
 */
const PRUNE_SERIES_SQL = `
WITH win AS (SELECT series_key FROM haloform_series WHERE series_key > $1 ORDER BY series_key LIMIT $3),
doomed AS (
  SELECT s.series_key FROM haloform_series s JOIN win ON win.series_key = s.series_key
  WHERE ${settledSeries('$2')}
    AND NOT EXISTS (SELECT 1 FROM haloform_deliveries d WHERE d.series_key = s.series_key)
  FOR UPDATE OF s SKIP LOCKED
),
gone AS (DELETE FROM haloform_series s USING doomed WHERE s.series_key = doomed.series_key RETURNING 1)
SELECT (SELECT count(*) FROM win)::integer AS scanned,
       (SELECT max(series_key) FROM win) AS last_key,
       (SELECT count(*) FROM gone)::integer AS removed`;

/** What a prune before $1 of the statuses $2 would remove now; series: those whose deliveries all go. */
const PRUNE_DRY_RUN_SQL = `
WITH doomed AS (SELECT d.id, d.status FROM haloform_deliveries d WHERE ${prunable('$1', '$2')})
SELECT (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM doomed GROUP BY status) g) AS by_status,
       (SELECT count(*) FROM haloform_history h JOIN doomed ON doomed.id = h.delivery_id)::integer AS history,
       (SELECT count(*) FROM haloform_series s
         WHERE ${settledSeries('$1')}
           AND NOT EXISTS (SELECT 1 FROM haloform_deliveries d WHERE d.series_key = s.series_key
                           AND NOT (${prunable('$1', '$2')})))::integer AS series`;

/**
 * One window of lanes, keys after $1 ('' for the first), at most $2: all their keys (the last is
 * where the next window starts) and which may go — no lease, no work, no series state.
 */
const LANE_CANDIDATES_SQL = `
WITH win AS (SELECT series_key FROM haloform_lanes WHERE series_key > $1 ORDER BY series_key LIMIT $2)
SELECT l.series_key,
       l.owner IS NULL
         AND NOT EXISTS (SELECT 1 FROM haloform_work w WHERE w.series_key = l.series_key)
         AND NOT EXISTS (SELECT 1 FROM haloform_series s WHERE s.series_key = l.series_key) AS free
FROM haloform_lanes l JOIN win ON win.series_key = l.series_key
ORDER BY l.series_key`;

/** The candidates ($1) checked again under the table lock, and removed. */
const DROP_LANES_SQL = `
DELETE FROM haloform_lanes l
WHERE l.series_key = ANY($1::text[]) AND l.owner IS NULL
  AND NOT EXISTS (SELECT 1 FROM haloform_work w WHERE w.series_key = l.series_key)
  AND NOT EXISTS (SELECT 1 FROM haloform_series s WHERE s.series_key = l.series_key)`;
