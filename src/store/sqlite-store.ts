/**
 * The inbox store on SQLite (better-sqlite3, WAL): one file, one `haloform serve` process.
 *
 * Durability: WAL with `synchronous=NORMAL` by default. A commit is written to the WAL file
 * before `accept` resolves (and so before the 2xx is sent); once written, the operating system
 * holds it, so a killed process (kill -9, a crash, an OOM kill) loses nothing acknowledged. Only
 * a power loss or kernel crash can lose the last commits, which is not the failure serve is built
 * for (DESIGN.md §8: zero acknowledged deliveries lost across a kill -9). `synchronous=FULL`
 * (`sqlite:haloform.db?synchronous=full`) fsyncs every commit for hosts that want power-loss
 * safety too. Either way accepts that arrive together share one transaction (group commit), so
 * a burst costs one WAL write (and with FULL one fsync) per event-loop turn, not per request.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AcceptResult, CacheRow, CacheWrite, Completion, Delivery, DeliveryFilter, HistoryEntry, InboxStore, Lease, NewDelivery, NewRejection, PruneOptions, PruneResult, QueueCounts, RejectReason, ReplayResult, SeriesState, WorkItem } from './inbox-store.js';
import { CACHE_META_KEY, UNSTORED_PREFIX } from './inbox-store.js';
import { deliveryFrom, json, workItemFrom, type DeliveryRow } from './delivery-rows.js';
import { countDeliveries, emptyPruneResult, nextTurn, pruneBatchSize, prunableStatuses } from './prune.js';
import { GroupCommit } from './group-commit.js';

export interface SqliteStoreOptions {
  /** `normal` (default) or `full`; see the module comment. */
  synchronous?: 'normal' | 'full';
  /** Milliseconds clock for leases, retries and timestamps. Default Date.now. */
  now?: () => number;
  /** Refuse to create the file when it does not exist (the `inbox` commands read an existing store). */
  mustExist?: boolean;
}

