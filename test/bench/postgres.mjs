/**
 * A throwaway PostgreSQL cluster for the intake benchmark, started the way the test harness
 * (test/helpers/postgres.ts) starts one — Debian's server binaries, `initdb` into a temporary
 * directory (as the postgres user when run as root), a free local port — but durable: fsync and
 * synchronous_commit stay on, so PostgreSQL is held to the same "committed before the 2xx" as the
 * SQLite file. HALOFORM_TEST_PG, when set, is used instead. Each run gets a database of its own.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

function postgresBin() {
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
  return onPath.status === 0 && onPath.stdout.trim() ? onPath.stdout.trim().replace(/\/initdb$/, '') : undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A server to use: `{ url, version, database(name) → url, stop() }`; throws with the reason when none can be had. */
export async function startPostgres() {
  if (process.env.HALOFORM_TEST_PG) return withDatabases(process.env.HALOFORM_TEST_PG, 'HALOFORM_TEST_PG', async () => undefined);
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries (initdb): apt-get install postgresql, or set HALOFORM_TEST_PG');
  const dir = mkdtempSync(join(tmpdir(), 'haloform-bench-pg-'));
  const runAs = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (runAs.length > 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const run = (tool, args) => {
    const [cmd, ...rest] = [...runAs, join(bin, tool), ...args];
    const result = spawnSync(cmd, rest, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${tool} failed: ${(result.stderr || result.stdout).trim()}${existsSync(log) ? `\n${readFileSync(log, 'utf8').slice(-1500)}` : ''}`);
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'haloform', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start']);
    const stop = async () => {
      try {
        run('pg_ctl', ['-D', data, '-w', '-t', '60', '-m', 'fast', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return withDatabases(`postgres://haloform@127.0.0.1:${port}/postgres`, `throwaway cluster (${bin}, fsync on)`, stop, () => processTreeCpuMs(postmaster));
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** CPU (ms) used so far by a process and its live children, plus what its finished children used. */
function processTreeCpuMs(pid) {
  const stat = (p) => {
    try {
      // Fields after the command name: state ppid … utime(14) stime(15) cutime(16) cstime(17).
      const rest = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ').pop().split(' ');
      return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]), children: Number(rest[13]) + Number(rest[14]) };
    } catch {
      return undefined;
    }
  };
  const root = stat(pid);
  if (!root) return undefined;
  let ticks = root.ticks + root.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === pid) continue;
    const s = stat(entry);
    if (s?.ppid === pid) ticks += s.ticks;
  }
  return ticks * 10;
}

async function withDatabases(url, how, stop, cpuMs = () => undefined) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version;
  const settings = Object.fromEntries((await admin.query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')")).rows.map((r) => [r.name, r.setting]));
  const created = [];
  return {
    how: `${how}, PostgreSQL ${version}, fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}`,
    /** CPU the server's processes used so far (ms), when it is our own cluster. */
    cpuMs,
    /** A new empty database on the server; its URL. */
    async database(name) {
      const db = `haloform_bench_${name}_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.query(`CREATE DATABASE ${db}`);
      created.push(db);
      const u = new URL(url);
      u.pathname = `/${db}`;
      return u.toString();
    },
    async stop() {
      for (const db of created) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await stop();
    },
  };
}

/** Deliveries in a PostgreSQL inbox by status, read from the server after serve stopped; undefined if the tables are not as expected. */
export async function postgresDeliveryCounts(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out = {};
    for (const row of (await client.query('SELECT status, count(*)::int AS n FROM haloform_deliveries GROUP BY status')).rows) out[row.status] = row.n;
    return out;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}
