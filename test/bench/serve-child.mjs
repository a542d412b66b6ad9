#!/usr/bin/env node
/**
 * `haloform serve` in a process of its own for the serve benchmarks (startServe, as the CLI
 * runs it: JSON logs at info on stderr, the poller off), driven over IPC by the benchmark: start,
 * report (counters, Halo/NinjaOne request accounting, CPU, memory), idle, stop. Its own process,
 * so the load generator and the simulators never share its event loop.
 */

import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadSpecText } from '../../dist/config/load.js';
import { Accounting } from '../../dist/http/index.js';
import { startServe } from '../../dist/serve/start.js';
import { serveRequests } from './lib.mjs';

let serve;
const halo = new Accounting();
const ninja = new Accounting();
let startedAt;
/** serve's event-loop stalls since the previous report: what a request arriving then waits at least. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });

/** Bytes this process asked the kernel to write so far (files and sockets alike), from /proc. */
function writtenBytes() {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    return { wchar: Number(/^wchar: (\d+)/m.exec(io)?.[1]), disk: Number(/^write_bytes: (\d+)/m.exec(io)?.[1]) };
  } catch {
    return undefined;
  }
}

async function report() {
  const m = serve.metrics;
  const value = (name, labels) => m.value(name, labels).catch(() => undefined);
  const latency = await m.registry.getSingleMetric('haloform_alert_ticket_latency_seconds').get();
  const resources = process.resourceUsage();
  const stalls = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
  loopDelay.reset();
  return {
    written: writtenBytes(),
    stalls,
    uptimeMs: performance.now() - startedAt,
    cpuUserMs: resources.userCPUTime / 1000,
    cpuSystemMs: resources.systemCPUTime / 1000,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    peakRssMiB: resources.maxRSS / 1024,
    elu: performance.eventLoopUtilization().utilization,
    received: await value('haloform_webhook_received_total'),
    duplicates: await value('haloform_webhook_duplicates_total'),
    rejected: await value('haloform_webhook_rejected_total'),
    processed: await value('haloform_deliveries_processed_total'),
    deadLettered: await value('haloform_deliveries_dead_lettered_total'),
    retries: await value('haloform_delivery_retries_total'),
    ticketsCreated: await value('haloform_tickets_created_total'),
    latencyBuckets: latency.values.filter((v) => v.metricName === 'haloform_alert_ticket_latency_seconds_bucket').map((v) => ({ le: v.labels.le, count: v.value })),
    counts: await serve.store.counts(),
    halo: { total: halo.total(), byLabel: halo.snapshot() },
    ninjaone: { total: ninja.total(), byLabel: ninja.snapshot() },
  };
}

serveRequests({
  async start({ specText, env, store, workers, haloHttp, logLevel }) {
    const loaded = loadSpecText('bench-serve.yaml', specText, env, { missingEnv: 'error' });
    if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => d.summary).join('; '));
    startedAt = performance.now();
    loopDelay.enable();
    serve = await startServe({
      spec: loaded.spec,
      store,
      port: 0,
      secrets: [env.HALOFORM_WEBHOOK_SECRET],
      logLevel: logLevel ?? 'info',
      logSink: (line) => process.stderr.write(`${line}\n`),
      poller: 'off',
      workers,
      // Our own accounting, so every Halo and NinjaOne request serve makes is counted here.
      halo: { ...haloHttp, accounting: halo },
      ninjaone: { accounting: ninja },
    });
    // Started for good: the new store has adopted Halo's open tickets, the workers run.
    await serve.idle();
    return { url: serve.url };
  },
  report,
  async idle() {
    await serve.idle();
    return report();
  },
  async deliveries({ limit }) {
    const all = await serve.store.listDeliveries({ limit });
    const byStatus = {};
    for (const d of all) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
    return { listed: all.length, byStatus, withTicket: all.filter((d) => d.ticketId !== undefined).length, tickets: new Set(all.map((d) => d.ticketId).filter((t) => t !== undefined)).size };
  },
  async stop() {
    const last = await report();
    await serve.stop({ graceMs: 2_000 });
    setImmediate(() => process.exit(0));
    return { ...last, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  },
});
