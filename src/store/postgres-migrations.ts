/**
 * The PostgreSQL inbox's schema, as numbered migrations that haloform applies itself when a store
 * opens. Each migration runs in its own transaction under one advisory lock, so replicas that
 * start at the same moment apply it once, in order, and the others wait and find it done; the
 * versions applied are rows of `haloform_schema`.
 */

import type pg from 'pg';

/** One step of the schema; never edited once released — a change is a new migration. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * The key of the transaction-level advisory lock every migration runs under: "haloform" in
 * ASCII as a 64-bit integer. Advisory locks are per database, so two haloform inboxes in
 * different schemas of one database only wait for each other's migrations, briefly.
 */
export const MIGRATION_LOCK = '7521983784330420845';

/**
 * Tables carry a `haloform_` prefix so the inbox can share a database (or a schema named in the
 * URL's `options=-c search_path=...`) with other things. Times are epoch milliseconds (bigint),
 * as in the SQLite store. JSON is kept as text: it round-trips whatever JSON.stringify wrote, where
 * jsonb refuses a `\u0000` that an alert message may carry.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'inbox: deliveries, work items, series lanes, series state, history, leases, meta',
    sql: `
CREATE TABLE haloform_meta (key text PRIMARY KEY, value text NOT NULL);

CREATE TABLE haloform_deliveries (
  id bigserial PRIMARY KEY,
  received_at bigint NOT NULL,
  source text NOT NULL,
  status text NOT NULL,
  path text NOT NULL,
  headers text NOT NULL,
  body text,
  body_bytes integer NOT NULL,
  http_status integer NOT NULL,
  reason text,
  message text,
  activity_id bigint,
  series_key text,
  status_code text,
  activity_type text,
  device_id bigint,
  duplicate_of bigint,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint,
  last_error text,
  ticket_id bigint,
  finished_at bigint
);
-- One accepted (or ignored) delivery per NinjaOne activity, whichever replica took it first.
CREATE UNIQUE INDEX haloform_deliveries_activity ON haloform_deliveries (activity_id)
  WHERE activity_id IS NOT NULL AND status NOT IN ('duplicate', 'rejected');
CREATE INDEX haloform_deliveries_received ON haloform_deliveries (received_at);
CREATE INDEX haloform_deliveries_status ON haloform_deliveries (status, id);
CREATE INDEX haloform_deliveries_series ON haloform_deliveries (series_key, id);

-- Work not finished: one row per pending delivery, due at available_at (a retry waits).
CREATE TABLE haloform_work (
  delivery_id bigint PRIMARY KEY,
  series_key text NOT NULL,
  order_key bigint NOT NULL,
  available_at bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX haloform_work_series ON haloform_work (series_key, order_key, delivery_id);
CREATE INDEX haloform_work_available ON haloform_work (available_at, delivery_id);

-- One row per alert series that ever had work: the series' claim. A worker leases the series
-- (owner, until) together with the one item it processes, so no other worker anywhere can take
-- an item of that series until the lease ends; claims lock these rows FOR UPDATE SKIP LOCKED.
CREATE TABLE haloform_lanes (
  series_key text PRIMARY KEY,
  delivery_id bigint,
  owner text,
  until bigint
);
CREATE INDEX haloform_lanes_delivery ON haloform_lanes (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX haloform_lanes_owner ON haloform_lanes (owner) WHERE owner IS NOT NULL;
CREATE INDEX haloform_lanes_until ON haloform_lanes (until) WHERE until IS NOT NULL;

CREATE TABLE haloform_series (
  series_key text PRIMARY KEY,
  ticket_id bigint,
  ticket_open boolean NOT NULL,
  data text NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX haloform_series_open ON haloform_series (series_key) WHERE ticket_open;

CREATE TABLE haloform_history (
  id bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL,
  at bigint NOT NULL,
  event text NOT NULL,
  detail text
);
CREATE INDEX haloform_history_delivery ON haloform_history (delivery_id, id);

CREATE TABLE haloform_leases (name text PRIMARY KEY, owner text NOT NULL, until bigint NOT NULL);
`,
  },
  {
    version: 2,
    description: "sync cache: the Halo records serve's sync controller manages",
    sql: `
CREATE TABLE haloform_sync_cache (kind text NOT NULL, id bigint NOT NULL, body text NOT NULL, PRIMARY KEY (kind, id));
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The database holds a schema this haloform cannot use; the message says what to do. */
export class SchemaVersionError extends Error {
  override readonly name = 'SchemaVersionError';
}

/** The inbox tables do not exist (and were not to be created). */
export class NoInboxError extends Error {
  override readonly name = 'NoInboxError';
}

/** The schema version the database holds; 0 when haloform never ran there. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('haloform_schema')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const row = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM haloform_schema');
  return row.rows[0]?.v ?? 0;
}

/**
 * Brings the schema to LATEST_VERSION; returns the versions it applied (none when another replica
 * did, or nothing was missing). `create: false` (the `inbox` commands) only checks.
 */
export async function migrate(client: pg.ClientBase, options: { create?: boolean; where?: string } = {}): Promise<number[]> {
  const where = options.where ?? 'this database';
  const current = await schemaVersion(client);
  if (current > LATEST_VERSION) {
    throw new SchemaVersionError(`${where} holds a haloform inbox of schema version ${current}; this haloform knows versions up to ${LATEST_VERSION}. Upgrade haloform (every replica) to the version that wrote it.`);
  }
  if (current === LATEST_VERSION) return [];
  if (options.create === false) {
    if (current === 0) throw new NoInboxError(`There is no haloform inbox in ${where}. haloform serve creates it; pass the same --store (or HALOFORM_STORE) serve uses.`);
    throw new SchemaVersionError(`${where} holds a haloform inbox of schema version ${current}; this haloform needs version ${LATEST_VERSION}. Start this version of haloform serve once: it migrates the inbox.`);
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    await client.query('BEGIN');
    try {
      // Replicas starting together queue here; each then sees what the one before it applied.
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS haloform_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const version = await schemaVersion(client);
      if (version > LATEST_VERSION) throw new SchemaVersionError(`${where} was migrated to schema version ${version} by a newer haloform while this one started; upgrade this replica.`);
      if (version >= migration.version) {
        await client.query('COMMIT');
        continue;
      }
      await client.query(migration.sql);
      await client.query('INSERT INTO haloform_schema (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
      await client.query('COMMIT');
      applied.push(migration.version);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
  return applied;
}
