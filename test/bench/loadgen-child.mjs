#!/usr/bin/env node
/**
 * The load generator of the webhook intake benchmark, in a process of its own: posts valid
 * NinjaOne TRIGGERED activities to serve, each with its own activity id and alert series.
 *
 * - `fixed`: an open-loop schedule — request k is due at k / rate seconds, sent then whatever the
 *   answers before it, over a pool of keep-alive connections; its latency is counted from when it
 *   was due, so a stalled server cannot hide its stall by slowing the sender (coordinated
 *   omission). autocannon's `overallRate` is not used for this: it lets each connection send its
 *   whole per-second quota back-to-back at the start of every second, which is a burst, not a rate.
 * - `max`: autocannon, closed loop — `connections` senders, each posting as soon as its previous
 *   answer arrived, for `durationS` seconds.
 */

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { percentile, serveRequests } from './lib.mjs';

/** The body of request `i`: the captured template with a new id, series and device. */
function bodyMaker({ template, idBase, devices }) {
  const t0 = Math.floor(Date.now() / 1000);
  return (i) => {
    const device = devices[i % devices.length];
    const id = idBase + i;
    return JSON.stringify({
      ...template,
      id,
      activityTime: t0 + i / 1000,
      deviceId: device.id,
      seriesUid: `bench-${idBase}-${i}`,
      device: { ...template.device, ...device },
    });
  };
}

function summary(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] };
}

serveRequests({
  async fixed(options) {
    const { url, secret, rate, durationS, connections, warmupS = 0 } = options;
    const body = bodyMaker(options);
    const pool = new Pool(url, { connections, pipelining: 1 });
    // The first `warmupS` seconds run at the same rate on the same connections and are reported apart.
    const warm = Math.round(rate * warmupS);
    const total = warm + Math.round(rate * durationS);
    const fromDue = new Float64Array(total);
    const fromSend = new Float64Array(total);
    const ok = new Uint8Array(total);
    const statuses = {};
    let errors = 0;
    let done = 0;
    let firstMeasured = 0;
    let lastAnswer = 0;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${secret}` };
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    let cpuBefore = process.cpuUsage();
    const start = performance.now();
    await new Promise((resolve) => {
      const fire = (i, due) => {
        const sent = performance.now();
        if (i === warm) {
          firstMeasured = sent;
          cpuBefore = process.cpuUsage();
          loopDelay.enable();
        }
        pool
          .request({ path: '/ninjaone/webhook', method: 'POST', headers, body: body(i) })
          .then(async (res) => {
            await res.body.dump();
            const now = performance.now();
            fromDue[i] = now - due;
            fromSend[i] = now - sent;
            ok[i] = res.statusCode >= 200 && res.statusCode < 300 ? 1 : 0;
            if (i >= warm) {
              statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
              lastAnswer = Math.max(lastAnswer, now);
            }
          })
          .catch(() => {
            if (i >= warm) errors += 1;
          })
          .finally(() => {
            if (++done === total) resolve();
          });
      };
      let next = 0;
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
        for (; next < due; next++) fire(next, start + (next * 1000) / rate);
        if (next < total) setTimeout(tick, 1);
      };
      tick();
    });
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    await pool.close();
    const measured = (a) => a.subarray(warm);
    let timeline;
    if (options.timeline) {
      // The worst latency of the requests due in each 100 ms, for finding when stalls happen.
      timeline = [];
      for (let i = 0; i < total; i++) {
        const slot = Math.floor((i * 1000) / rate / 100);
        timeline[slot] = Math.max(timeline[slot] ?? 0, Math.round(fromDue[i]));
      }
    }
    return {
      timeline,
      sent: total - warm,
      ok: measured(ok).reduce((n, v) => n + v, 0),
      warmupOk: ok.subarray(0, warm).reduce((n, v) => n + v, 0),
      statuses,
      errors,
      seconds: (lastAnswer - firstMeasured) / 1000,
      latency: summary(measured(fromDue)),
      serviceLatency: summary(measured(fromSend)),
      warmupLatency: warm > 0 ? summary(fromDue.subarray(0, warm)) : undefined,
      cpuMs: (cpu.user + cpu.system) / 1000,
      stallMaxMs: loopDelay.max / 1e6,
    };
  },

  async max(options) {
    const { url, secret, durationS, connections } = options;
    const body = bodyMaker(options);
    let i = 0;
    const cpuBefore = process.cpuUsage();
    const result = await autocannon({
      url,
      connections,
      duration: durationS,
      requests: [
        {
          method: 'POST',
          path: '/ninjaone/webhook',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          setupRequest: (request) => ({ ...request, body: body(i++) }),
        },
      ],
    });
    const cpu = process.cpuUsage(cpuBefore);
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([s, v]) => [s, v.count]));
    return {
      sent: i,
      ok: result['2xx'],
      statuses,
      errors: result.errors,
      timeouts: result.timeouts,
      seconds: result.duration,
      latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  },
});
