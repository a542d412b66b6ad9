/**
 * The backstop for lost webhooks (DESIGN.md §5): every `alerts.poll.everyMinutes`, compare
 * NinjaOne's active alerts (`GET /v2/alerts`) with Halo's open haloform tickets. An active alert
 * whose series has no ticket gets a TRIGGERED event; an open ticket whose alert is gone gets a
 * RESET. Both go into the inbox like webhook deliveries (source `poller`), so the workers apply
 * them with the same series rules and ordering — the poller itself writes nothing to Halo.
 * Open tickets the store does not know (it was lost or replaced) are adopted into series state.
 * One poller runs per deployment (a lease in the store).
 */

import type { Spec } from '../config/spec.js';
import type { HaloTicket, HaloTickets } from '../halo/tickets.js';
import { parseStorm, STORM_PREFIX } from './storm.js';
import type { Clock, Logger } from '../http/index.js';
import type { NinjaOneClient } from '../rmm/ninjaone/client.js';
import type { NinjaAlert } from '../rmm/ninjaone/types.js';
import type { InboxStore, NewDelivery, SeriesState } from '../store/inbox-store.js';
import { fallbackSeriesKey, includeDecision, type Activity } from '../rmm/ninjaone/activity.js';
import type { HaloDirectory } from './directory.js';
import { describeError } from './errors.js';
import type { ServeMetrics } from './metrics.js';
import { ticketClosedEvent } from './ticket-closed.js';

export interface PollResult {
  /** False when another process holds the poller lease (it polls instead). */
  leader: boolean;
  activeAlerts: number;
  openTickets: number;
  /** TRIGGERED events queued for active alerts without a ticket. */
  opened: number;
  /** RESET events queued for open tickets whose alert is gone. */
  closed: number;
  /** Open tickets adopted into the store's series state. */
  adopted: number;
  /** Events queued for tickets a person closed while their alert is active (alerts.onTicketClosed: resetAlert). */
  ticketsClosed: number;
}

export interface PollerOptions {
  spec: Spec;
  store: InboxStore;
  ninja: NinjaOneClient;
  tickets: HaloTickets;
  directory: HaloDirectory;
  metrics: ServeMetrics;
  logger: Logger;
  clock: Clock;
  workerId: string;
  /** Called when events were queued (wakes the workers). */
  onQueued(): void;
}

/** `third_party_id_string` prefix on every ticket haloform creates. */
export const THIRD_PARTY_PREFIX = 'haloform:';

/** The store lease that makes one process the poller. */
export const POLLER_LEASE = 'poller';

export class Poller {
  readonly #o: PollerOptions;
  #timer: AbortController | undefined;
  #running: Promise<PollResult> | undefined;

  constructor(options: PollerOptions) {
    this.#o = options;
  }

