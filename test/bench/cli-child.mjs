#!/usr/bin/env node
/**
 * Runs one haloform command in its own process for a benchmark, so its memory is its own: the
 * CLI's stdout/stderr pass through, and on exit the peak RSS and the request stats go to the file
 * named by BENCH_REPORT.
 */

import { writeFileSync } from 'node:fs';
import { runCli } from '../../dist/cli/cli.js';
import { processIo } from '../../dist/cli/io.js';

const started = performance.now();
const code = await runCli(process.argv.slice(2), processIo());
const usage = process.resourceUsage();
const report = { code, wallMs: Math.round(performance.now() - started), peakRssMiB: +(usage.maxRSS / 1024).toFixed(1), cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 };
if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, JSON.stringify(report));
process.exitCode = code;
