/** Shared pieces of the benchmarks: running a CLI child, reading its report, tables, results. */

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
