/**
 * A first import under Halo's request budget (Halo-hosted: 300 requests per rolling 5 minutes,
 * reference/halopsa/NOTES.md §5), time-scaled 100× so the run stays short: the Halo simulator
 * refuses past 300 per 3 s and the spec tells haloform the same budget. `haloform apply
 * --auto-approve` (plan, then apply) in its own process against a sandbox with N devices and an
 * empty Halo. Target: no 429 at all. Time is held against the budget's lower bound for the
 * requests the run really needed (read from the simulator's log).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSandbox } from '../../dist/sandbox/index.js';
import { countByEndpoint, machineBusyMs, otherLoad, printFigures, ROOT, runChild, saveResults, verdict } from './lib.mjs';

/** 300 requests per 300 s, 100× faster. */
const SCALE = 100;
const BUDGET = { requests: 300, perSeconds: 300 / SCALE };

function budgetSpec() {
  const dir = mkdtempSync(join(tmpdir(), 'haloform-bench-budget-'));
  const path = join(dir, 'budget.yaml');
  const text = readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace(
    /(    clientSecret: \$\{HALO_CLIENT_SECRET:-sandbox-secret\}\n)/,
    `$1    rateLimit: { requests: ${BUDGET.requests}, perSeconds: ${BUDGET.perSeconds} }\n`,
  );
  if (!text.includes('rateLimit: {')) throw new Error('could not set the budget in the bench spec');
  writeFileSync(path, text);
  return path;
}

/** haloform's own `--stats` table: requests and 429s per API, told apart by path. */
function statsByApi(stderr) {
  const out = { halo: { requests: 0, rateLimited: 0 }, ninjaone: { requests: 0, rateLimited: 0 }, limiterWait: undefined };
  for (const line of stderr.split('\n')) {
    const m = /^(GET|POST|PUT|PATCH|DELETE) (\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(line);
    if (m) {
      const api = m[2].startsWith('/api/') || m[2].startsWith('/auth/') ? 'halo' : 'ninjaone';
      out[api].requests += Number(m[3]);
      out[api].rateLimited += Number(m[5]);
    }
    const held = /held requests back for (.+) of this .+ run\.$/.exec(line);
    if (held) out.limiterWait = held[1];
  }
  return out;
}

export async function benchRateLimited({ sizes }) {
  const spec = budgetSpec();
  const rows = [];
  try {
    for (const devices of sizes) {
      const sandbox = await startSandbox({ devices, haloRateLimit: BUDGET });
      try {
        const busyBefore = machineBusyMs();
        const ownBefore = process.cpuUsage();
        const run = await runChild(['apply', '-c', spec, '--auto-approve', '--stats'], { ...sandbox.env, HALOFORM_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789abcdef' });
        const own = process.cpuUsage(ownBefore);
        const other = otherLoad(busyBefore, machineBusyMs(), (own.user + own.system) / 1000 + run.cpuMs, run.wallMs);
        if (run.code !== 0) throw new Error(`apply exited ${run.code}:\n${run.stderr.slice(-3000)}`);
        const halo = sandbox.halo.server.requests();
        const ninja = sandbox.ninjaone.server.requests();
        const logged429 = halo.filter((r) => r.status === 429).length;
        const counted = statsByApi(run.stderr);
        const needed = halo.length;
        // Sustained: the budget's rate. Rolling window: request k + 300 cannot arrive before request k + one window.
        const sustainedS = (needed * BUDGET.perSeconds) / BUDGET.requests;
        const windowS = Math.floor(Math.max(0, needed - 1) / BUDGET.requests) * BUDGET.perSeconds;
        const haloSpanS = halo.length > 1 ? (halo[halo.length - 1].at - halo[0].at) / 1000 : 0;
        rows.push({
          run: `${devices} devices`,
          _devices: devices,
          'Halo requests (haloform/sandbox)': `${counted.halo.requests}/${needed}`,
          'NinjaOne (haloform/sandbox)': `${counted.ninjaone.requests}/${ninja.length}`,
          '429s (haloform/sandbox)': `${counted.halo.rateLimited}/${logged429}`,
          'wall s': +(run.wallMs / 1000).toFixed(2),
          'first→last Halo request s': +haloSpanS.toFixed(2),
          'bound: requests ÷ rate s': +sustainedS.toFixed(2),
          'bound: rolling window s': windowS,
          'wall ÷ (requests ÷ rate)': +(run.wallMs / 1000 / sustainedS).toFixed(2),
          'limiter wait': counted.limiterWait ?? '?',
          'real budget: bound min': +((sustainedS * SCALE) / 60).toFixed(1),
          // Which side the time went to: haloform's process, or the simulators (this process, one thread).
          'CPU s haloform/simulators': `${(run.cpuMs / 1000).toFixed(1)}/${((own.user + own.system) / 1e6).toFixed(1)}`,
          'peak RSS MiB': run.peakRssMiB,
          _ok: {
            no429: logged429 === 0 && counted.halo.rateLimited === 0,
            counted: counted.halo.requests === needed && counted.ninjaone.requests === ninja.length,
            quiet: other === undefined || other < 0.15,
          },
          _other: other,
          _byEndpoint: countByEndpoint(halo),
        });
      } finally {
        await sandbox.stop();
      }
    }
  } finally {
    rmSync(dirname(spec), { recursive: true, force: true });
  }
  console.log(
    `\nrate-limited first import — Halo's budget 300 per 5 min time-scaled ${SCALE}× to ${BUDGET.requests} per ${BUDGET.perSeconds} s (simulator and spec alike), no latency; haloform apply --auto-approve (plan + apply, batches of 50) on an empty Halo`,
  );
  printFigures(rows, {
    key: 'run',
    targets: { '429s (haloform/sandbox)': '0/0', 'Halo requests (haloform/sandbox)': 'equal', 'NinjaOne (haloform/sandbox)': 'equal', 'wall ÷ (requests ÷ rate)': 'small' },
  });
  for (const r of rows) {
    console.log(
      `  ${r.run}: no 429 ${verdict(r._ok.no429)} · haloform's request counts = the simulators' logs ${verdict(r._ok.counted)}` +
        (r._ok.quiet ? '' : ` · WARNING: other processes used ${Math.round(r._other * 100)}% of a core meanwhile`),
    );
  }
  console.log(
    '  "requests ÷ rate" is the run\'s Halo requests at the budget\'s average rate; the rolling window lets the first 300 through at once, so a run that needs fewer than 300 can beat it (its own bound is then 0 s). "real budget" converts the bound back to 300 per 5 minutes.',
  );
  saveResults('rate-limited', { budget: BUDGET, scale: SCALE, rows: rows.map(({ _other, ...r }) => r) });
  return rows;
}
