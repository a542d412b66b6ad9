#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --only plan-apply,...]`: benchmarks that print figures beside
 * their targets (DESIGN.md §8). Never part of `npm test`. Each writes bench-results/<name>.json.
 * --quick runs the smallest size of each, in a few minutes.
 */

import os from 'node:os';
import { benchPlanApply } from './plan-apply.mjs';
import { benchSpecLoad } from './spec-load.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
const want = (name) => !only || only.has(name);

console.log(`haloform benchmarks on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}${quick ? ' (--quick)' : ''}`);
const started = Date.now();
if (want('spec-load')) await benchSpecLoad({ quick });
if (want('plan-apply')) await benchPlanApply({ sizes: quick ? [1000] : [1000, 10000, 50000] });
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s; figures in bench-results/*.json`);
