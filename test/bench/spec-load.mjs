/** Loading and validating specs, from the shipped examples to thousands of organisation mappings. */

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadSpecText } from '../../dist/config/load.js';
import { ROOT, saveResults } from './lib.mjs';

const env = { NINJAONE_CLIENT_ID: 'x', NINJAONE_CLIENT_SECRET: 'x', HALO_CLIENT_ID: 'x', HALO_CLIENT_SECRET: 'x' };

function largeSpec(organisations) {
  const base = readFileSync(`${ROOT}config/haloform.example.yaml`, 'utf8').split('\ncustomers:')[0];
  const map = Array.from({ length: organisations }, (_, i) => `    - organisation: Customer ${i}\n      client: Client ${i}\n      sites: { Head Office: HQ, ${1000 + i}: Branch }\n`).join('');
  return `${base}\ncustomers:\n  unmapped: error\n  map:\n${map}`;
}

function measure(name, text, runs) {
  const times = [];
  let errors = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const loaded = loadSpecText(name, text, env);
    times.push(performance.now() - start);
    errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  }
  times.sort((a, b) => a - b);
  const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { spec: name, kib: +(Buffer.byteLength(text) / 1024).toFixed(1), runs, p50ms: +pick(0.5).toFixed(2), p95ms: +pick(0.95).toFixed(2), errors };
}

export async function benchSpecLoad({ quick }) {
  const cases = [
    ['config/demo.yaml', readFileSync(`${ROOT}config/demo.yaml`, 'utf8'), quick ? 50 : 200],
    ['config/haloform.example.yaml', readFileSync(`${ROOT}config/haloform.example.yaml`, 'utf8'), quick ? 50 : 200],
    ['1,000 organisation mappings', largeSpec(1000), quick ? 5 : 20],
    ...(quick ? [] : [['5,000 organisation mappings', largeSpec(5000), 5]]),
  ];
  measure('warm-up', cases[0][1], 20);
  const rows = cases.map(([name, text, runs]) => measure(name, text, runs));
  console.log('\nspec load + validate (no target in DESIGN.md §8; for comparison between runs)');
  console.table(rows);
  saveResults('spec-load', { rows });
  return rows;
}
