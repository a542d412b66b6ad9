/**
 * What one delivery does to its alert series: TRIGGERED opens the series' ticket (or notes that
 * the alert fired again), RESET notes the reset and closes the ticket unless a technician has
 * worked on it. Decisions come from the series state and activity ids, never from arrival order:
 * a RESET that arrives before its TRIGGERED opens the ticket from the RESET's own data and
 * closes it, and the late TRIGGERED then changes nothing; a replayed or duplicated activity is
 * applied once. Like a controller-runtime reconcile it re-reads the ticket from Halo before
 * writing to it, and it records each decided write before sending it (`SeriesState.pending`),
 * so a retry after a failure or a crash finishes the work without writing anything twice.
 */

import type { Spec } from '../config/spec.js';
import type { HaloTicket, HaloTickets } from '../halo/tickets.js';
import { ApiError, type Logger } from '../http/index.js';
import type { Completion, InboxStore, PendingEffect, SeriesState, WorkItem } from '../store/inbox-store.js';
import { fallbackSeriesKey, includeDecision, readActivity, severityOf, type Activity } from '../rmm/ninjaone/activity.js';
import { isTicketClosedEvent, ticketIdOf } from './ticket-closed.js';
import { maintenanceReason } from './maintenance.js';
import { fire, leave, ownTicket, parentCreated, stormKeyOf, type StormRole, type StormState } from './storm.js';
import { addDeviceFacts, decidedBlind, factsOf, routeAlert, routeName, type RouteDecision } from './routing.js';
import type { HaloDirectory, Placement, TicketLookups } from './directory.js';
import { PermanentError } from './errors.js';
import type { ServeMetrics } from './metrics.js';
import { fillLink } from '../rmm/provider.js';
import { NINJAONE } from '../rmm/ninjaone/provider.js';
import {
  catchAllNoteHtml,
  firedAgainNoteHtml,
  isHaloformNote,
  leftOpenNoteHtml,
  reopenedNoteHtml,
  resetNoteHtml,
  routeProblemNoteHtml,
  stormDetailsHtml,
  stormJoinNoteHtml,
  stormLeaveNoteHtml,
  stormSummary,
  ticketDetailsHtml,
  ticketSummary,
  templateValues,
} from './ticket-content.js';

/** What processing did, for the inbox and the `processed` metric. */
export interface ProcessResult extends Completion {
  outcome: 'created' | 'noted' | 'closed' | 'left-open' | 'reset' | 'ignored' | 'already-applied' | 'late' | 'unchanged' | 'alert-reset' | 'reopened' | 'suppressed';
}

/** The newest applied activity ids kept per series. */
const APPLIED_KEPT = 100;

/** The status a reopened ticket goes back to when haloform does not know the one it was created with: Halo's stock New. */
const REOPEN_STATUS_ID = 1;

/** Store meta keys of the last closed ticket of a device and condition (alerts.reopenWithinMinutes). */
const RECENT_CLOSED_PREFIX = 'closed-ticket:';

interface RecentClosed {
  ticketId: number;
  closedAt: number;
  initialStatusId?: number;
}

