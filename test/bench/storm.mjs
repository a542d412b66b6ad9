/**
 * An alert storm: 5,000 alerts raised in NinjaOne within 60 s, each delivered by the simulator's
 * webhook queue to serve (its own process), while Halo holds serve to its request budget
 * (300 per rolling 5 minutes). The whole scenario is time-scaled by `scale` so it runs in
 * minutes: the storm lasts 60/scale s, the budget is 300 per 300/scale s (simulator and spec
 * alike), and serve's waits after a 429 shrink by the same factor. Figures: time until every
 * ticket exists (against the budget's lower bound for the Halo requests really made), serve's
 * peak memory, 429s, and that nothing was lost: every acknowledged delivery became exactly one
 * ticket, read from the Halo simulator's state.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineBusyMs, otherLoad, printFigures, saveResults, startChild, verdict } from './lib.mjs';
import { registerWebhook, SECRET, serveSpecText, startLinkedSandbox } from './serve-world.mjs';

const ALERTS = 5000;
const STORM_S = 60;
const BUDGET = { requests: 300, perSeconds: 300 };

export async function benchStorm({ scales }) {
  const rows = [];
  for (const scale of scales) rows.push(await stormRun(scale));
  console.log(
    `\nalert storm — ${ALERTS} alerts in ${STORM_S} s, Halo's budget ${BUDGET.requests} per ${BUDGET.perSeconds / 60} min, the whole scenario time-scaled (storm, budget and serve's waits alike); serve in its own process with 4 workers, SQLite inbox`,
  );
  printFigures(rows, {
    key: 'scale',
    targets: {
      'last ticket ÷ bound': '≈ 1',
      'acked / tickets / alerts': 'all equal',
      'inbox done / dead / pending': `${ALERTS}/0/0`,
      'Halo requests (haloform/sandbox)': 'equal',
      '429s (haloform/sandbox)': '0/0',
    },
  });
  for (const r of rows) {
    console.log(
      `  ${r.scale}: every acknowledged delivery became exactly one ticket ${verdict(r._ok.exactlyOne)} · nothing dead-lettered or undelivered ${verdict(r._ok.nothingLost)} · no 429 ${verdict(r._ok.no429)} · haloform's Halo request count = the simulator's log ${verdict(r._ok.counted)}` +
        (r._ok.quiet ? '' : ` · WARNING: other processes used ${Math.round(r._other * 100)}% of a core meanwhile`),
    );
  }
  console.log(
    '  "real time" multiplies the scaled times back by the scale: what the same storm costs against a Halo-hosted tenant. The bound is the rolling window\'s: request k + 300 cannot be sent before request k has been out one window.',
  );
  saveResults('storm', { alerts: ALERTS, stormSeconds: STORM_S, budget: BUDGET, rows: rows.map(({ _other, ...r }) => r) });
  return rows;
}

async function stormRun(scale) {
  const budget = { requests: BUDGET.requests, perSeconds: BUDGET.perSeconds / scale };
  const stormMs = (STORM_S * 1000) / scale;
  const dir = mkdtempSync(join(tmpdir(), 'haloform-bench-storm-'));
  const sandbox = await startLinkedSandbox({ devices: 1000, haloRateLimit: budget });
  const serve = startChild('serve-child.mjs', { logFile: join(dir, 'serve.log') });
  try {
    const { url } = await serve.call('start', {
      specText: serveSpecText({ rateLimit: budget }),
      env: { ...sandbox.env, HALOFORM_WEBHOOK_SECRET: SECRET },
      store: `sqlite:${join(dir, 'inbox.db')}`,
      // serve's own waits, scaled like the budget: ≥ 30 s after a 429, 2 s … 10 min between attempts.
      workers: { retry: { baseMs: 2000 / scale, maxMs: 600_000 / scale, rateLimitMinMs: 30_000 / scale } },
      haloHttp: { backoff: { minRateLimitWaitMs: 30_000 / scale, maxDelayMs: 60_000 / scale } },
    });
    await registerWebhook(sandbox, `${url}/ninjaone/webhook`);
    const control = sandbox.ninjaone.control;
    control.setWebhookDelivery({ concurrency: 16 });
    const devices = sandbox.data.ninjaone.devices;
    const before = await serve.call('report');
    sandbox.halo.server.clearRequests();
    const haloBefore = before.halo.total.requests;
    const busyBefore = machineBusyMs();
    const ownBefore = process.cpuUsage();

    const raised = new Set();
    const t0 = Date.now();
    for (let i = 0; i < ALERTS; i++) {
      const due = t0 + (i * stormMs) / ALERTS;
      if (due > Date.now() + 1) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const { alert } = control.triggerAlert({ deviceId: devices[i % devices.length].id, severity: 'MAJOR', priority: 'HIGH' });
      raised.add(alert.uid);
    }
    const raisedMs = Date.now() - t0;
    await control.flushWebhooks();
    const deliveredMs = Date.now() - t0;
    const after = await serve.call('idle');
    const idleMs = Date.now() - t0;
    const own = process.cpuUsage(ownBefore);
    const other = otherLoad(busyBefore, machineBusyMs(), (own.user + own.system) / 1000 + (after.cpuUserMs + after.cpuSystemMs - before.cpuUserMs - before.cpuSystemMs), idleMs);

    const tickets = sandbox.halo.control.state().tickets.filter((t) => raised.has(t.ninja_alert_id));
    const perAlert = new Map();
    for (const t of tickets) perAlert.set(t.ninja_alert_id, (perAlert.get(t.ninja_alert_id) ?? 0) + 1);
    const lastTicketMs = Math.max(...tickets.map((t) => Date.parse(`${t.datecreated}Z`))) - t0;
    const deliveries = control.webhookDeliveries();
    const acknowledged = deliveries.filter((d) => d.outcome === 'delivered' && !d.duplicate).length;
    const retried = deliveries.filter((d) => d.attempts > 1).length;
    const inbox = await serve.call('deliveries', { limit: 10_000 });
    const halo = sandbox.halo.server.requests();
    const logged429 = halo.filter((r) => r.status === 429).length;
    const needed = halo.length;
    const boundS = Math.floor(Math.max(0, needed - 1) / budget.requests) * budget.perSeconds;
    const final = await serve.call('stop');
    await serve.exited;
    const haloformCounted = after.halo.total.requests - haloBefore;
    const exactlyOne = perAlert.size === ALERTS && [...perAlert.values()].every((n) => n === 1) && acknowledged === ALERTS;
    return {
      scale: `×${scale}`,
      'storm (scaled)': `${ALERTS} in ${(stormMs / 1000).toFixed(1)} s`,
      'raised s': +(raisedMs / 1000).toFixed(1),
      'all delivered s': +(deliveredMs / 1000).toFixed(1),
      'last ticket s': +(lastTicketMs / 1000).toFixed(1),
      'bound s': boundS,
      'last ticket ÷ bound': +(lastTicketMs / 1000 / boundS).toFixed(2),
      'real time min (bound)': `${((lastTicketMs * scale) / 60_000).toFixed(0)} (${((boundS * scale) / 60).toFixed(0)})`,
      'acked / tickets / alerts': `${acknowledged}/${tickets.length}/${ALERTS}`,
      'inbox done / dead / pending': `${inbox.byStatus.done ?? 0}/${inbox.byStatus.dead ?? 0}/${after.counts.pending}`,
      'NinjaOne retries': retried,
      'Halo requests (haloform/sandbox)': `${haloformCounted}/${needed}`,
      '429s (haloform/sandbox)': `${after.halo.total.rateLimited - before.halo.total.rateLimited}/${logged429}`,
      'serve peak RSS MiB': Math.round(final.peakRssMiB),
      _ok: {
        exactlyOne,
        nothingLost: (inbox.byStatus.dead ?? 0) === 0 && after.counts.pending === 0 && deliveries.every((d) => d.outcome === 'delivered'),
        no429: logged429 === 0,
        counted: haloformCounted === needed,
        quiet: other === undefined || other < 0.15,
      },
      _other: other,
    };
  } finally {
    serve.child.kill();
    await serve.exited;
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