  /** Polls every `intervalMs`, the first time at once. */
  start(intervalMs: number): void {
    if (this.#timer) return;
    const timer = new AbortController();
    this.#timer = timer;
    const loop = async () => {
      while (!timer.signal.aborted) {
        await this.pollOnce().catch((e: unknown) => {
          this.#o.logger.log('warn', 'poll failed; trying again next period', { error: describeError(e) });
        });
        try {
          await this.#o.clock.sleep(intervalMs, timer.signal);
        } catch {
          return;
        }
      }
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.#timer?.abort();
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
    await this.#o.store.resign(POLLER_LEASE, this.#o.workerId).catch(() => undefined);
  }

  /** One comparison (concurrent calls share it). */
  pollOnce(): Promise<PollResult> {
    this.#running ??= this.#poll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Adopts Halo's open haloform tickets the store does not know; returns how many. */
  async adopt(): Promise<number> {
    const tickets = await this.#openTickets();
    return this.#adopt(tickets);
  }

  async #poll(): Promise<PollResult> {
    const { spec, store, metrics, logger } = this.#o;
    const everyMs = spec.alerts!.poll.everyMinutes * 60_000;
    const none: PollResult = { leader: false, activeAlerts: 0, openTickets: 0, opened: 0, closed: 0, adopted: 0, ticketsClosed: 0 };
    if (!(await store.tryLead(POLLER_LEASE, Math.max(60_000, 2 * everyMs), this.#o.workerId))) return none;

    // Tickets first, alerts second: a ticket created between the two reads has its alert in
    // the (later) alert list, so it is never mistaken for one whose alert is gone.
    const tickets = await this.#openTickets();
    const alerts = await this.#o.ninja.readAlerts();
    const adopted = await this.#adopt(tickets);

    const ticketByKey = new Map<string, HaloTicket>();
    for (const t of tickets) ticketByKey.set(ticketKey(t)!, t);
    // A ticket reopened for a flapping condition's next alert keeps its first alert's key: known by id.
    const openTicketIds = new Set(tickets.map((t) => t.id));
    const activeKeys = new Set<string>();
    let opened = 0;
    let closed = 0;
    let ticketsClosed = 0;

    for (const alert of alerts) {
      const keys = [alert.uid, ...(alert.sourceConfigUid ? [fallbackSeriesKey(alert.deviceId, alert.sourceConfigUid)] : [])];
      for (const k of keys) activeKeys.add(k);
      if (keys.some((k) => ticketByKey.has(k))) continue;
      const series = (await store.getSeries(keys[0]!)) ?? (keys[1] ? await store.getSeries(keys[1]) : undefined);
      // A series that has or had a ticket is not opened again: a person may have closed it — and
      // then, with alerts.onTicketClosed: resetAlert, the alert is reset (the Halo webhook's backstop).
      if (series?.ticketId !== undefined || series?.resetAt !== undefined) {
        if (series.ticketId !== undefined && !openTicketIds.has(series.ticketId) && series.key === alert.uid && (await this.#closedByAPerson(series))) {
          await store.accept(ticketClosedEvent(series.key, series.ticketId, 'poller', this.#o.clock.now()));
          ticketsClosed += 1;
          logger.log('info', 'poller: an active alert whose ticket is no longer open', { seriesKey: series.key, ticketId: series.ticketId });
        }
        continue;
      }
      if (!(await this.#wanted(alert))) continue;
      if ((await Promise.all(keys.map((k) => store.hasPendingWork(k)))).some(Boolean)) continue;
      await store.accept(this.#event(series?.key ?? keys[0]!, triggeredFrom(alert)));
      opened += 1;
      logger.log('info', 'poller: active alert without a ticket', { seriesKey: keys[0], deviceId: alert.deviceId });
    }

    for (const t of tickets) {
      const key = ticketKey(t)!;
      if (key.startsWith(STORM_PREFIX)) {
        // A storm's parent closes with its devices' resets: each member whose alert is gone resets.
        closed += await this.#resetGoneMembers(key, activeKeys);
        continue;
      }
      if (activeKeys.has(key)) continue;
      const series = await store.getSeries(key);
      // The reset was applied and the ticket left open on purpose (touched, or onReset: note).
      if (series?.resetAt !== undefined) continue;
      if (await store.hasPendingWork(key)) continue;
      const deviceId = series?.deviceId;
      await store.accept(
        this.#event(key, {
          activityType: 'CONDITION',
          statusCode: 'RESET',
          status: 'Reset',
          ...(key.startsWith('device:') ? {} : { seriesUid: key }),
          ...(deviceId !== undefined ? { deviceId } : {}),
          activityTime: this.#o.clock.now() / 1000,
        }),
      );
      closed += 1;
      logger.log('info', 'poller: open ticket whose alert is gone', { seriesKey: key, ticketId: t.id });
    }

    if (opened > 0) metrics.recovered.inc({ kind: 'opened' }, opened);
    if (closed > 0) metrics.recovered.inc({ kind: 'closed' }, closed);
    if (ticketsClosed > 0) metrics.recovered.inc({ kind: 'ticket-closed' }, ticketsClosed);
    if (opened + closed + ticketsClosed > 0) this.#o.onQueued();
    const result: PollResult = { leader: true, activeAlerts: alerts.length, openTickets: tickets.length, opened, closed, adopted, ticketsClosed };
    logger.log('info', 'poll finished', { ...result });
    return result;
  }

  /** Queues a RESET for each device of a storm that still counts as alerting but whose alert is gone. */
  async #resetGoneMembers(stormKey: string, activeKeys: ReadonlySet<string>): Promise<number> {
    const { store, logger } = this.#o;
    let queued = 0;
    for (const f of parseStorm(await store.getMeta(stormKey))?.firings ?? []) {
      if (!f.joined || !f.active || activeKeys.has(f.series) || (await store.hasPendingWork(f.series))) continue;
      await store.accept(
        this.#event(f.series, {
          activityType: 'CONDITION',
          statusCode: 'RESET',
          status: 'Reset',
          ...(f.series.startsWith('device:') ? {} : { seriesUid: f.series }),
          deviceId: f.deviceId,
          activityTime: this.#o.clock.now() / 1000,
        }),
      );
      queued += 1;
      logger.log('info', 'poller: a storm device whose alert is gone', { seriesKey: f.series, storm: stormKey });
    }
    return queued;
  }

  async #openTickets(): Promise<HaloTicket[]> {
    // One read per ticket type alert tickets can have (alerts.ticketType and the routes').
    const { ticketTypeIds, closedStatusId: closedStatus } = await this.#o.directory.lookups();
    const seen = new Set<number>();
    const tickets: HaloTicket[] = [];
    for (const ticketTypeId of ticketTypeIds) {
      for (const t of await this.#o.tickets.findTickets({ ticketTypeId, openOnly: true })) {
        if (seen.has(t.id)) continue;
        seen.add(t.id);
        tickets.push(t);
      }
    }
    return tickets.filter((t) => t.statusId !== closedStatus && ticketKey(t) !== undefined);
  }

  async #adopt(tickets: HaloTicket[]): Promise<number> {
    const { store } = this.#o;
    let adopted = 0;
    for (const t of tickets) {
      const key = ticketKey(t)!;
      // A storm's parent is its members' ticket, not a series of its own.
      if (key.startsWith(STORM_PREFIX)) continue;
      const series = await store.getSeries(key);
      if (series?.ticketId !== undefined) continue;
      await store.saveSeries({
        ...(series ?? { key, triggerCount: 1, touched: false, applied: [] }),
        key,
        ticketId: t.id,
        ticketOpen: true,
        updatedAt: this.#o.clock.now(),
      });
      adopted += 1;
    }
    if (adopted > 0) this.#o.logger.log('info', 'adopted open haloform tickets the store did not know', { adopted });
    return adopted;
  }

  /**
   * Whether the series' ticket (not among the open ones) may have been closed by a person while
   * its alert is active, and nobody has acted on it yet: the worker re-reads the ticket to be sure.
   */
  async #closedByAPerson(series: SeriesState): Promise<boolean> {
    if (this.#o.spec.alerts!.onTicketClosed !== 'resetAlert') return false;
    if (series.resetAt !== undefined || series.closedTicketHandled === series.ticketId) return false;
    return !(await this.#o.store.hasPendingWork(series.key));
  }

  async #wanted(alert: NinjaAlert): Promise<boolean> {
    const include = this.#o.spec.alerts!.include;
    const activity: Activity = { activityType: 'CONDITION', statusCode: 'TRIGGERED', severity: alert.severity, deviceId: alert.deviceId };
    let decision = includeDecision(activity, include);
    if (decision.include === 'needs-node-class') {
      const device = await this.#o.ninja.readDevice(alert.deviceId).catch(() => undefined);
      decision = includeDecision(activity, include, device?.nodeClass);
    }
    return decision.include !== false;
  }

  #event(seriesKey: string, body: Record<string, unknown>): NewDelivery {
    const text = JSON.stringify({ ...body, origin: 'haloform-poller' });
    return {
      receivedAt: this.#o.clock.now(),
      source: 'poller',
      path: 'poller',
      headers: {},
      body: text,
      seriesKey,
      statusCode: String(body.statusCode),
      activityType: 'CONDITION',
      ...(typeof body.deviceId === 'number' ? { deviceId: body.deviceId } : {}),
      status: 'pending',
      orderKey: 0,
    };
  }
}

/** The series a haloform ticket belongs to; undefined for tickets haloform did not create. */
export function ticketKey(t: HaloTicket): string | undefined {
  if (t.thirdPartyId?.startsWith(THIRD_PARTY_PREFIX)) return t.thirdPartyId.slice(THIRD_PARTY_PREFIX.length);
  return t.ninjaAlertId;
}

/** The TRIGGERED activity an active alert stands for. */
function triggeredFrom(alert: NinjaAlert): Record<string, unknown> {
  const r = alert.record;
  return {
    activityType: 'CONDITION',
    statusCode: 'TRIGGERED',
    status: 'Triggered',
    seriesUid: alert.uid,
    deviceId: alert.deviceId,
    severity: alert.severity,
    priority: alert.priority,
    sourceConfigUid: alert.sourceConfigUid,
    ...(typeof r.sourceName === 'string' ? { sourceName: r.sourceName } : {}),
    ...(typeof r.subject === 'string' ? { subject: r.subject } : {}),
    // Every /v2/alerts row has it (NOTES §5), and it is often the alert's only title.
    ...(typeof r.conditionName === 'string' ? { conditionName: r.conditionName } : {}),
    message: alert.message,
    type: 'Condition',
    ...(r.data && typeof r.data === 'object' ? { data: r.data } : {}),
    activityTime: alert.createTime,
  };
}
