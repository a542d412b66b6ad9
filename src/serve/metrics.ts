/**
 * serve's Prometheus metrics (DESIGN.md §5): received, duplicates, rejected by reason, ignored,
 * processed, dead-lettered, retries, queue depth, alert → ticket latency, Halo 429s and what the
 * poller recovered. One prom-client Registry per serve instance, never the global default, so
 * several instances (tests, the demo) do not share counters.
 */

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Accounting } from '../http/index.js';
import type { InboxStore, RejectReason } from '../store/inbox-store.js';
import type { CycleReport, SyncStatus } from '../sync/controller.js';

export class ServeMetrics {
  readonly registry = new Registry();
  readonly received: Counter;
  readonly duplicates: Counter;
  /** By reason: the webhook's 4xx answers, and connections refused (too many strangers, timeouts). */
  readonly rejected: Counter<'reason'>;
  readonly ignored: Counter;
  readonly processed: Counter<'outcome'>;
  readonly deadLettered: Counter;
  readonly retries: Counter;
  readonly latency: Histogram;
  readonly recovered: Counter<'kind'>;
  readonly ticketsCreated: Counter<'placement'>;
  readonly reloads: Counter<'outcome'>;
  readonly syncCycles: Histogram<'trigger'>;
  readonly syncChanges: Counter<'kind' | 'outcome'>;
  readonly syncHaloRequests: Counter<'trigger'>;
  readonly syncDrift: Counter;
  readonly syncCache: Gauge<'kind'>;
  readonly syncHeld: Gauge;

  /** A sync cycle that ran: its duration, requests, writes and drift; the cache and held gauges from the status after it. */
  observeSync(report: CycleReport, status: SyncStatus): void {
    if (report.skipped) return;
    this.syncCycles.observe({ trigger: report.trigger }, report.durationMs / 1000);
    this.syncHaloRequests.inc({ trigger: report.trigger }, report.haloRequests);
    if (report.drift > 0) this.syncDrift.inc(report.drift);
    for (const [kind, n] of Object.entries(report.appliedByKind)) this.syncChanges.inc({ kind, outcome: 'applied' }, n);
    for (const [kind, n] of Object.entries(report.failedByKind)) this.syncChanges.inc({ kind, outcome: 'failed' }, n);
    for (const kind of ['assets', 'clients', 'sites'] as const) this.syncCache.set({ kind }, status.cache?.[kind] ?? 0);
    this.syncHeld.set(status.heldTotal);
  }

  constructor(options: { store: InboxStore; haloAccounting?: Accounting; prefix?: string }) {
    const p = options.prefix ?? 'haloform_';
    const registers = [this.registry];
    this.received = new Counter({ name: `${p}webhook_received_total`, help: 'Webhook deliveries accepted and stored (duplicates and ignored ones included)', registers });
    this.duplicates = new Counter({ name: `${p}webhook_duplicates_total`, help: 'Deliveries of an activity id already accepted: acknowledged, not processed', registers });
    this.rejected = new Counter({ name: `${p}webhook_rejected_total`, help: 'Requests answered with a 4xx, and connections refused or timed out, by reason', labelNames: ['reason'], registers });
    for (const reason of ['unauthorized', 'too_large', 'unsupported_media_type', 'malformed_json', 'not_an_activity'] satisfies RejectReason[]) this.rejected.inc({ reason }, 0);
    for (const reason of ['too_many_unauthenticated', 'headers_timeout', 'body_timeout', 'sender_broke_off']) this.rejected.inc({ reason }, 0);
    this.ignored = new Counter({ name: `${p}webhook_ignored_total`, help: 'Deliveries acknowledged but excluded by alerts.include or not alert events', registers });
    this.processed = new Counter({ name: `${p}deliveries_processed_total`, help: 'Deliveries processed, by what they did', labelNames: ['outcome'], registers });
    this.deadLettered = new Counter({ name: `${p}deliveries_dead_lettered_total`, help: 'Deliveries given up on (see haloform inbox list --status dead)', registers });
    this.retries = new Counter({ name: `${p}delivery_retries_total`, help: 'Processing attempts that failed and were scheduled again', registers });
    this.latency = new Histogram({
      name: `${p}alert_ticket_latency_seconds`,
      help: 'From receiving a TRIGGERED webhook to its Halo ticket existing',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers,
    });
    this.recovered = new Counter({ name: `${p}poller_recovered_total`, help: 'Events the poller found missing: tickets opened for active alerts, closed for reset ones', labelNames: ['kind'], registers });
    this.recovered.inc({ kind: 'opened' }, 0);
    this.recovered.inc({ kind: 'closed' }, 0);
    this.reloads = new Counter({ name: `${p}spec_reloads_total`, help: 'Spec reloads (SIGHUP, the file changing, POST /admin/reload), by outcome: reloaded, or refused (the running spec stays)', labelNames: ['outcome'], registers });
    for (const outcome of ['reloaded', 'refused']) this.reloads.inc({ outcome }, 0);
    this.syncCycles = new Histogram({ name: `${p}sync_cycle_duration_seconds`, help: 'Sync cycles that ran, by trigger (start, timer, webhook, backstop, manual), and how long they took', labelNames: ['trigger'], buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 1800], registers });
    this.syncChanges = new Counter({ name: `${p}sync_changes_total`, help: 'Changes sync cycles wrote (outcome applied) or could not (failed), by kind.action', labelNames: ['kind', 'outcome'], registers });
    this.syncHaloRequests = new Counter({ name: `${p}sync_halo_requests_total`, help: 'Halo requests sync cycles made, by trigger (a cycle with nothing to do makes none)', labelNames: ['trigger'], registers });
    this.syncDrift = new Counter({ name: `${p}sync_drift_total`, help: 'Halo objects a full re-read found changed behind haloform\'s back', registers });
    this.syncCache = new Gauge({ name: `${p}sync_cache_objects`, help: 'Halo objects in the sync cache, by kind', labelNames: ['kind'], registers });
    this.syncHeld = new Gauge({ name: `${p}sync_held_changes`, help: 'Changes the last sync cycle held for a reviewed apply', registers });
    this.ticketsCreated = new Counter({ name: `${p}tickets_created_total`, help: 'Halo tickets created, by how the device was placed', labelNames: ['placement'], registers });

    const store = options.store;
    new Gauge({
      name: `${p}queue_depth`,
      help: 'Work items not finished (ready, in progress or waiting for a retry)',
      registers,
      async collect() {
        try {
          this.set((await store.counts()).pending);
        } catch {
          // A closed store: keep the last value.
        }
      },
    });
    new Gauge({
      name: `${p}dead_letters`,
      help: 'Deliveries dead-lettered and not replayed',
      registers,
      async collect() {
        try {
          this.set((await store.counts()).dead);
        } catch {
          // as above
        }
      },
    });
    const accounting = options.haloAccounting;
    if (accounting) {
      let reported = 0;
      new Counter({
        name: `${p}halo_rate_limited_total`,
        help: 'Halo answers with status 429 (each is retried after at least 30 s)',
        registers,
        collect() {
          const total = accounting.snapshot().reduce((sum, s) => sum + s.rateLimited, 0);
          if (total > reported) this.inc(total - reported);
          reported = total;
        },
      });
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The current value of a counter or gauge (all labels summed), for tests and the demo. */
  async value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) throw new Error(`no metric named ${name}`);
    const data = await metric.get();
    return data.values
      .filter((v) => !('metricName' in v && v.metricName && v.metricName !== name) && Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
      .reduce((sum, v) => sum + v.value, 0);
  }
}
