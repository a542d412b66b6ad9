/** Shared pieces of the benchmarks: running a CLI child, reading its report, tables, results. */

import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs `haloform <argv>` in a child process; resolves with its report and output. */
export function runChild(argv, env) {
  const dir = mkdtempSync(join(tmpdir(), 'haloform-bench-'));
  const report = join(dir, 'report.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/bench/cli-child.mjs'), ...argv], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, BENCH_REPORT: report, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve({ ...JSON.parse(readFileSync(report, 'utf8')), stdout, stderr });
      } catch {
        reject(new Error(`haloform ${argv.join(' ')} died without a report:\n${stderr.slice(-2000)}`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Requests the sandbox logged, by "METHOD /path" with ids folded, for one server. */
export function countByEndpoint(requests) {
  const out = {};
  for (const r of requests) {
    const path = r.path.replace(/\/\d+(?=\/|$)/g, '/{id}');
    const key = `${r.method} ${path}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export function saveResults(name, data) {
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results', `${name}.json`), `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), node: process.version, ...data }, null, 2)}\n`);
}

export function verdict(ok) {
  return ok ? 'ok' : 'MISSED';
}

/** The value at quantile `q` (0..1) of ascending `sorted`, nearest rank; undefined when empty. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Milliseconds with one decimal, for tables. */
export function ms(value) {
  return value === undefined ? '-' : +value.toFixed(1);
}

/** Cores this machine has, and whether `taskset` can pin a process to one of them. */
export function cpuPlan() {
  const cores = os.availableParallelism();
  let taskset = false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    taskset = true;
  } catch {
    // No util-linux: nothing is pinned.
  }
  return { cores, pin: taskset && cores >= 2 };
}

/**
 * Starts a benchmark child (`script`) with an IPC channel, pinned to `cpu` when given. Returns
 * `call(type, payload)` (one request, one answer), the process, and `exited` (its exit code).
 * Its stderr goes to `logFile` when given (serve's JSON log lines), else is dropped.
 */
export function startChild(script, { cpu, logFile, env, nodeArgs = [] } = {}) {
  const log = logFile ? openSync(logFile, 'a') : 'ignore';
  const argv = [...nodeArgs, join(ROOT, 'test/bench', script)];
  const child =
    cpu === undefined
      ? spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', log, 'ipc'] })
      : spawn('taskset', ['-c', String(cpu), process.execPath, ...argv], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', log, 'ipc'] });
  if (typeof log === 'number') closeSync(log);
  let next = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(new Error(`${script}: ${m.error}`));
    else w.resolve(m.value);
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      for (const w of waiting.values()) w.reject(new Error(`${script} exited (${signal ?? code}) before answering`));
      waiting.clear();
      resolve(signal ?? code);
    }),
  );
  return {
    child,
    exited,
    call(type, payload = {}) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, type, ...payload });
      });
    },
  };
}

/** The child's half of startChild: answers each request with `handlers[type](message)`. */
export function serveRequests(handlers) {
  process.on('message', async (m) => {
    try {
      const handler = handlers[m.type];
      if (!handler) throw new Error(`no handler for ${m.type}`);
      process.send({ id: m.id, value: (await handler(m)) ?? null });
    } catch (e) {
      process.send({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}

/** Deliveries in a SQLite inbox by status, read from the file (serve stopped): what survived on disk. */
export function sqliteDeliveryCounts(storeUrl) {
  const path = storeUrl.replace(/^sqlite:/, '').replace(/\?.*$/, '');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const out = {};
    for (const row of db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all()) out[row.status] = row.n;
    return out;
  } finally {
    db.close();
  }
}

/** CPU time the whole machine spent busy so far (all cores, ms), from /proc/stat; undefined elsewhere. */
export function machineBusyMs() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Busy CPU of processes that are not the benchmark's, during a measurement: the machine's busy
 * time less the benchmark's own processes'. Anything much above zero (another test suite, a
 * build) makes the figures of that measurement pessimistic; the tables say so.
 */
export function otherLoad(busyBeforeMs, busyAfterMs, ownMs, wallMs) {
  if (busyBeforeMs === undefined || busyAfterMs === undefined) return undefined;
  return Math.max(0, (busyAfterMs - busyBeforeMs - ownMs) / wallMs);
}

/**
 * Waits (up to `maxWaitMs`) until processes other than this one leave the machine nearly idle
 * (under `threshold` of a core over a second), so a measurement does not start while a test suite
 * or a build runs beside it. Returns the load seen last and how long it waited.
 */
export async function awaitQuiet({ maxWaitMs, threshold = 0.15 }) {
  const started = Date.now();
  for (;;) {
    const busy = machineBusyMs();
    const own = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const mine = process.cpuUsage(own);
    const load = otherLoad(busy, machineBusyMs(), (mine.user + mine.system) / 1000, 1000);
    const waitedMs = Date.now() - started;
    if (load === undefined || load < threshold || waitedMs >= maxWaitMs) return { load, waitedMs, quiet: load === undefined || load < threshold };
  }
}

/**
 * Prints runs side by side: one line per figure, its target first, then one column per run
 * (named by `key`). Fields starting with `_` are not printed.
 */
export function printFigures(rows, { key, targets = {} }) {
  const table = {};
  for (const field of Object.keys(rows[0] ?? {})) {
    if (field.startsWith('_') || field === key) continue;
    table[field] = { target: targets[field] ?? '', ...Object.fromEntries(rows.map((r) => [String(r[key]), r[field]])) };
  }
  console.table(table);
}
