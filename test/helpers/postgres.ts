/**
 * A real PostgreSQL server for the tests. `.ci/run` starts one and exports HALOFORM_TEST_PG; the
 * vitest global setup (postgres-setup.ts) starts a throwaway cluster otherwise, and a test file
 * run without that setup starts its own. Clusters are Debian's (or any) server binaries: `initdb`
 * into a temporary directory (as the `postgres` user when the tests run as root, which initdb
 * refuses), listening on a free local port, stopped and deleted afterwards. When no server can be
 * had, the PostgreSQL tests fail with the reason — they are never skipped.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's URL (a superuser on its `postgres` database), or why there is none. */
    haloformPostgres: { url: string } | { error: string } | undefined;
  }
}

export interface PgCluster {
  /** `postgres://haloform@127.0.0.1:<port>/postgres`, a superuser. */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: clients are disconnected); the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  destroy(): Promise<void>;
}

/** The directory of `initdb`, `pg_ctl` and `postgres`: HALOFORM_TEST_PG_BIN, the newest Debian one, or PATH. */
export function findPostgresBin(): string | undefined {
  const given = process.env.HALOFORM_TEST_PG_BIN;
  if (given) return existsSync(join(given, 'initdb')) ? given : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = onPath.stdout.trim();
  return onPath.status === 0 && initdb ? initdb.replace(/\/initdb$/, '') : undefined;
}

/** Starts a throwaway cluster; throws with what went wrong. */
export async function startCluster(): Promise<PgCluster> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error('no PostgreSQL server binaries (initdb) found: install them (Debian: apt-get install postgresql), set HALOFORM_TEST_PG_BIN to their directory, or HALOFORM_TEST_PG to a running server');
  }
  const dir = mkdtempSync(join(tmpdir(), 'haloform-pg-'));
  // initdb refuses to run as root: the cluster then belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const run = (tool: string, args: string[]) => {
    const [cmd, ...rest] = [...runAs, join(bin, tool), ...args];
    const result = spawnSync(cmd!, rest, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    if (result.status !== 0) {
      const serverLog = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`${tool} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout).trim()}${serverLog ? `\n${serverLog}` : ''}`);
    }
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'haloform', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = await freePort();
  // Test data need not survive a power cut: no fsync. Enough connections for parallel files.
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300`;
  const start = async () => run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings, 'start']);
  const stop = async () => run('pg_ctl', ['-D', data, '-w', '-t', '60', '-m', 'fast', 'stop']);
  try {
    await start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let destroyed = false;
  return {
    url: `postgres://haloform@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new empty database on the server at `url`; `drop` removes it. */
export async function createDatabase(url: string, prefix = 'haloform_test'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * The server a test file uses, resolved before its tests: the global setup's (or HALOFORM_TEST_PG),
 * else one this file starts and stops — always its own with `private` (a file that stops and
 * starts its server must not pull it from under the others) — then the file's own `setup` (a
 * database, say). When either fails, every test of the file fails with the reason; none is skipped.
 */
export function usePostgres(
  hooks: { private?: boolean; setup?(url: string): Promise<void>; teardown?(): Promise<void> } = {},
): { url(): string; cluster(): PgCluster } {
  let url: string | undefined;
  let own: PgCluster | undefined;
  let failure: Error | undefined;
  beforeAll(async () => {
    try {
      url = await resolveServer(hooks.private ?? false, (cluster) => (own = cluster));
      await hooks.setup?.(url);
    } catch (e) {
      failure = e as Error;
    }
  }, 120_000);
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    if (!failure) await hooks.teardown?.();
    await own?.destroy();
  }, 60_000);
  const unavailable = () => failure ?? new Error('PostgreSQL is not available for the tests');
  return {
    url: () => {
      if (!url) throw unavailable();
      return url;
    },
    cluster: () => {
      if (!own) throw unavailable();
      return own;
    },
  };
}

async function resolveServer(ownCluster: boolean, started: (cluster: PgCluster) => void): Promise<string> {
  const provided = ownCluster ? undefined : inject('haloformPostgres');
  if (provided && 'error' in provided) throw new Error(`PostgreSQL is not available for the tests: ${provided.error}`);
  let url = ownCluster ? undefined : (provided?.url ?? process.env.HALOFORM_TEST_PG);
  if (!url) {
    try {
      const cluster = await startCluster();
      started(cluster);
      url = cluster.url;
    } catch (e) {
      throw new Error(`PostgreSQL is not available for the tests: ${(e as Error).message}`);
    }
  }
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    await probe.query('SELECT 1');
  } catch (e) {
    throw new Error(`PostgreSQL is not available for the tests: ${url} does not answer: ${(e as Error).message}`);
  } finally {
    await probe.end().catch(() => undefined);
  }
  return url;
}

/** A URL whose connections use `schema` (which must exist) for every unqualified name. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
