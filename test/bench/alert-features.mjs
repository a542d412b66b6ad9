/**
 * What issue 17's alert features cost serve (target: routing, storm roll-up and two-way close add
 * under 10 % to serve's CPU per delivery at 2,000 webhooks/s). The intake benchmark's fixed-rate
 * run — 2,000 valid TRIGGERED activities a second, each its own alert, SQLite inbox, serve in its
 * own process — is made with three specs, alternated over rounds so drift in the machine falls
 * on all alike:
 *
 * - baseline: one ticket type, priority by severity (the intake benchmark's spec);
 * - features: four routes (regular expressions on the condition, device class, severity; teams,
 *   agents, categories, priorities named in Halo), two-way close (onTicketClosed: resetAlert),
 *   reopenWithinMinutes and a maintenance window for another organisation — every alert is
 *   weighed by each, none changes what a ticket is;
 * - features + storm: the same with stormThreshold (10 within 5 minutes): the alerts (one
 *   condition, 500 devices) roll up into storms, so most become notes on parent tickets.
 *
 * Twice: with Halo answering in 50 ms (as the intake benchmark; serve's workers are bound by
 * Halo, intake dominates) and answering at once (workers bound by CPU, processing dominates).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intakeRun, placement } from './intake.mjs';
import { printFigures, saveResults, verdict } from './lib.mjs';
import { captureWebhookBody, serveSpecText, startLinkedSandbox } from './serve-world.mjs';

const TARGET_OVERHEAD = 0.1;

const FEATURES = `  onTicketClosed: resetAlert
  reopenWithinMinutes: 60
  maintenanceWindows:
    - { name: Another organisation's patch night, organisations: [999999], from: "00:00", to: "23:59" }
  routes:
    - name: backup-failures
      match: { condition: "/backup|veeam|datto/i" }
      team: Backup
      category: Backup>Failure
    - name: server-disks
      match: { severity: [CRITICAL, MAJOR], deviceClass: [WINDOWS_SERVER, LINUX_SERVER], condition: "/disk|space|volume/i" }
      priority: High
      team: Infrastructure
    - name: workstation-patching
      match: { deviceClass: WINDOWS_WORKSTATION, condition: "/patch/i" }
      priority: Low
    - name: cpu
      match: { severity: [MAJOR, CRITICAL], condition: "/cpu|processor/i" }
      team: Service Desk
      agent: Alex Morgan
      category: Hardware>Server
`;

const VARIANTS = [
  { name: 'baseline', spec: () => serveSpecText() },
  { name: 'features', spec: () => `${serveSpecText()}${FEATURES}` },
  { name: 'features + storm', spec: () => `${serveSpecText()}${FEATURES}  stormThreshold: { alerts: 10, withinMinutes: 5 }\n` },
];

export async function benchAlertFeatures({ quick }) {
  const durationS = quick ? 5 : 15;
  const warmupS = 2;
  const rounds = quick ? 1 : 2;
  const where = placement();
  const dir = mkdtempSync(join(tmpdir(), 'haloform-bench-features-'));
  const rows = [];
  try {
    for (const haloLatencyMs of [50, 0]) {
      const sandbox = await startLinkedSandbox({ devices: 1000, haloLatencyMs });
      const runs = new Map(VARIANTS.map((v) => [v.name, []]));
      try {
        const template = await captureWebhookBody(sandbox);
        let n = 0;
        for (let round = 0; round < rounds; round += 1) {
          for (const v of VARIANTS) {
            const storeUrl = `sqlite:${join(dir, `inbox-${haloLatencyMs}-${n++}.db`)}`;
            const r = await intakeRun({ sandbox, template, storeUrl, kind: 'sqlite', mode: 'fixed', durationS, warmupS, where, dir, specText: v.spec() });
            runs.get(v.name).push(r);
          }
        }
      } finally {
        await sandbox.stop();
      }
      const mean = (list, pick) => list.reduce((sum, r) => sum + pick(r), 0) / list.length;
      const base = mean(runs.get('baseline'), (r) => r.serveCpuPerDeliveryUs);
      for (const v of VARIANTS) {
        const list = runs.get(v.name);
        const us = mean(list, (r) => r.serveCpuPerDeliveryUs);
        const overhead = us / base - 1;
        const processed = mean(list, (r) => r.processedDuring);
        const processingUs = mean(list, (r) => r.serveCpuPerProcessedUs ?? 0);
        rows.push({
          run: `Halo ${haloLatencyMs} ms · ${v.name}`,
          'accepted/s': Math.round(mean(list, (r) => r.run.ok / r.run.seconds)),
          'ack p99 ms': +mean(list, (r) => r.run.latency.p99).toFixed(1),
          'serve CPU µs/delivery': Math.round(us),
          'vs baseline': v.name === 'baseline' ? '-' : `${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)}%`,
          'processed meanwhile': Math.round(processed),
          'serve CPU µs/processed': processingUs ? Math.round(processingUs) : 'n/a',
          'runs': list.length,
          _ok: v.name === 'baseline' || overhead < TARGET_OVERHEAD,
          _overhead: overhead,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nalert features — the intake benchmark's fixed ${2000}/s run (SQLite, ${durationS} s after ${warmupS} s of warm-up, ${rounds} round${rounds === 1 ? '' : 's'} alternating the specs) with routing, two-way close, reopen and maintenance on, and with storm roll-up too; ${where.text}`,
  );
  printFigures(rows, { key: 'run', targets: { 'vs baseline': `< +${TARGET_OVERHEAD * 100}%` } });
  for (const r of rows.filter((x) => x['vs baseline'] !== '-')) console.log(`  ${r.run}: adds < ${TARGET_OVERHEAD * 100} % to serve's CPU per delivery ${verdict(r._ok)} (${r['vs baseline']})`);
  console.log(
    '  serve CPU µs/delivery: all of serve\'s CPU over the measured part (intake and the workers) ÷ deliveries received; µs/processed: the same ÷ deliveries the workers finished. With storms, most alerts become notes on parent tickets instead of tickets of their own.',
  );
  saveResults('alert-features', { placement: where.text, durationS, warmupS, rounds, rows: rows.map(({ _ok, _overhead, ...r }) => r) });
  return rows;
}