function parseRecent(raw: string | undefined): RecentClosed | undefined {
  if (!raw) return undefined;
  try {
    const r = JSON.parse(raw) as Partial<RecentClosed>;
    return typeof r.ticketId === 'number' && typeof r.closedAt === 'number' ? { ticketId: r.ticketId, closedAt: r.closedAt, ...(typeof r.initialStatusId === 'number' ? { initialStatusId: r.initialStatusId } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

/** A poller-made TRIGGERED stands in for a webhook whose activity time is at most this much later. */
const COVER_TOLERANCE_S = 1;

export interface ProcessorOptions {
  spec: Spec;
  store: InboxStore;
  tickets: HaloTickets;
  directory: HaloDirectory;
  metrics: ServeMetrics;
  logger: Logger;
  now: () => number;
  /** Resets an active NinjaOne alert (alerts.onTicketClosed); `gone` when it has none by that uid. */
  resetAlert?: (uid: string, signal?: AbortSignal) => Promise<'reset' | 'gone'>;
}

class Excluded extends Error {}

export class AlertProcessor {
  readonly #o: ProcessorOptions;

  constructor(options: ProcessorOptions) {
    this.#o = options;
  }

  async process(item: WorkItem, signal?: AbortSignal): Promise<ProcessResult> {
    const activity = parseStored(item);
    const alerts = this.#o.spec.alerts!;
    const fromPoller = item.source === 'poller';
    if (isTicketClosedEvent(activity)) {
      const run = new SeriesRun(this.#o, item, activity, fromPoller, signal);
      await run.load();
      return run.ticketClosed(ticketIdOf(item.body));
    }
    const decision = includeDecision(activity, alerts.include);
    if (decision.include === false) return { status: 'ignored', note: decision.reason, outcome: 'ignored' };

    const run = new SeriesRun(this.#o, item, activity, fromPoller, signal);
    await run.load();
    try {
      return activity.statusCode === 'TRIGGERED' ? await run.triggered(decision.include === 'needs-node-class') : await run.reset();
    } catch (e) {
      if (e instanceof Excluded) return { status: 'ignored', note: e.message, outcome: 'ignored' };
      throw e;
    }
  }
}

function parseStored(item: WorkItem): Activity {
  let body: unknown;
  try {
    body = JSON.parse(item.body);
  } catch {
    throw new PermanentError(`delivery ${item.deliveryId}: the stored body is not JSON`);
  }
  const check = readActivity(body, { requireId: item.source === 'webhook' });
  if (!check.ok) throw new PermanentError(`delivery ${item.deliveryId}: not a NinjaOne activity: ${check.path} ${check.problem}`);
  return check.activity;
}

/** One delivery applied to one series. */
class SeriesRun {
  series!: SeriesState;
  #lookups: TicketLookups | undefined;
  #route: RouteDecision | undefined;
  #placement: Placement | undefined;
  /** The storm this firing was counted in (alerts.stormThreshold). */
  #stormKey: string | undefined;
  /** The pending writes now are this attempt's own (decided and saved by it). */
  #deciding = false;

  constructor(
    readonly o: ProcessorOptions,
    readonly item: WorkItem,
    readonly activity: Activity,
    readonly fromPoller: boolean,
    readonly signal: AbortSignal | undefined,
  ) {}

  get key(): string {
    return this.item.seriesKey;
  }

  get id(): number | undefined {
    return this.activity.id;
  }

  async load(): Promise<void> {
    this.series = (await this.o.store.getSeries(this.key)) ?? {
      key: this.key,
      ...(this.activity.deviceId !== undefined ? { deviceId: this.activity.deviceId } : {}),
      ticketOpen: false,
      triggerCount: 0,
      touched: false,
      applied: [],
      updatedAt: this.o.now(),
    };
  }

  async triggered(needsNodeClass: boolean): Promise<ProcessResult> {
    const s = this.series;
    if (this.id !== undefined && s.applied.includes(this.id)) return this.alreadyApplied();
    await this.runPending();
    s.conditionKey ??= this.conditionKey();
    if (s.conditionKey === undefined) delete s.conditionKey;

    const late = s.resetAt !== undefined && (this.id === undefined || s.resetId === undefined || this.id < s.resetId);
    if (late) {
      if (s.ticketId === undefined) {
        // Reset recorded without a ticket (it could not be placed then): open it now, then apply the reset.
        await this.ensureTicket(needsNodeClass);
        this.markApplied();
        await this.decide(this.resetEffects(true));
        return this.finish('created', `opened ticket ${s.ticketId} for an alert that had already reset`);
      }
      this.markApplied();
      await this.save();
      await this.history('late', { reason: 'the alert had already reset', ticketId: s.ticketId });
      return this.finish('late', 'arrived after the alert reset; nothing to do');
    }
    if (s.resetAt !== undefined) {
      // A newer firing after the reset: the series is active again.
      delete s.resetAt;
      delete s.resetId;
      delete s.alertResetForClosedTicketAt;
      s.touched = false;
    }

    if (s.ticketId !== undefined) {
      if (this.fromPoller) return this.finish('unchanged', `the series already has ticket ${s.ticketId}`);
      if (s.openedByPoller && s.lastTriggerId === undefined && this.activity.activityTime !== undefined && s.lastTriggerTime !== undefined && this.activity.activityTime <= s.lastTriggerTime + COVER_TOLERANCE_S) {
        // The webhook the poller stood in for, arriving late: the ticket already covers it.
        s.lastTriggerId = this.id;
        this.markApplied();
        await this.save();
        await this.history('covered', { ticketId: s.ticketId, reason: 'the poller had opened the ticket for this firing' });
        return this.finish('unchanged', `ticket ${s.ticketId} (opened by the poller) covers it`);
      }
      const ticket = await this.o.tickets.readTicket(s.ticketId, this.signal);
      if (ticket && !(await this.isClosed(ticket))) {
        s.triggerCount += 1;
        this.noteTrigger();
        this.markApplied();
        await this.decide([{ kind: 'note', html: firedAgainNoteHtml(this.activity, s.triggerCount), label: 'fired-again' }]);
        return this.finish('noted', `the alert fired again (${s.triggerCount} times); noted on ticket ${s.ticketId}`);
      }
      const closedMinutesAgo = ticket ? await this.reopensAfter(ticket) : undefined;
      if (closedMinutesAgo !== undefined) {
        // Closed a moment ago (a flapping condition): the same ticket again, not another.
        s.triggerCount += 1;
        this.noteTrigger();
        this.markApplied();
        s.ticketOpen = true;
        delete s.ticketClosedAt;
        delete s.closedTicketHandled;
        const reopenTo = s.initialStatusId ?? REOPEN_STATUS_ID;
        await this.decide([
          { kind: 'reopen', statusId: reopenTo },
          { kind: 'note', html: reopenedNoteHtml(this.activity, closedMinutesAgo), label: 'reopened' },
        ]);
        return this.finish('reopened', `the alert fired again ${closedMinutesAgo} min after ticket ${s.ticketId} closed: reopened it (alerts.reopenWithinMinutes)`);
      }
      // Closed by a person, or deleted: this firing is a new occurrence with a new ticket.
      await this.history('previous-ticket-closed', { ticketId: s.ticketId, deleted: ticket === undefined });
      delete s.ticketId;
      s.ticketOpen = false;
      s.triggerCount = 0;
      delete s.initialStatusId;
      s.touched = false;
    }

    const quiet = maintenanceReason(this.o.spec.alerts!, this.activity, this.o.now());
    if (quiet) {
      // No ticket, and none later from this firing's reset either.
      s.suppressedAt = this.o.now();
      this.markApplied();
      await this.save();
      await this.history('suppressed', { reason: quiet });
      this.o.logger.log('info', 'alert suppressed', { deliveryId: this.item.deliveryId, seriesKey: this.key, reason: quiet });
      return { status: 'ignored', note: `suppressed: ${quiet}`, outcome: 'suppressed' };
    }
    const suppressed = await this.suppressedByRoute();
    if (suppressed) return suppressed;
    const reopened = await this.reopenRecent();
    if (reopened) return reopened;
    const storm = await this.storm(needsNodeClass);
    if (storm.role === 'join') return this.joinStorm(storm);
    await this.ensureTicket(needsNodeClass, storm.role === 'lead' ? storm.state : undefined);
    s.triggerCount = Math.max(1, s.triggerCount);
    if (this.fromPoller) {
      s.openedByPoller = true;
      if (this.activity.activityTime !== undefined) s.lastTriggerTime = this.activity.activityTime;
    } else {
      this.noteTrigger();
    }
    this.markApplied();
    await this.decide([]);
    if (storm.role === 'lead') {
      const parentId = s.ticketId!;
      await this.o.store.updateMeta(this.#stormKey!, (raw) => json(parentCreated(raw, this.key, parentId)));
      await this.history('storm-started', { ticketId: parentId, storm: this.#stormKey, devices: storm.state.firings.length });
      return this.finish('created', `created ticket ${parentId} for an alert storm of ${storm.state.firings.length} devices (alerts.stormThreshold)`);
    }
    if (this.#stormKey) {
      const own = s.ticketId!;
      await this.o.store.updateMeta(this.#stormKey, (raw) => json(ownTicket(raw, this.key, own)));
    }
    return this.finish('created', `created ticket ${s.ticketId}`);
  }

  async reset(): Promise<ProcessResult> {
    const s = this.series;
    if (this.id !== undefined && s.applied.includes(this.id)) return this.alreadyApplied();
    await this.runPending();
    if (s.resetAt !== undefined) {
      this.markApplied();
      await this.save();
      return this.finish('unchanged', 'the series had already reset');
    }
    let created = false;
    if (s.ticketId === undefined && s.suppressedAt !== undefined) {
      s.resetAt = this.o.now();
      this.markApplied();
      await this.save();
      return { status: 'ignored', note: 'the alert was suppressed (maintenance) and is over: no ticket', outcome: 'suppressed' };
    }
    if (s.ticketId === undefined) {
      if (this.fromPoller) return this.finish('unchanged', 'the series has no ticket');
      // The RESET came first (or its TRIGGERED was lost): it carries the same alert, so the ticket
      // is opened from it — unless alerts.include would not have taken the TRIGGERED.
      const asTrigger = includeDecision({ ...this.activity, statusCode: 'TRIGGERED' }, this.o.spec.alerts!.include);
      if (asTrigger.include === false) return { status: 'ignored', note: asTrigger.reason, outcome: 'ignored' };
      // Its TRIGGERED was left out by alerts.include (the RESET may not say the severity): no ticket now either.
      const ignored = await this.o.store.listDeliveries({ seriesKey: this.key, status: 'ignored', limit: 20 });
      const left = ignored.find((d) => d.statusCode === 'TRIGGERED');
      if (left) return { status: 'ignored', note: `its TRIGGERED (delivery ${left.id}) was ignored: ${left.reason ?? 'excluded by alerts.include'}`, outcome: 'ignored' };
      const suppressed = await this.suppressedByRoute();
      if (suppressed) {
        s.resetAt = this.o.now();
        await this.save();
        return suppressed;
      }
      await this.ensureTicket(asTrigger.include === 'needs-node-class');
      s.triggerCount = Math.max(1, s.triggerCount);
      created = true;
    }
    s.resetAt = this.o.now();
    if (this.id !== undefined) s.resetId = this.id;
    this.markApplied();
    if (s.alertResetForClosedTicketAt !== undefined && !created) {
      // haloform reset the alert because a person closed the ticket: the ticket stays as they left it.
      await this.save();
      return this.finish('reset', `the alert reset after its ticket ${s.ticketId} was closed in Halo; the ticket is left as it is`);
    }
    if (s.storm !== undefined && !created) {
      let left: ReturnType<typeof leave> | undefined;
      await this.o.store.updateMeta(s.storm, (raw) => {
        left = leave(raw, this.key);
        return json(left.next);
      });
      if (left?.wasMember && left.active > 0) {
        await this.decide([{ kind: 'note', html: stormLeaveNoteHtml(left.device ?? `NinjaOne device ${s.deviceId ?? '?'}`, left.active, left.members), label: 'storm-left' }]);
        return this.finish('noted', `the alert reset; ${left.active} of the ${left.members} devices of the storm on ticket ${s.ticketId} still alert, so it stays open`);
      }
    }
    const effects = this.resetEffects(false);
    await this.decide(effects);
    const closed = !s.ticketOpen;
    const outcome: ProcessResult['outcome'] = this.o.spec.alerts!.onReset !== 'close' ? 'reset' : closed ? 'closed' : 'left-open';
    const said = closed ? `closed ticket ${s.ticketId}` : s.touched ? `left ticket ${s.ticketId} open (a technician worked on it)` : `noted the reset on ticket ${s.ticketId}`;
    return this.finish(created ? 'created' : outcome, created ? `created ticket ${s.ticketId} from the reset; ${said}` : said);
  }

  /**
   * A person closed the series' ticket in Halo (the Halo webhook, or the poller finding the ticket
   * closed while the alert is active): with `alerts.onTicketClosed: resetAlert` the alert is reset
   * in NinjaOne — once, and never for a ticket haloform closed because the alert had reset.
   */
  async ticketClosed(ticketId: number | undefined): Promise<ProcessResult> {
    const s = this.series;
    await this.runPending();
    if (this.o.spec.alerts!.onTicketClosed !== 'resetAlert' || !this.o.resetAlert) return this.finish('unchanged', 'alerts.onTicketClosed is nothing: the alert is left as it is');
    if (s.resetAt !== undefined) return this.finish('unchanged', 'the alert had already reset (a ticket haloform closes for a reset never resets it back)');
    if (ticketId === undefined || s.ticketId !== ticketId) return this.finish('unchanged', `ticket ${ticketId ?? '(none named)'} is not this series' ticket (${s.ticketId ?? 'none'})`);
    if (s.closedTicketHandled === ticketId) return this.finish('unchanged', `the close of ticket ${ticketId} was already handled`);
    if (this.key.startsWith('device:')) return this.finish('unchanged', 'the series has no alert uid to reset (it is keyed by device and condition)');
    const ticket = await this.o.tickets.readTicket(ticketId, this.signal);
    if (ticket && !(await this.isClosed(ticket))) return this.finish('unchanged', `ticket ${ticketId} is open (again)`);
    s.ticketOpen = false;
    s.ticketClosedAt ??= this.o.now();
    s.closedTicketHandled = ticketId;
    if (ticket) await this.rememberClosed(ticketId);
    if (!ticket) {
      await this.save();
      await this.history('ticket-gone', { ticketId });
      return this.finish('unchanged', `ticket ${ticketId} was deleted, not closed: the alert is left as it is`);
    }
    s.alertResetForClosedTicketAt = this.o.now();
    await this.decide([{ kind: 'reset-alert', uid: this.key, ticketId }]);
    return this.finish('alert-reset', `reset the alert in NinjaOne: its ticket ${ticketId} was closed in Halo`);
  }

  /** The writes a reset makes, by `alerts.onReset`. */
  resetEffects(lateTrigger: boolean): PendingEffect[] {
    const onReset = this.o.spec.alerts!.onReset;
    if (onReset === 'none') return [];
    // A late TRIGGERED carries the firing's time and text, not the reset's: say only that it reset.
    const about: Activity = lateTrigger ? { activityType: this.activity.activityType, statusCode: 'RESET' } : this.activity;
    const note: PendingEffect = { kind: 'note', html: resetNoteHtml(about, this.fromPoller && !lateTrigger), label: 'reset' };
    return onReset === 'note' ? [note] : [note, { kind: 'close-if-untouched', ...(this.id !== undefined ? { activityId: this.id } : {}) }];
  }

  /** Saves the decided writes with the state, then performs them. */
  async decide(effects: PendingEffect[]): Promise<void> {
    this.series.pending = [...(this.series.pending ?? []), ...effects];
    await this.save();
    this.#deciding = true;
    await this.runPending();
  }

  /**
   * Performs the writes a previous attempt decided (or this one), oldest first, saving after each.
   * The first write a previous attempt left may have reached Halo just before that attempt stopped
   * (a crash, the store unreachable; the later ones it never sent): a note is written only when
   * the ticket does not have it yet, and the close re-reads the ticket anyway.
   */
  async runPending(): Promise<void> {
    const s = this.series;
    let leftByEarlier = !this.#deciding;
    while (s.pending && s.pending.length > 0) {
      const effect = s.pending[0]!;
      if (s.ticketId === undefined) {
        s.pending = [];
        break;
      }
      if (effect.kind === 'reopen') {
        await this.o.tickets.setStatus(s.ticketId, effect.statusId, this.signal);
        s.pending.shift();
        await this.save();
        await this.history('ticket-reopened', { ticketId: s.ticketId, statusId: effect.statusId });
        this.o.logger.log('info', 'ticket reopened', { deliveryId: this.item.deliveryId, seriesKey: this.key, ticketId: s.ticketId });
      } else if (effect.kind === 'reset-alert') {
        // A retry after a failure sends it again: a reset alert answers 404 (gone), which is done too.
        const result = await this.o.resetAlert!(effect.uid, this.signal);
        s.pending.shift();
        await this.save();
        await this.history('alert-reset', { uid: effect.uid, ticketId: effect.ticketId, result });
        this.o.logger.log('info', 'alert reset in NinjaOne for its closed ticket', { deliveryId: this.item.deliveryId, seriesKey: this.key, ticketId: effect.ticketId, result });
      } else if (effect.kind === 'note') {
        const lookups = await this.lookups();
        const written = leftByEarlier && (await this.o.tickets.readActions(s.ticketId, this.signal)).some((a) => sameNote(a.text, effect.html));
        if (!written) await this.o.tickets.addNote(s.ticketId, lookups.noteOutcomeId, effect.html, this.signal);
        s.pending.shift();
        await this.save();
        await this.history('note-added', { ticketId: s.ticketId, note: effect.label, ...(written ? { alreadyThere: true } : {}) });
      } else {
        await this.closeIfUntouched(s.ticketId);
        s.pending.shift();
        await this.save();
      }
      leftByEarlier = false;
    }
    if (s.pending && s.pending.length === 0) delete s.pending;
  }

  /** Re-reads the ticket and closes it when `alerts` allows: open, and untouched when closeOnlyUntouched. */
  async closeIfUntouched(ticketId: number): Promise<void> {
    const s = this.series;
    const alerts = this.o.spec.alerts!;
    const lookups = await this.lookups();
    const ticket = await this.o.tickets.readTicket(ticketId, this.signal);
    if (!ticket) {
      s.ticketOpen = false;
      await this.history('ticket-gone', { ticketId });
      return;
    }
    if (await this.isClosed(ticket)) {
      s.ticketOpen = false;
      await this.history('already-closed', { ticketId });
      return;
    }
    if (alerts.closeOnlyUntouched) {
      const touch = await this.touch(ticket);
      if (touch) {
        s.touched = true;
        s.ticketOpen = true;
        await this.o.tickets.addNote(ticketId, lookups.noteOutcomeId, leftOpenNoteHtml(touch), this.signal);
        await this.history('left-open', { ticketId, reason: touch });
        this.o.logger.log('info', 'ticket left open', { deliveryId: this.item.deliveryId, seriesKey: this.key, ticketId, reason: touch });
        return;
      }
    }
    await this.o.tickets.setStatus(ticketId, lookups.closedStatusId, this.signal);
    s.ticketOpen = false;
    s.ticketClosedAt = this.o.now();
    await this.rememberClosed(ticketId);
    await this.history('ticket-closed', { ticketId, statusId: lookups.closedStatusId });
    this.o.logger.log('info', 'ticket closed', { deliveryId: this.item.deliveryId, seriesKey: this.key, ticketId });
  }

  /**
   * Why the ticket counts as worked on, if it does: an action haloform did not write (no marker,
   * by an agent other than the one haloform's own notes carry; Halo's own actions, agent ≤ 0,
   * do not count), or a status other than the one it was created with.
   */
  async touch(ticket: HaloTicket): Promise<string | undefined> {
    const s = this.series;
    if (s.initialStatusId !== undefined && ticket.statusId !== s.initialStatusId) {
      return `its status changed since haloform created it (status ${s.initialStatusId} → ${ticket.statusId})`;
    }
    const actions = await this.o.tickets.readActions(ticket.id, this.signal);
    const ours = new Set(actions.filter((a) => isHaloformNote(a.text) && a.agentId !== undefined).map((a) => a.agentId!));
    const other = actions.find((a) => !isHaloformNote(a.text) && a.agentId !== undefined && a.agentId > 0 && !ours.has(a.agentId));
    if (other) return `a technician worked on it (action ${other.id} by agent ${other.agentId})`;
    return undefined;
  }

  /**
   * The series' ticket: found in Halo when an earlier create may have landed (its answer lost),
   * else created. Sets `series.ticketId` in memory only: the caller saves it together with what
   * the event did (the firing counted, the activity applied, the reset decided). Saved alone, a
   * crash or a store outage between the two saves would leave a ticket whose firing was never
   * counted, and the retry would note "fired again" on it; unsaved, `createStartedAt` stays in
   * the store and the retry finds the ticket in Halo instead.
   */
  async ensureTicket(needsNodeClass: boolean, storm?: StormState): Promise<void> {
    const s = this.series;
    const alertKey = storm ? storm.key : this.key;
    const lookups = await this.lookups();
    const route = await this.decideRoute();
    const target = route.route ? (lookups.routes.get(route.route.index) ?? {}) : {};
    const ticketTypeId = target.ticketTypeId ?? lookups.ticketTypeId;
    s.route = routeName(route);
    if (s.createStartedAt !== undefined) {
      // Open tickets of the alert type only: Halo may ignore the alert-id filter (it is not in its
      // swagger), and a ticket created moments ago is open.
      const found = (await this.o.tickets.findTickets({ ticketTypeId, ninjaAlertId: alertKey, openOnly: true }, this.signal)).sort((a, b) => a.id - b.id)[0];
      if (found) {
        s.ticketId = found.id;
        if (storm) s.storm = storm.key;
        s.ticketOpen = !(await this.isClosed(found));
        s.initialStatusId ??= found.statusId;
        delete s.createStartedAt;
        await this.history('ticket-adopted', { ticketId: found.id, reason: 'an earlier attempt created it but its answer was lost' });
        return;
      }
    }
    const deviceId = this.activity.deviceId ?? s.deviceId;
    if (deviceId === undefined) throw new PermanentError(`delivery ${this.item.deliveryId}: the activity names no device, so its ticket cannot be placed`);
    const placement = await this.placement(needsNodeClass);
    if (needsNodeClass) this.checkNodeClass(placement);
    const alerts = this.o.spec.alerts!;
    s.deviceId = deviceId;
    s.createStartedAt = this.o.now();
    await this.save();
    const links = { ninjaDeviceUrl: fillLink(NINJAONE.devices.deviceLink, this.o.spec.connections.ninjaone.webUrl, deviceId)! };
    const template = alerts.template;
    let ticket: HaloTicket;
    try {
      ticket = await this.o.tickets.createTicket(
        {
          summary: storm
            ? stormSummary(storm.condition, storm.firings.length, storm.organisation ?? placement.clientName)
            : ticketSummary(this.activity, placement.device.name, template?.summary ? { text: template.summary, values: templateValues(this.activity, placement.device, placement, links) } : undefined),
          detailsHtml: storm
            ? stormDetailsHtml(storm, alerts.stormThreshold!, ticketSummary(this.activity, placement.device.name))
            : ticketDetailsHtml(this.activity, placement.device, placement, links, template?.details),
          ticketTypeId,
          clientId: placement.clientId,
          siteId: placement.siteId,
          ...(placement.userId !== undefined ? { userId: placement.userId } : {}),
          priorityId: target.priorityId ?? alerts.priority[severityOf(this.activity)],
          ...(target.team !== undefined ? { team: target.team } : {}),
          ...(target.agentId !== undefined ? { agentId: target.agentId } : {}),
          ...(target.category !== undefined ? { category: target.category } : {}),
          ...(target.statusId !== undefined ? { statusId: target.statusId } : {}),
          ...(target.slaId !== undefined ? { slaId: target.slaId } : {}),
          assetIds: placement.assetId !== undefined && !storm ? [placement.assetId] : [],
          ninjaAlertId: alertKey,
          ...(storm ? {} : { ninjaDeviceId: deviceId }),
          thirdPartyId: `haloform:${alertKey}`,
        },
        this.signal,
      );
    } catch (e) {
      if (!(e instanceof ApiError && e.maybeApplied)) {
        // Certainly not created: the next attempt need not search.
        delete s.createStartedAt;
        await this.save();
      }
      throw e;
    }
    s.ticketId = ticket.id;
    s.ticketOpen = true;
    s.initialStatusId = ticket.statusId;
    s.touched = false;
    if (storm) s.storm = storm.key;
    delete s.createStartedAt;
    if (placement.how === 'catch-all' && placement.reason) s.pending = [...(s.pending ?? []), { kind: 'note', html: catchAllNoteHtml(placement.reason), label: 'catch-all' }];
    const gone = route.route ? lookups.routeProblems.filter((p) => p.route === route.route!.index && p.severity === 'error') : [];
    if (gone.length > 0) s.pending = [...(s.pending ?? []), { kind: 'note', html: routeProblemNoteHtml(route.route!.name, gone.map((p) => p.detail)), label: 'route-problem' }];
    this.o.metrics.ticketsCreated.inc({ placement: placement.how });
    if (!this.fromPoller) this.o.metrics.latency.observe(Math.max(0, this.o.now() - this.item.receivedAt) / 1000);
    await this.history('ticket-created', { ...placementDetail(ticket.id, placement), route: s.route, ...(route.route ? { routeIndex: route.route.index } : {}) });
    this.o.logger.log('info', 'ticket created', { deliveryId: this.item.deliveryId, seriesKey: this.key, ticketId: ticket.id, route: s.route, placement: placement.how, clientId: placement.clientId, siteId: placement.siteId, assetId: placement.assetId });
  }

  /**
   * The alert's route (alerts.routes, first match wins), decided once per run. When a route asks
   * about the device and the webhook did not say it (its organisation, class, role or tags), the
   * device is read from NinjaOne and the routes weighed again; what stays unknown does not match.
   */
  async decideRoute(): Promise<RouteDecision> {
    if (this.#route) return this.#route;
    const alerts = this.o.spec.alerts!;
    if (alerts.routes.length === 0) return (this.#route = { trace: [] });
    const facts = factsOf(this.activity);
    let decision = routeAlert(alerts, facts);
    const deviceId = this.activity.deviceId ?? this.series.deviceId;
    if (decidedBlind(decision) && deviceId !== undefined) {
      const device = await this.o.directory.routingDevice(deviceId);
      if (device) addDeviceFacts(facts, { ...(device.organizationId !== undefined ? { organizationId: Number(device.organizationId) } : {}), ...(device.nodeClass ? { nodeClass: device.nodeClass } : {}), record: device.record });
      if (facts.organizationName === undefined && facts.organizationId !== undefined && alerts.routes.some((r) => r.match.organisations?.some((o) => o.kind === 'name'))) {
        const name = await this.o.directory.organizationName(facts.organizationId);
        if (name) facts.organizationName = name;
      }
      decision = routeAlert(alerts, facts);
    }
    return (this.#route = decision);
  }

  /** Where the device's tickets go, placed once per run. */
  async placement(needsNodeClass: boolean): Promise<Placement> {
    const deviceId = this.activity.deviceId ?? this.series.deviceId;
    if (deviceId === undefined) throw new PermanentError(`delivery ${this.item.deliveryId}: the activity names no device, so its ticket cannot be placed`);
    this.#placement ??= await this.o.directory.place(deviceId, this.activity.device, { needNodeClass: needsNodeClass });
    return this.#placement;
  }

  /**
   * Counts the firing toward its storm (alerts.stormThreshold) and says what it does: its own
   * ticket (`single`), the storm's parent ticket (`lead`), or a note on the parent (`join`). While
   * another firing creates the parent, this one waits (a retry in a moment).
   */
  async storm(needsNodeClass: boolean): Promise<StormRole> {
    const threshold = this.o.spec.alerts!.stormThreshold;
    const deviceId = this.activity.deviceId ?? this.series.deviceId;
    if (!threshold || deviceId === undefined) return { role: 'single' };
    const facts = factsOf(this.activity);
    const placement = await this.placement(needsNodeClass);
    if (needsNodeClass) this.checkNodeClass(placement);
    if (facts.organizationId === undefined && placement.device.organizationId !== undefined) facts.organizationId = placement.device.organizationId;
    facts.organizationName ??= placement.device.organization;
    const at = stormKeyOf(threshold, facts, this.activity.sourceConfigUid);
    if (!at) return { role: 'single' };
    const now = this.o.now();
    let role = { role: 'single' } as StormRole;
    await this.o.store.updateMeta(at.key, (raw) => {
      const counted = fire(raw, at, { series: this.key, deviceId, device: placement.device.name ?? `NinjaOne device ${deviceId}`, at: now }, threshold, now);
      role = counted.role;
      return JSON.stringify(counted.next);
    });
    this.#stormKey = at.key;
    if (role.role === 'wait') throw new Error(`the alert storm's parent ticket is being created by series ${role.by}; this firing joins it on the next attempt`);
    return role;
  }

  /** A firing of a storm under way: its series' ticket is the parent, and the parent gets a note. */
  async joinStorm(storm: Extract<StormRole, { role: 'join' }>): Promise<ProcessResult> {
    const s = this.series;
    s.ticketId = storm.parentTicketId;
    s.storm = this.#stormKey!;
    s.ticketOpen = true;
    s.triggerCount = Math.max(1, s.triggerCount);
    if (this.fromPoller) s.openedByPoller = true;
    else this.noteTrigger();
    this.markApplied();
    const placement = this.#placement;
    const device = placement?.device.name ?? `NinjaOne device ${s.deviceId ?? this.activity.deviceId ?? '?'}`;
    s.deviceId ??= this.activity.deviceId;
    await this.decide([{ kind: 'note', html: stormJoinNoteHtml(device, s.deviceId ?? 0, this.activity, storm.devices), label: 'storm-joined' }]);
    await this.history('storm-joined', { ticketId: storm.parentTicketId, storm: s.storm, devices: storm.devices });
    return this.finish('noted', `joined the alert storm on ticket ${storm.parentTicketId} (${storm.devices} devices; alerts.stormThreshold)`);
  }

  /** The alert's route suppresses it (suppress: true): no ticket, logged as suppressed. */
  async suppressedByRoute(): Promise<ProcessResult | undefined> {
    const decision = await this.decideRoute();
    if (!decision.route?.suppress) return undefined;
    const s = this.series;
    const reason = `route "${decision.route.name}" (alerts.routes[${decision.route.index}]) suppresses it`;
    s.suppressedAt = this.o.now();
    s.route = decision.route.name;
    this.markApplied();
    await this.save();
    await this.history('suppressed', { reason, route: decision.route.name });
    this.o.logger.log('info', 'alert suppressed', { deliveryId: this.item.deliveryId, seriesKey: this.key, reason, route: decision.route.name });
    return { status: 'ignored', note: `suppressed: ${reason}`, outcome: 'suppressed' };
  }

  checkNodeClass(placement: Placement): void {
    const decision = includeDecision({ ...this.activity, statusCode: 'TRIGGERED' }, this.o.spec.alerts!.include, placement.device.nodeClass);
    // A class that stays unknown is let through: an alert is never dropped for a missing detail.
    if (decision.include === false) throw new Excluded(decision.reason);
  }

  /** The device and condition of the firing: a flapping condition's next alert has another uid, but these. */
  conditionKey(): string | undefined {
    const { deviceId, sourceConfigUid } = this.activity;
    return deviceId !== undefined && sourceConfigUid ? fallbackSeriesKey(deviceId, sourceConfigUid) : undefined;
  }

  /** Notes which ticket of this device and condition closed when, for alerts.reopenWithinMinutes. */
  async rememberClosed(ticketId: number): Promise<void> {
    const key = this.conditionKey() ?? this.series.conditionKey;
    // A storm's parent is many devices' ticket: a device firing again opens its own.
    if (!key || this.o.spec.alerts!.reopenWithinMinutes <= 0 || this.series.storm !== undefined) return;
    const recent: RecentClosed = { ticketId, closedAt: this.series.ticketClosedAt ?? this.o.now(), ...(this.series.initialStatusId !== undefined ? { initialStatusId: this.series.initialStatusId } : {}) };
    await this.o.store.setMeta(`${RECENT_CLOSED_PREFIX}${key}`, JSON.stringify(recent));
  }

  /**
   * A new series (a flapping condition's next alert comes with another uid) whose device and
   * condition had a ticket close within alerts.reopenWithinMinutes: that ticket is reopened with a
   * note and becomes this series' ticket, instead of another one.
   */
  async reopenRecent(): Promise<ProcessResult | undefined> {
    const s = this.series;
    const key = this.conditionKey();
    if (!key || this.o.spec.alerts!.reopenWithinMinutes <= 0) return undefined;
    const recent = parseRecent(await this.o.store.getMeta(`${RECENT_CLOSED_PREFIX}${key}`));
    if (!recent) return undefined;
    const ticket = await this.o.tickets.readTicket(recent.ticketId, this.signal);
    const closedMinutesAgo = ticket ? await this.reopensAfter(ticket, recent.closedAt) : undefined;
    if (closedMinutesAgo === undefined) return undefined;
    s.ticketId = recent.ticketId;
    if (recent.initialStatusId !== undefined) s.initialStatusId = recent.initialStatusId;
    s.conditionKey = key;
    s.triggerCount = Math.max(1, s.triggerCount);
    if (this.fromPoller) s.openedByPoller = true;
    else this.noteTrigger();
    this.markApplied();
    s.ticketOpen = true;
    await this.decide([
      { kind: 'reopen', statusId: recent.initialStatusId ?? REOPEN_STATUS_ID },
      { kind: 'note', html: reopenedNoteHtml(this.activity, closedMinutesAgo), label: 'reopened' },
    ]);
    return this.finish('reopened', `the condition fired again ${closedMinutesAgo} min after ticket ${recent.ticketId} closed: reopened it (alerts.reopenWithinMinutes)`);
  }

  /**
   * How many minutes ago the closed `ticket` closed, when that is within alerts.reopenWithinMinutes
   * (so a firing reopens it); undefined otherwise. When haloform closed it or saw it closed, its own
   * clock says when; else Halo's `dateclosed`.
   */
  async reopensAfter(ticket: HaloTicket, knownClosedAt = this.series.ticketClosedAt): Promise<number | undefined> {
    const within = this.o.spec.alerts!.reopenWithinMinutes;
    if (within <= 0 || !(await this.isClosed(ticket))) return undefined;
    const closedAt = knownClosedAt ?? ticket.closedAt;
    if (closedAt === undefined) return undefined;
    const ago = this.o.now() - closedAt;
    return ago >= 0 && ago <= within * 60_000 ? Math.round(ago / 60_000) : undefined;
  }

  async isClosed(ticket: HaloTicket): Promise<boolean> {
    return ticket.statusId === (await this.lookups()).closedStatusId;
  }

  async lookups(): Promise<TicketLookups> {
    this.#lookups ??= await this.o.directory.lookups();
    return this.#lookups;
  }

  noteTrigger(): void {
    const s = this.series;
    if (this.id !== undefined && (s.lastTriggerId === undefined || this.id > s.lastTriggerId)) s.lastTriggerId = this.id;
    if (this.activity.activityTime !== undefined && (s.lastTriggerTime === undefined || this.activity.activityTime > s.lastTriggerTime)) s.lastTriggerTime = this.activity.activityTime;
  }

  markApplied(): void {
    if (this.id === undefined) return;
    const applied = this.series.applied.filter((a) => a !== this.id);
    applied.push(this.id);
    this.series.applied = applied.slice(-APPLIED_KEPT);
  }

  async alreadyApplied(): Promise<ProcessResult> {
    await this.runPending();
    await this.history('already-applied', { activityId: this.id });
    return this.finish('already-applied', `activity ${this.id} was already applied to the series`);
  }

  async save(): Promise<void> {
    this.series.updatedAt = this.o.now();
    await this.o.store.saveSeries(this.series);
  }

  async history(event: string, detail?: Record<string, unknown>): Promise<void> {
    await this.o.store.addHistory(this.item.deliveryId, event, detail);
  }

  finish(outcome: ProcessResult['outcome'], note: string): ProcessResult {
    return { status: 'done', outcome, note, ...(this.series.ticketId !== undefined ? { ticketId: this.series.ticketId } : {}) };
  }
}

/** A storm state as stored; undefined removes it. */
function json(state: StormState | undefined): string | undefined {
  return state ? JSON.stringify(state) : undefined;
}

/** The same note, whatever markup Halo gave back: compares the text without tags and spacing. */
function sameNote(a: string, b: string): boolean {
  const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text(a) === text(b);
}

function placementDetail(ticketId: number, p: Placement): Record<string, unknown> {
  return {
    ticketId,
    placement: p.how,
    clientId: p.clientId,
    siteId: p.siteId,
    ...(p.clientName ? { client: p.clientName } : {}),
    ...(p.siteName ? { site: p.siteName } : {}),
    ...(p.assetId !== undefined ? { assetId: p.assetId } : {}),
    ...(p.userId !== undefined ? { userId: p.userId } : { user: 'General User' }),
    ...(p.reason ? { reason: p.reason } : {}),
  };
}
