#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --only plan-apply,intake,...]`: benchmarks that print figures
 * beside their targets (DESIGN.md §8). Never part of `npm test`. Each writes
 * bench-results/<name>.json. --quick runs the smallest size of each, in under 3 minutes.
 * Benchmarks: spec-load, sandbox-start, plan-apply, rate-limited, intake, alert-features, alert-ticket, storm, sync.
 */

import os from 'node:os';
import { benchAlertFeatures } from './alert-features.mjs';
import { benchAlertToTicket, benchIntake } from './intake.mjs';
import { awaitQuiet } from './lib.mjs';
import { benchPlanApply } from './plan-apply.mjs';
import { benchRateLimited } from './rate-limited.mjs';
import { benchSandboxStart } from './sandbox-start.mjs';
import { benchSpecLoad } from './spec-load.mjs';
import { benchStorm } from './storm.mjs';
import { benchSync } from './sync.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
const want = (name) => !only || only.has(name);

const benchmarks = [
  ['spec-load', () => benchSpecLoad({ quick })],
  ['sandbox-start', () => benchSandboxStart({ sizes: quick ? [10000] : [10000, 50000] })],
  ['plan-apply', () => benchPlanApply({ sizes: quick ? [1000] : [1000, 10000, 50000] })],
  ['rate-limited', () => benchRateLimited({ sizes: quick ? [2000] : [2000, 10000, 50000] })],
  ['intake', () => benchIntake({ quick })],
  ['alert-features', () => benchAlertFeatures({ quick })],
  ['alert-ticket', () => benchAlertToTicket({ quick })],
  ['storm', () => benchStorm({ scales: quick ? [100] : [100, 25] })],
  ['sync', () => benchSync({ sizes: quick ? [2000] : [2000, 10000, 50000], budgeted: quick ? [] : [10000] })],
];
if (only) for (const name of only) if (!benchmarks.some(([n]) => n === name)) throw new Error(`no benchmark named ${name}; there are ${benchmarks.map(([n]) => n).join(', ')}`);

const cpus = os.cpus();
console.log(
  `haloform benchmarks on ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}${quick ? ' (--quick)' : ''}`,
);
const started = Date.now();
for (const [name, run] of benchmarks) {
  if (!want(name)) continue;
  // Another test suite or build running beside the benchmark would make its figures pessimistic.
  const quiet = await awaitQuiet({ maxWaitMs: quick ? 2_000 : 90_000 });
  if (!quiet.quiet) console.log(`\n(${name}: other processes keep ${Math.round(quiet.load * 100)}% of a core busy; measuring anyway, so its figures may be pessimistic)`);
  await run();
}
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s; figures in bench-results/*.json`);
