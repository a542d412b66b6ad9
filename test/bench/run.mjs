#!/usr/bin/env node
/**
 * `npm run bench`: benchmarks that print figures (never part of `npm test`). Each writes its
 * figures to bench-results/<name>.json so runs can be compared.
 *
 * Today: loading and validating specs, from the shipped examples up to a spec with thousands of
 * organisation mappings (an MSP that maps every customer explicitly).
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadSpecText } from '../../dist/config/load.js';

const root = new URL('../../', import.meta.url);
const env = { NINJAONE_CLIENT_ID: 'x', NINJAONE_CLIENT_SECRET: 'x', HALO_CLIENT_ID: 'x', HALO_CLIENT_SECRET: 'x' };

function largeSpec(organisations) {
  const base = readFileSync(new URL('config/haloform.example.yaml', root), 'utf8').split('\ncustomers:')[0];
  const map = Array.from({ length: organisations }, (_, i) =>
    `    - organisation: Customer ${i}\n      client: Client ${i}\n      sites: { Head Office: HQ, ${1000 + i}: Branch }\n`,
  ).join('');
  return `${base}\ncustomers:\n  unmapped: error\n  map:\n${map}`;
}

function measure(name, text, runs) {
  const times = [];
  let diagnostics = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const loaded = loadSpecText(name, text, env);
    times.push(performance.now() - start);
    diagnostics = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  }
  times.sort((a, b) => a - b);
  const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return {
    spec: name,
    kib: +(Buffer.byteLength(text) / 1024).toFixed(1),
    runs,
    p50ms: +pick(0.5).toFixed(2),
    p95ms: +pick(0.95).toFixed(2),
    errors: diagnostics,
  };
}

const cases = [
  ['config/demo.yaml', readFileSync(new URL('config/demo.yaml', root), 'utf8'), 200],
  ['config/haloform.example.yaml', readFileSync(new URL('config/haloform.example.yaml', root), 'utf8'), 200],
  ['1,000 organisation mappings', largeSpec(1000), 20],
  ['5,000 organisation mappings', largeSpec(5000), 5],
];

// Warm up the schema compiler and the JIT so the first case is not charged for them.
measure('warm-up', cases[0][1], 20);
const rows = cases.map(([name, text, runs]) => measure(name, text, runs));
const peakRssMiB = +(process.resourceUsage().maxRSS / 1024).toFixed(1);

console.log('spec load + validate (no target in DESIGN.md §8; figures for comparison between runs)');
console.table(rows);
console.log(`peak RSS: ${peakRssMiB} MiB on node ${process.version}, ${process.platform}/${process.arch}`);

mkdirSync(new URL('bench-results/', root), { recursive: true });
writeFileSync(
  new URL('bench-results/spec-load.json', root),
  `${JSON.stringify({ benchmark: 'spec-load', at: new Date().toISOString(), node: process.version, peakRssMiB, rows }, null, 2)}\n`,
);