const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sync_cache (kind TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  path TEXT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT,
  body_bytes INTEGER NOT NULL,
  http_status INTEGER NOT NULL,
  reason TEXT,
  message TEXT,
  activity_id INTEGER,
  series_key TEXT,
  status_code TEXT,
  activity_type TEXT,
  device_id INTEGER,
  duplicate_of INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT,
  ticket_id INTEGER,
  finished_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_activity ON deliveries(activity_id)
  WHERE activity_id IS NOT NULL AND status NOT IN ('duplicate', 'rejected');
CREATE INDEX IF NOT EXISTS deliveries_received ON deliveries(received_at);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries(status, received_at);
CREATE INDEX IF NOT EXISTS deliveries_series ON deliveries(series_key);
CREATE TABLE IF NOT EXISTS work (
  delivery_id INTEGER PRIMARY KEY,
  series_key TEXT NOT NULL,
  order_key INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER
);
CREATE INDEX IF NOT EXISTS work_series ON work(series_key, order_key, delivery_id);
CREATE INDEX IF NOT EXISTS work_available ON work(available_at, delivery_id);
CREATE INDEX IF NOT EXISTS work_owner ON work(lease_owner);
CREATE INDEX IF NOT EXISTS work_lease ON work(lease_until);
CREATE TABLE IF NOT EXISTS series (
  series_key TEXT PRIMARY KEY,
  ticket_id INTEGER,
  ticket_open INTEGER NOT NULL,
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS series_open ON series(ticket_open);
CREATE TABLE IF NOT EXISTS history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS history_delivery ON history(delivery_id, id);
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL);
`;

/**
 * A settled series (InboxStore.prune): ticket not open, its alert over (reset applied) or never
 * ticketed, no ticket create or decided write outstanding, no work. `@cutoff` is the prune's.
 */
const SETTLED_SERIES = `s.ticket_open = 0 AND s.updated_at < @cutoff
  AND (s.ticket_id IS NULL OR json_extract(s.data, '$.resetAt') IS NOT NULL)
  AND json_extract(s.data, '$.createStartedAt') IS NULL
  AND COALESCE(json_array_length(s.data, '$.pending'), 0) = 0
  AND NOT EXISTS (SELECT 1 FROM work w WHERE w.series_key = s.series_key)`;


/** Opens (creating when allowed) a store at `path`; `:memory:` gives a private in-memory one. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}

export class SqliteStore implements InboxStore {
  readonly description: string;
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #commits = new GroupCommit<NewDelivery, AcceptResult>(() => this.#flush());
  #closed = false;
  readonly #s: Statements;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.description = `sqlite:${path}`;
    this.#now = options.now ?? Date.now;
    if (path !== ':memory:' && !options.mustExist) mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path, { fileMustExist: options.mustExist ?? false });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // `inbox replay` writes while serve runs: wait for the other writer instead of failing.
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(SCHEMA);
    const version = this.#db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get('schema_version');
    if (version && version.value !== SCHEMA_VERSION) {
      throw new Error(`${path} is a haloform inbox of schema version ${version.value}; this haloform reads version ${SCHEMA_VERSION}`);
    }
    if (!version) this.#db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
    this.#s = prepareStatements(this.#db);
  }

  accept(delivery: NewDelivery): Promise<AcceptResult> {
    if (this.#closed) return Promise.reject(new Error('the inbox store is closed'));
    // Group commit: everything accepted in this turn of the event loop shares a transaction.
    return this.#commits.add(delivery);
  }

  #flush(): void {
    const batch = this.#commits.take();
    if (batch.length === 0) return;
    let results: AcceptResult[];
    try {
      results = this.#db.transaction(() => batch.map((p) => this.#acceptOne(p.item)))();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  #acceptOne(d: NewDelivery): AcceptResult {
    const s = this.#s;
    const first = d.activityId === undefined ? undefined : s.findAccepted.get(d.activityId);
    const base = {
      receivedAt: d.receivedAt,
      source: d.source,
      path: d.path,
      headers: JSON.stringify(d.headers),
      body: d.body,
      bodyBytes: Buffer.byteLength(d.body),
      reason: d.reason ?? null,
      message: null,
      activityId: d.activityId ?? null,
      seriesKey: d.seriesKey,
      statusCode: d.statusCode,
      activityType: d.activityType,
      deviceId: d.deviceId ?? null,
    };
    if (first) {
      const info = s.insertDelivery.run({ ...base, status: 'duplicate', httpStatus: 200, duplicateOf: first.id, finishedAt: d.receivedAt, reason: `activity ${d.activityId} was accepted as delivery ${first.id}` });
      return { outcome: 'duplicate', deliveryId: Number(info.lastInsertRowid), duplicateOf: first.id };
    }
    const info = s.insertDelivery.run({ ...base, status: d.status, httpStatus: 202, duplicateOf: null, finishedAt: d.status === 'ignored' ? d.receivedAt : null });
    const id = Number(info.lastInsertRowid);
    if (d.status === 'pending') s.insertWork.run(id, d.seriesKey, d.orderKey, d.receivedAt);
    return { outcome: d.status === 'pending' ? 'accepted' : 'ignored', deliveryId: id };
  }

  async reject(r: NewRejection): Promise<number> {
    const info = this.#s.insertDelivery.run({
      receivedAt: r.receivedAt,
      source: 'webhook',
      status: 'rejected',
      path: r.path,
      headers: JSON.stringify(r.headers),
      body: r.body ?? null,
      bodyBytes: r.bodyBytes,
      httpStatus: r.httpStatus,
      reason: r.reason,
      message: r.message,
      activityId: null,
      seriesKey: null,
      statusCode: null,
      activityType: null,
      deviceId: null,
      duplicateOf: null,
      finishedAt: r.receivedAt,
    });
    return Number(info.lastInsertRowid);
  }

  async claim(limit: number, leaseMs: number, workerId: string): Promise<WorkItem[]> {
    if (limit <= 0) return [];
    const now = this.#now();
    const s = this.#s;
    return this.#db.transaction(() => {
      const ids = s.claimable.all({ now, limit }).map((r) => r.delivery_id);
      const items: WorkItem[] = [];
      for (const id of ids) {
        s.lease.run(workerId, now + leaseMs, id);
        s.leaseAttempt.run(id);
        const row = s.workItem.get(id)!;
        items.push(workItemFrom(row, row.lease_until));
      }
      return items;
    })();
  }

  async extend(deliveryId: number, workerId: string, leaseMs: number): Promise<boolean> {
    return this.#s.extend.run(this.#now() + leaseMs, deliveryId, workerId).changes > 0;
  }

  async complete(deliveryId: number, workerId: string, completion: Completion): Promise<boolean> {
    const s = this.#s;
    const now = this.#now();
    return this.#db.transaction(() => {
      if (!s.owned.get(deliveryId, workerId)) return false;
      s.deleteWork.run(deliveryId);
      s.finish.run(completion.status, completion.ticketId ?? null, now, null, deliveryId);
      s.addHistory.run(deliveryId, now, completion.status, json({ ...(completion.note ? { note: completion.note } : {}), ...(completion.ticketId !== undefined ? { ticketId: completion.ticketId } : {}) }));
      return true;
    })();
  }

  async fail(deliveryId: number, workerId: string, failure: { retryAt: number; error: string }): Promise<boolean> {
    const s = this.#s;
    const now = this.#now();
    return this.#db.transaction(() => {
      if (!s.owned.get(deliveryId, workerId)) return false;
      s.retry.run(failure.retryAt, deliveryId);
      s.retryDelivery.run(failure.retryAt, failure.error, deliveryId);
      s.addHistory.run(deliveryId, now, 'retry', json({ error: failure.error, retryAt: new Date(failure.retryAt).toISOString() }));
      return true;
    })();
  }

  async deadLetter(deliveryId: number, workerId: string, reason: string): Promise<boolean> {
    const s = this.#s;
    const now = this.#now();
    return this.#db.transaction(() => {
      if (!s.owned.get(deliveryId, workerId)) return false;
      s.deleteWork.run(deliveryId);
      s.dead.run(reason, reason, now, deliveryId);
      s.addHistory.run(deliveryId, now, 'dead-lettered', json({ reason }));
      return true;
    })();
  }

  async release(deliveryId: number, workerId: string): Promise<boolean> {
    const s = this.#s;
    const now = this.#now();
    return this.#db.transaction(() => {
      if (!s.owned.get(deliveryId, workerId)) return false;
      s.release.run(now, deliveryId);
      s.releaseAttempt.run(deliveryId);
      return true;
    })();
  }

  async releaseAll(workerId: string): Promise<number> {
    const s = this.#s;
    const now = this.#now();
    return this.#db.transaction(() => {
      const ids = s.ownedBy.all(workerId).map((r) => r.delivery_id);
      for (const id of ids) {
        s.release.run(now, id);
        s.releaseAttempt.run(id);
      }
      return ids.length;
    })();
  }

  async hasPendingWork(seriesKey: string): Promise<boolean> {
    return this.#s.hasWork.get(seriesKey) !== undefined;
  }

  async counts(): Promise<QueueCounts> {
    const now = this.#now();
    const row = this.#s.counts.get({ now })!;
    return { pending: row.pending, ready: this.#s.ready.get({ now })!.n, leased: row.leased, dead: this.#s.deadCount.get()!.n };
  }

  async nextDueAt(): Promise<number | undefined> {
    const now = this.#now();
    const times = [this.#s.nextAvailable.get({ now })?.at, this.#s.nextLeaseEnd.get({ now })?.at].filter((t): t is number => typeof t === 'number');
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  async replay(deliveryId: number): Promise<ReplayResult> {
    const s = this.#s;
    const now = this.#now();
    return this.#db.transaction((): ReplayResult => {
      const row = s.delivery.get(deliveryId);
      if (!row) return { ok: false, deliveryId, reason: `there is no delivery ${deliveryId}` };
      if (row.status === 'rejected') return { ok: false, deliveryId, reason: `delivery ${deliveryId} was rejected (${row.reason ?? 'bad request'}); it was never an activity haloform could process` };
      if (row.status === 'duplicate') return { ok: false, deliveryId, reason: `delivery ${deliveryId} is a duplicate of delivery ${row.duplicate_of}; replay that one` };
      if (row.status === 'pending' || s.workExists.get(deliveryId)) return { ok: false, deliveryId, reason: `delivery ${deliveryId} is still pending; it will be processed` };
      s.requeue.run(deliveryId);
      s.insertWork.run(deliveryId, row.series_key ?? `delivery:${deliveryId}`, row.activity_id ?? 0, now);
      s.addHistory.run(deliveryId, now, 'replayed', json({ previousStatus: row.status }));
      return { ok: true, deliveryId };
    })();
  }

  async replayDead(): Promise<number[]> {
    const ids = this.#s.deadIds.all().map((r) => r.id);
    const out: number[] = [];
    for (const id of ids) if ((await this.replay(id)).ok) out.push(id);
    return out;
  }

  async getSeries(key: string): Promise<SeriesState | undefined> {
    const row = this.#s.getSeries.get(key);
    return row ? (JSON.parse(row.data) as SeriesState) : undefined;
  }

  async saveSeries(state: SeriesState): Promise<void> {
    this.#s.saveSeries.run(state.key, state.ticketId ?? null, state.ticketOpen ? 1 : 0, JSON.stringify(state), state.updatedAt);
  }

  async openSeries(): Promise<SeriesState[]> {
    return this.#s.openSeries.all().map((r) => JSON.parse(r.data) as SeriesState);
  }

  async addHistory(deliveryId: number, event: string, detail?: Record<string, unknown>): Promise<void> {
    this.#s.addHistory.run(deliveryId, this.#now(), event, detail ? JSON.stringify(detail) : null);
  }

  async history(deliveryId: number): Promise<HistoryEntry[]> {
    return this.#s.history.all(deliveryId).map((r) => ({ deliveryId: r.delivery_id, at: r.at, event: r.event, ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}) }));
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    const row = this.#s.delivery.get(id);
    return row ? deliveryFrom(row) : undefined;
  }

  async listDeliveries(filter: DeliveryFilter = {}): Promise<Delivery[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: Math.max(1, Math.min(filter.limit ?? 100, 10_000)) };
    if (filter.status) {
      where.push('status = @status');
      params.status = filter.status;
    }
    if (filter.since !== undefined) {
      where.push('received_at >= @since');
      params.since = filter.since;
    }
    if (filter.seriesKey !== undefined) {
      where.push('series_key = @seriesKey');
      params.seriesKey = filter.seriesKey;
    }
    if (filter.activityId !== undefined) {
      where.push('activity_id = @activityId');
      params.activityId = filter.activityId;
    }
    if (filter.deviceId !== undefined) {
      where.push('device_id = @deviceId');
      params.deviceId = filter.deviceId;
    }
    if (filter.ticketId !== undefined) {
      where.push('ticket_id = @ticketId');
      params.ticketId = filter.ticketId;
    }
    if (filter.route !== undefined) {
      where.push("series_key IN (SELECT series_key FROM series WHERE json_extract(data, '$.route') = @route)");
      params.route = filter.route;
    }
    const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    return this.#db.prepare<Record<string, unknown>, DeliveryRow>(sql).all(params).map(deliveryFrom);
  }

  async tryLead(name: string, ttlMs: number, workerId: string): Promise<boolean> {
    const now = this.#now();
    this.#s.takeLease.run({ name, owner: workerId, until: now + ttlMs, now });
    return this.#s.getLease.get(name)?.owner === workerId;
  }

  async lease(name: string): Promise<Lease | undefined> {
    const row = this.#s.getLease.get(name);
    return row ? { name: row.name, owner: row.owner, until: row.until } : undefined;
  }

  async resign(name: string, workerId: string): Promise<void> {
    this.#s.resign.run(name, workerId);
  }

  /**
   * Each batch is one short IMMEDIATE write transaction (serve, or `inbox prune` in another
   * process, waits at most that long: busy_timeout), and the event loop runs between batches so a
   * prune inside serve never holds up its requests.
   */
  async prune(options: PruneOptions): Promise<PruneResult> {
    if (this.#closed) throw new Error('the inbox store is closed');
    options.signal?.throwIfAborted();
    const batch = pruneBatchSize(options);
    // Literal statuses from a fixed list, not user text.
    const prunable = `d.received_at < @cutoff AND d.status IN (${prunableStatuses(options)
      .map((status) => `'${status}'`)
      .join(', ')}) AND NOT EXISTS (SELECT 1 FROM work w WHERE w.delivery_id = d.id)`;
    const cutoff = options.olderThan;
    const db = this.#db;
    const result = emptyPruneResult();

    if (options.dryRun) {
      for (const r of db.prepare<{ cutoff: number }, { status: string; n: number }>(`SELECT d.status, COUNT(*) AS n FROM deliveries d WHERE ${prunable} GROUP BY d.status`).all({ cutoff })) {
        countDeliveries(result, r.status, r.n);
      }
      result.history = db.prepare<{ cutoff: number }, { n: number }>(`SELECT COUNT(*) AS n FROM history h JOIN deliveries d ON d.id = h.delivery_id WHERE ${prunable}`).get({ cutoff })!.n;
      // The series whose deliveries all go in this prune.
      result.series = db
        .prepare<{ cutoff: number }, { n: number }>(
          `SELECT COUNT(*) AS n FROM series s WHERE ${SETTLED_SERIES}
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.series_key = s.series_key AND NOT (${prunable}))`,
        )
        .get({ cutoff })!.n;
      return result;
    }

    // One status at a time, oldest first, along the (status, received_at) index: what a batch
    // removes leaves the index, so each batch starts at the front and kept rows are never read.
    const pick = db.prepare<{ cutoff: number; status: string; batch: number }, { id: number }>(
      `SELECT d.id FROM deliveries d
       WHERE d.status = @status AND d.received_at < @cutoff AND NOT EXISTS (SELECT 1 FROM work w WHERE w.delivery_id = d.id)
       ORDER BY d.received_at LIMIT @batch`,
    );
    const dropHistory = db.prepare('DELETE FROM history WHERE delivery_id = ?');
    const dropDelivery = db.prepare('DELETE FROM deliveries WHERE id = ?');
    for (const status of prunableStatuses(options)) {
      for (;;) {
        const removed = db
          .transaction(() => {
            const ids = pick.all({ cutoff, status, batch }).map((r) => r.id);
            let history = 0;
            for (const id of ids) {
              history += dropHistory.run(id).changes;
              dropDelivery.run(id);
            }
            return { count: ids.length, history };
          })
          .immediate();
        countDeliveries(result, status, removed.count);
        result.history += removed.history;
        await this.#yield(options.signal);
        if (removed.count < batch) break;
      }
    }

    // Series along the series_open index in rowid order, from where the last batch stopped.
    const pickSeries = db.prepare<{ cutoff: number; after: number; batch: number }, { rid: number; key: string }>(
      `SELECT s.rowid AS rid, s.series_key AS key FROM series s
       WHERE s.rowid > @after AND ${SETTLED_SERIES}
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.series_key = s.series_key)
       ORDER BY s.rowid LIMIT @batch`,
    );
    const dropSeries = db.prepare('DELETE FROM series WHERE series_key = ?');
    for (let after = 0; ; ) {
      const rows = db
        .transaction(() => {
          const picked = pickSeries.all({ cutoff, after, batch });
          for (const r of picked) dropSeries.run(r.key);
          return picked;
        })
        .immediate();
      result.series += rows.length;
      if (rows.length < batch) break;
      after = rows[rows.length - 1]!.rid;
      await this.#yield(options.signal);
    }
    return result;
  }

  /** Between prune batches: let other work run; stop if the store was closed or the prune aborted meanwhile. */
  async #yield(signal: AbortSignal | undefined): Promise<void> {
    await nextTurn();
    if (this.#closed) throw new Error('the inbox store is closed');
    signal?.throwIfAborted();
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.#s.getMeta.get(key)?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#s.setMeta.run(key, value);
  }

  async updateMeta(key: string, change: (value: string | undefined) => string | undefined): Promise<string | undefined> {
    // IMMEDIATE: the write lock from the read on, so another process cannot write between the two.
    return this.#db
      .transaction(() => {
        const next = change(this.#s.getMeta.get(key)?.value);
        if (next === undefined) this.#s.deleteMeta.run(key);
        else this.#s.setMeta.run(key, next);
        return next;
      })
      .immediate();
  }

  async readCache(): Promise<{ meta: string | undefined; rows: CacheRow[] }> {
    return this.#db.transaction(() => ({ meta: this.#s.getMeta.get(CACHE_META_KEY)?.value, rows: this.#s.cacheRows.all() }))();
  }

  async writeCache(write: CacheWrite): Promise<void> {
    this.#db.transaction(() => {
      if (write.replaceKinds === 'all') this.#s.cacheClear.run();
      else for (const kind of write.replaceKinds ?? []) this.#s.cacheClearKind.run(kind);
      for (const row of write.put ?? []) this.#s.cachePut.run(row.kind, row.id, row.body);
      this.#s.setMeta.run(CACHE_META_KEY, write.meta);
    })();
  }

  async countUnstoredRejections(counts: Readonly<Partial<Record<RejectReason, number>>>): Promise<void> {
    for (const [reason, n] of Object.entries(counts)) if (n && n > 0) this.#s.addMeta.run(`${UNSTORED_PREFIX}${reason}`, String(n));
  }

  async unstoredRejections(): Promise<Partial<Record<RejectReason, number>>> {
    return Object.fromEntries(this.#s.metaLike.all(`${UNSTORED_PREFIX}%`).map((r) => [r.key.slice(UNSTORED_PREFIX.length), Number(r.value)]));
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new Error('the inbox store is closed');
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#db.close();
  }
}

/** Every statement, prepared once. */
function prepareStatements(db: Database.Database) {
  return {
    findAccepted: db.prepare<[number], { id: number }>(
      "SELECT id FROM deliveries WHERE activity_id = ? AND status NOT IN ('duplicate', 'rejected')",
    ),
    insertDelivery: db.prepare(
      `INSERT INTO deliveries (received_at, source, status, path, headers, body, body_bytes, http_status, reason, message,
         activity_id, series_key, status_code, activity_type, device_id, duplicate_of, finished_at)
       VALUES (@receivedAt, @source, @status, @path, @headers, @body, @bodyBytes, @httpStatus, @reason, @message,
         @activityId, @seriesKey, @statusCode, @activityType, @deviceId, @duplicateOf, @finishedAt)`,
    ),
    insertWork: db.prepare('INSERT INTO work (delivery_id, series_key, order_key, available_at) VALUES (?, ?, ?, ?)'),
    claimable: db.prepare<{ now: number; limit: number }, { delivery_id: number }>(
      `SELECT w.delivery_id FROM work w
       WHERE w.available_at <= @now
         AND NOT EXISTS (SELECT 1 FROM work o WHERE o.series_key = w.series_key
                         AND (o.order_key < w.order_key OR (o.order_key = w.order_key AND o.delivery_id < w.delivery_id)))
         AND NOT EXISTS (SELECT 1 FROM work l WHERE l.series_key = w.series_key AND l.lease_until > @now)
       ORDER BY w.available_at, w.delivery_id
       LIMIT @limit`,
    ),
    lease: db.prepare('UPDATE work SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE delivery_id = ?'),
    leaseAttempt: db.prepare('UPDATE deliveries SET attempts = attempts + 1 WHERE id = ?'),
    workItem: db.prepare<
      [number],
      { delivery_id: number; series_key: string; order_key: number; attempts: number; lease_until: number; activity_id: number | null; source: string; body: string | null; received_at: number }
    >(
      `SELECT w.delivery_id, w.series_key, w.order_key, w.attempts, w.lease_until, d.activity_id, d.source, d.body, d.received_at
       FROM work w JOIN deliveries d ON d.id = w.delivery_id WHERE w.delivery_id = ?`,
    ),
    owned: db.prepare<[number, string], { delivery_id: number }>('SELECT delivery_id FROM work WHERE delivery_id = ? AND lease_owner = ?'),
    extend: db.prepare('UPDATE work SET lease_until = ? WHERE delivery_id = ? AND lease_owner = ?'),
    deleteWork: db.prepare('DELETE FROM work WHERE delivery_id = ?'),
    finish: db.prepare(
      'UPDATE deliveries SET status = ?, ticket_id = COALESCE(?, ticket_id), finished_at = ?, next_attempt_at = NULL, reason = COALESCE(?, reason) WHERE id = ?',
    ),
    retry: db.prepare('UPDATE work SET available_at = ?, lease_owner = NULL, lease_until = NULL WHERE delivery_id = ?'),
    retryDelivery: db.prepare('UPDATE deliveries SET next_attempt_at = ?, last_error = ? WHERE id = ?'),
    dead: db.prepare("UPDATE deliveries SET status = 'dead', reason = ?, last_error = COALESCE(last_error, ?), finished_at = ?, next_attempt_at = NULL WHERE id = ?"),
    release: db.prepare('UPDATE work SET lease_owner = NULL, lease_until = NULL, available_at = MIN(available_at, ?), attempts = MAX(0, attempts - 1) WHERE delivery_id = ?'),
    releaseAttempt: db.prepare('UPDATE deliveries SET attempts = MAX(0, attempts - 1) WHERE id = ?'),
    ownedBy: db.prepare<[string], { delivery_id: number }>('SELECT delivery_id FROM work WHERE lease_owner = ?'),
    hasWork: db.prepare<[string], { n: number }>('SELECT 1 AS n FROM work WHERE series_key = ? LIMIT 1'),
    counts: db.prepare<{ now: number }, { pending: number; leased: number }>(
      'SELECT COUNT(*) AS pending, COALESCE(SUM(CASE WHEN lease_until > @now THEN 1 ELSE 0 END), 0) AS leased FROM work',
    ),
    ready: db.prepare<{ now: number }, { n: number }>(
      `SELECT COUNT(*) AS n FROM work w
       WHERE w.available_at <= @now
         AND NOT EXISTS (SELECT 1 FROM work o WHERE o.series_key = w.series_key
                         AND (o.order_key < w.order_key OR (o.order_key = w.order_key AND o.delivery_id < w.delivery_id)))
         AND NOT EXISTS (SELECT 1 FROM work l WHERE l.series_key = w.series_key AND l.lease_until > @now)`,
    ),
    deadCount: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'dead'"),
    // A wake-up hint, from indexes only: the next retry time or lease end still ahead. A time that
    // belongs to an item waiting behind its series' head only wakes the worker early, harmlessly.
    nextAvailable: db.prepare<{ now: number }, { at: number | null }>('SELECT MIN(available_at) AS at FROM work WHERE available_at > @now'),
    nextLeaseEnd: db.prepare<{ now: number }, { at: number | null }>('SELECT MIN(lease_until) AS at FROM work WHERE lease_until > @now'),
    delivery: db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?'),
    requeue: db.prepare("UPDATE deliveries SET status = 'pending', finished_at = NULL, reason = NULL, next_attempt_at = NULL WHERE id = ?"),
    deadIds: db.prepare<[], { id: number }>("SELECT id FROM deliveries WHERE status = 'dead' ORDER BY id"),
    workExists: db.prepare<[number], { n: number }>('SELECT 1 AS n FROM work WHERE delivery_id = ?'),
    getSeries: db.prepare<[string], { data: string }>('SELECT data FROM series WHERE series_key = ?'),
    saveSeries: db.prepare(
      `INSERT INTO series (series_key, ticket_id, ticket_open, data, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(series_key) DO UPDATE SET ticket_id = excluded.ticket_id, ticket_open = excluded.ticket_open, data = excluded.data, updated_at = excluded.updated_at`,
    ),
    openSeries: db.prepare<[], { data: string }>('SELECT data FROM series WHERE ticket_open = 1 ORDER BY series_key'),
    addHistory: db.prepare('INSERT INTO history (delivery_id, at, event, detail) VALUES (?, ?, ?, ?)'),
    history: db.prepare<[number], { delivery_id: number; at: number; event: string; detail: string | null }>(
      'SELECT delivery_id, at, event, detail FROM history WHERE delivery_id = ? ORDER BY id',
    ),
    getLease: db.prepare<[string], { name: string; owner: string; until: number }>('SELECT name, owner, until FROM leases WHERE name = ?'),
    takeLease: db.prepare(
      `INSERT INTO leases (name, owner, until) VALUES (@name, @owner, @until)
       ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, until = excluded.until
       WHERE leases.owner = excluded.owner OR leases.until <= @now`,
    ),
    resign: db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?'),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
    addMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT)',
    ),
    metaLike: db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM meta WHERE key LIKE ?'),
    cacheRows: db.prepare<[], CacheRow>('SELECT kind, id, body FROM sync_cache ORDER BY kind, id'),
    cacheClear: db.prepare('DELETE FROM sync_cache'),
    cacheClearKind: db.prepare<[string]>('DELETE FROM sync_cache WHERE kind = ?'),
    cachePut: db.prepare<[string, number, string]>('INSERT INTO sync_cache (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

