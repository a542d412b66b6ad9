/**
 * serve's sync controller: keeps Halo converged on the spec between pull requests, the way an
 * informer-backed controller keeps a cluster on Git, inside Halo's request budget.
 *
 * - **The cache** is the Halo state the last full read found, kept up to date by what the
 *   controller writes. A full read happens at the first cycle and every `sync.resyncHours`; a
 *   resync that finds Halo different from the cache reports the drift.
 * - **A cycle** reads the RMM, plans against the cache (pure), and splits the plan by
 *   `sync.autoApply` (src/sync/policy.ts). Nothing to apply costs no Halo request at all.
 * - **Before writing**, each existing asset the cycle would change is read again; one edited in
 *   Halo since the cache was filled is taken into the cache and the cycle plans again from it, so
 *   a person's edit is never overwritten by a stale plan (the change is re-planned, not forced).
 * - **After writing**, what changed is read back into the cache: assets by id (by their types'
 *   lists when there are many), clients and sites when the cycle made some.
 *
 * - **Triggers**, fastest first: a device lifecycle webhook (\`nudge\`: a cycle within a moment,
 *   a burst sharing one); the RMM's activity log read every minute from where the last read ended
 *   (\`backstop\`: catches a dropped webhook); the timer every \`sync.everyMinutes\`; and the cycle
 *   at start, which catches what changed while serve was down.
 *
 * One cycle at a time; a cycle that fails is logged and the next one starts from a full read.
 */

import { applyPlan, type ApplyEvent } from '../apply/executor.js';
import type { LoadedSpec } from '../config/load.js';
import type { Spec } from '../config/spec.js';
import type { HaloApiClient } from '../halo/client.js';
import type { HaloAsset, HaloSnapshot } from '../halo/types.js';
import type { Logger } from '../http/index.js';
import { LANES } from '../http/rate-limiter.js';
import { assetFingerprint } from '../plan/make-plan.js';
import { hasChanges, type AssetChange, type Plan } from '../plan/plan.js';
import { sameRmmId, type RmmSource } from '../rmm/provider.js';
import type { RmmSnapshot } from '../rmm/snapshot.js';
import { planFrom, planMeta, readsCustomFields } from '../run/plan-run.js';
import { cacheMeta, type CacheIdentity, type CacheList, type StoredSyncCache } from './cache-store.js';
import { splitForSync, type HeldChange } from './policy.js';

export type SyncTrigger = 'start' | 'timer' | 'manual' | 'webhook' | 'backstop';

export interface SyncControllerOptions {
  /** The spec the cycles plan with; `reload` replaces it. Without sync: a cycle does nothing. */
  loaded: LoadedSpec & { spec: Spec };
  rmm: RmmSource;
  halo: HaloApiClient;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  now: () => number;
  /** Whether this process leads sync now (serve's replicas share one store lease); absent: always. */
  lead?: () => Promise<boolean>;
  /** Called after every cycle that ran (metrics, the status `haloform sync status` reads). */
  observe?: (report: CycleReport, status: SyncStatus) => void;
  /**
   * serve's store, where the cache is kept (src/sync/cache-store.ts) for a replica that takes
   * over, and how recently a leader must have kept it to be taken (the sync lease's time).
   */
  stored?: { cache: StoredSyncCache; freshMs: () => number };
}

/** What \`haloform sync status\` shows: the cache, the last cycle of each trigger, what is held. */
export interface SyncStatus {
  updatedAt: number;
  cache: { filledAt: number; assets: number; clients: number; sites: number; fromStore?: boolean } | null;
  lastByTrigger: Partial<Record<SyncTrigger, Omit<CycleReport, 'held' | 'failed'> & { held: number; failed: number }>>;
  /** The last cycle's held changes (at most HELD_KEPT), and how many there were. */
  held: HeldChange[];
  heldTotal: number;
}

/** The store meta key serve saves the status under (with the worker that wrote it), for `haloform sync status`. */
export const SYNC_STATUS_KEY = 'sync:status';

/** Held changes a status keeps (the rest are counted). */
const HELD_KEPT = 500;

/** One cycle, as the log line and `lastCycle` tell it. */
export interface CycleReport {
  trigger: SyncTrigger;
  startedAt: number;
  durationMs: number;
  /** Whether the cycle read Halo whole (the first cycle, a resync, or after a failed one). */
  resynced: boolean;
  /** Whether the cycle took its cache from the store (another replica's, or this one's before a restart). */
  fromStore?: boolean;
  /** Halo objects a resync found changed behind haloform's back (assets, clients, sites). */
  drift: number;
  /** Halo requests the cycle made. */
  haloRequests: number;
  /**
   * Assets found changed in Halo since the cache was filled — edited, or made for a device the
   * cycle would have created (by an apply, a scheduled sync, a person) — whose changes were
   * planned again from Halo's copy.
   */
  replanned: number;
  applied: { created: number; adopted: number; updated: number; deactivated: number };
  /** What was written, by kind.action (\`asset.create\`), and what failed, the same way. */
  appliedByKind: Record<string, number>;
  failedByKind: Record<string, number>;
  held: HeldChange[];
  failed: ApplyEvent[];
  refused?: string;
  /** Why the cycle stopped (a read that failed); the next one starts from a full read. */
  error?: string;
  /** Another replica leads sync, or the spec (since a reload) has no sync: — this one did nothing. */
  skipped?: 'not-leader' | 'no-sync';
}

/** The Halo state the controller plans against, when it was read whole, and whether it came from the store. */
interface SyncControllerCache {
  halo: HaloSnapshot;
  at: number;
  fromStore?: boolean;
}

/** How long a lifecycle webhook waits for others of its burst before its cycle starts. */
const NUDGE_DELAY_MS = 250;
/** How far before the last read's start custom fields are asked for again: the RMM's clock and ours may differ. */
const CLOCK_MARGIN_MS = 5 * 60_000;
/** How often the backstop reads the RMM's activity log. */
export const BACKSTOP_EVERY_MS = 60_000;

/** Up to this many devices named by webhooks are read one by one; more, and the cycle reads the RMM whole. */
const READ_ONE_BY_ONE = 20;

/** Above this many changed assets, the cache is refreshed from their types' lists rather than asset by asset. */
const READ_BACK_ONE_BY_ONE = 100;

export class SyncController {
  #o: SyncControllerOptions;
  #cache: SyncControllerCache | undefined;
  /** What changed in the cache since it was last written to the store (`all`: a full read). */
  #unstored: 'all' | { lists: Set<CacheList>; assetIds: Set<number> } = 'all';
  #running: Promise<CycleReport> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backstopTimer: NodeJS.Timeout | undefined;
  #backstopMs = BACKSTOP_EVERY_MS;
  #nudgeTimer: NodeJS.Timeout | undefined;
  /** Where the backstop's next read of the activity log starts. */
  #cursor: string | undefined;
  /** Devices whose lifecycle webhooks already ran a cycle since the backstop last looked. */
  readonly #nudged = new Set<string>();
  /** Devices whose lifecycle webhooks wait for the next cycle, which reads just them when it can. */
  readonly #pending = new Set<string>();
  /** An organisation's or location's lifecycle webhook came: the next cycle reads the RMM whole. */
  #placePending = false;
  /** One came since the backstop last looked. */
  #placeNudged = false;
  /** The RMM as the last cycle read it: a webhook's cycle reads only its devices again, into a copy of this. */
  #rmm: RmmSnapshot | undefined;
  /** When the last whole read of the RMM began, and the last that read every device's custom fields. */
  #rmmReadAt: number | undefined;
  #customFieldsAllAt: number | undefined;
  #last: CycleReport | undefined;
  readonly #lastByTrigger: SyncStatus['lastByTrigger'] = {};

  constructor(options: SyncControllerOptions) {
    this.#o = options;
  }

  get lastCycle(): CycleReport | undefined {
    return this.#last;
  }

  /** The cache, the last cycle of each trigger, and the last cycle's held changes. */
  status(): SyncStatus {
    const cache = this.#cache;
    const held = this.#last?.held ?? [];
    return {
      updatedAt: this.#o.now(),
      cache: cache ? { filledAt: cache.at, assets: cache.halo.assets.length, clients: cache.halo.clients.length, sites: cache.halo.sites.length, ...(cache.fromStore ? { fromStore: true } : {}) } : null,
      lastByTrigger: { ...this.#lastByTrigger },
      held: held.slice(0, HELD_KEPT),
      heldTotal: held.length,
    };
  }

  /** Takes a reloaded spec: the next cycle plans with it; the timer follows its everyMinutes when it runs. */
  reload(loaded: LoadedSpec & { spec: Spec }): void {
    this.#o = { ...this.#o, loaded };
    // A new mapping may place, type or read devices differently: the next cycle reads both whole.
    this.#cache = undefined;
    this.#rmm = undefined;
    if (this.#timer && loaded.spec.sync) this.start(loaded.spec.sync.everyMinutes * 60_000, this.#backstopMs);
  }

  /** Learns where the activity log ends, runs a cycle, then one every `everyMs` and the backstop every `backstopMs`. */
  start(everyMs: number, backstopMs = BACKSTOP_EVERY_MS): void {
    const restart = this.#timer !== undefined;
    for (const t of [this.#timer, this.#backstopTimer]) if (t) clearInterval(t);
    this.#backstopMs = backstopMs;
    if (!restart) void this.backstop().finally(() => void this.cycle('start'));
    this.#timer = setInterval(() => void this.cycle('timer'), everyMs);
    this.#timer.unref();
    this.#backstopTimer = setInterval(() => void this.backstop(), backstopMs);
    this.#backstopTimer.unref();
  }

  async stop(): Promise<void> {
    for (const t of [this.#timer, this.#backstopTimer]) if (t) clearInterval(t);
    if (this.#nudgeTimer) clearTimeout(this.#nudgeTimer);
    this.#timer = this.#backstopTimer = this.#nudgeTimer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /**
   * A lifecycle webhook arrived — of a device, or of an organisation or location (`place`, whose
   * cycle reads the RMM whole): a cycle within a moment (a burst of them shares one).
   */
  nudge(deviceId?: number | string, place = false): void {
    if (place) this.#placePending = this.#placeNudged = true;
    else if (deviceId !== undefined) {
      this.#nudged.add(String(deviceId));
      this.#pending.add(String(deviceId));
    }
    if (this.#nudgeTimer) return;
    this.#nudgeTimer = setTimeout(() => {
      this.#nudgeTimer = undefined;
      void this.cycle('webhook');
    }, NUDGE_DELAY_MS);
    this.#nudgeTimer.unref();
  }

  /**
   * Reads the RMM's activity log since the last look; a device created, changed or deleted there
   * that no webhook brought runs a cycle (a dropped webhook is caught within a minute). The first
   * read only learns where the log ends. Undefined when nothing ran.
   */
  async backstop(): Promise<CycleReport | undefined> {
    const { rmm, logger } = this.#o;
    if (!rmm.readLifecycle || !this.#o.loaded.spec.sync) return undefined;
    if (this.#o.lead && !(await this.#o.lead().catch(() => false))) return undefined;
    let read: Awaited<ReturnType<NonNullable<RmmSource['readLifecycle']>>>;
    try {
      read = await rmm.readLifecycle(this.#cursor);
    } catch (e) {
      logger.log('warn', 'sync backstop could not read the activity log', { error: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
    const first = this.#cursor === undefined;
    this.#cursor = read.cursor;
    const missed = read.deviceIds.filter((id) => !this.#nudged.has(String(id)));
    const placeMissed = read.places && !this.#placeNudged;
    this.#nudged.clear();
    this.#placeNudged = false;
    if (first || (missed.length === 0 && !placeMissed && !read.overflow)) return undefined;
    logger.log('info', 'sync backstop found lifecycle activities no webhook brought', { devices: missed.length, places: placeMissed, overflow: read.overflow });
    return this.cycle('backstop');
  }

  /** One cycle; a cycle asked for while one runs waits for it and then runs. */
  async cycle(trigger: SyncTrigger = 'manual'): Promise<CycleReport> {
    while (this.#running) await this.#running.catch(() => undefined);
    const run = this.#cycle(trigger);
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = undefined;
    }
  }

  async #cycle(trigger: SyncTrigger): Promise<CycleReport> {
    const { halo, logger, now } = this.#o;
    const startedAt = now();
    const requestsBefore = halo.http.accounting.total().requests;
    const report: CycleReport = { trigger, startedAt, durationMs: 0, resynced: false, drift: 0, haloRequests: 0, replanned: 0, applied: { created: 0, adopted: 0, updated: 0, deactivated: 0 }, appliedByKind: {}, failedByKind: {}, held: [], failed: [] };
    if (!this.#o.loaded.spec.sync) return { ...report, skipped: 'no-sync' };
    if (this.#o.lead && !(await this.#o.lead().catch(() => false))) {
      // Another replica leads; its cache is the one kept fresh. Ours is dropped so a later lead starts from a full read.
      this.#cache = undefined;
      return { ...report, skipped: 'not-leader' };
    }
    try {
      await this.#converge(report, trigger);
    } catch (e) {
      // Whatever the caches hold now is suspect: the next cycle reads both APIs whole.
      this.#cache = undefined;
      this.#rmm = undefined;
      report.error = e instanceof Error ? e.message : String(e);
    }
    report.durationMs = now() - startedAt;
    report.haloRequests = halo.http.accounting.total().requests - requestsBefore;
    this.#last = report;
    this.#lastByTrigger[trigger] = { ...report, held: report.held.length, failed: report.failed.length };
    this.#o.observe?.(report, this.status());
    const c = report.applied;
    logger.log(report.error || report.refused || report.failed.length > 0 ? 'warn' : 'info', 'sync cycle', {
      trigger,
      durationMs: report.durationMs,
      resynced: report.resynced,
      drift: report.drift,
      haloRequests: report.haloRequests,
      replanned: report.replanned,
      ...c,
      held: report.held.length,
      failed: report.failed.length,
      ...(report.refused ? { refused: report.refused } : {}),
      ...(report.error ? { error: report.error } : {}),
    });
    return report;
  }

  async #converge(report: CycleReport, trigger: SyncTrigger): Promise<void> {
    const { loaded, rmm, halo, now } = this.#o;
    const sync = loaded.spec.sync!;
    const resyncMs = sync.resyncHours * 3_600_000;
    if (!this.#cache) {
      this.#cache = await this.#fromStore(resyncMs);
      if (this.#cache) report.fromStore = true;
    }
    if (!this.#cache || now() - this.#cache.at >= resyncMs) {
      const fresh = await this.#inLane(LANES.resync, () => halo.readSnapshot({ customFields: readsCustomFields(loaded.spec) }));
      if (this.#cache) report.drift = driftBetween(this.#cache.halo, fresh);
      this.#cache = { halo: fresh, at: now() };
      this.#unstored = 'all';
      report.resynced = true;
    }
    const snapshot = (trigger === 'webhook' ? await this.#withDevicesReadAgain() : undefined) ?? (await this.#readRmmWhole(resyncMs));
    const meta = () => planMeta(loaded, { rmm, halo }, new Date(now()));
    const plan = () => planFrom(loaded, snapshot, this.#cache!.halo, meta(), { env: this.#o.env });
    let split = splitForSync(plan(), sync);
    if (!split.refused && hasChanges(split.plan)) {
      report.replanned = await this.#refreshTouched(split.plan);
      // Just read whole, Halo cannot hold an asset the cache does not: no need to look.
      if (!report.resynced) report.replanned += await this.#findMadeElsewhere(split.plan);
      if (report.replanned > 0) split = splitForSync(plan(), sync);
    }
    report.held = split.held;
    if (split.refused) report.refused = split.refused;
    if (split.refused || !hasChanges(split.plan)) {
      await this.#store('keep the cache in the store', false);
      return;
    }
    // Marked before the first write, cleared once what was written is stored: a replica never
    // takes a cache this cycle left behind half written. Not marked, nothing is written.
    if (!(await this.#store('mark the cache in the store as being written', true))) {
      throw new Error('the sync cache in the store could not be marked as being written, so nothing was written to Halo; the next cycle tries again');
    }
    const result = await applyPlan(split.plan, this.#cache!.halo, halo, rmm, { batchSize: halo.batchSize });
    report.applied = result.counts;
    report.failed = [...result.failed, ...result.skipped];
    for (const e of result.events) {
      const tally = e.status === 'done' ? report.appliedByKind : report.failedByKind;
      tally[`${e.kind}.${e.action}`] = (tally[`${e.kind}.${e.action}`] ?? 0) + 1;
    }
    await this.#readBack(result.events);
    await this.#store('store what the cycle wrote', false);
  }

  /** Runs `read` with the controller's Halo requests in `lane` (a whole read waits behind per-device work). */
  async #inLane<T>(lane: number, read: () => Promise<T>): Promise<T> {
    const http = this.#o.halo.http;
    const before = http.priority;
    http.priority = Math.max(before, lane);
    try {
      return await read();
    } finally {
      http.priority = before;
    }
  }

  /** What the stored cache is a cache of: this Halo, this spec, this custom-field reading. */
  #identity(): CacheIdentity {
    const { spec, hash } = this.#o.loaded;
    const { url, tenant } = spec.connections.halo;
    return { halo: tenant ? `${url}#${tenant}` : url, specHash: hash ?? '', customFields: readsCustomFields(spec) };
  }

  /** The cache in the store, when it may be taken (src/sync/cache-store.ts); undefined to read Halo whole. */
  async #fromStore(resyncMs: number): Promise<SyncControllerCache | undefined> {
    const { stored, logger, now } = this.#o;
    if (!stored) return undefined;
    try {
      const found = await stored.cache.load(this.#identity(), now(), { freshMs: stored.freshMs(), maxAgeMs: resyncMs });
      if ('refused' in found) {
        logger.log('info', 'sync reads Halo whole rather than take the cache in the store', { reason: found.refused });
        return undefined;
      }
      logger.log('info', 'sync took its cache from the store', { assets: found.halo.assets.length, filledAt: new Date(found.meta.filledAt).toISOString() });
      this.#unstored = { lists: new Set(), assetIds: new Set() };
      return { halo: found.halo, at: found.meta.filledAt, fromStore: true };
    } catch (e) {
      logger.log('warn', 'sync could not read its cache from the store, and reads Halo whole', { error: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  }

  /**
   * Writes what changed in the cache since the last write, with its meta (`writing`: a cycle is
   * about to write to Halo), to the store. False, logged, when the store refused; true without one.
   */
  async #store(what: string, writing: boolean): Promise<boolean> {
    const { stored, logger, now } = this.#o;
    const cache = this.#cache;
    if (!stored || !cache) return true;
    const meta = cacheMeta(this.#identity(), cache.at, now(), writing);
    const unstored = this.#unstored;
    try {
      if (unstored === 'all') await stored.cache.save(cache.halo, meta);
      else await stored.cache.update(cache.halo, { lists: [...unstored.lists], assetIds: unstored.assetIds }, meta);
      this.#unstored = { lists: new Set(), assetIds: new Set() };
      return true;
    } catch (e) {
      logger.log('warn', `sync could not ${what}`, { error: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  /**
   * The last read of the RMM with the devices webhooks named read again (a deleted one left
   * out), so a lifecycle event costs a request or two, not a read of every device. Undefined —
   * read the RMM whole — before the first read, for more than a few devices, for a device in an
   * organisation or location that read did not have, or for an RMM that cannot read one device.
   */
  async #withDevicesReadAgain(): Promise<RmmSnapshot | undefined> {
    const { rmm, loaded } = this.#o;
    const base = this.#rmm;
    const ids = [...this.#pending];
    const place = this.#placePending;
    this.#pending.clear();
    this.#placePending = false;
    if (!base || !rmm.readDevice || place || ids.length === 0 || ids.length > READ_ONE_BY_ONE) return undefined;
    const devices = [...base.devices];
    const customFields = new Map(base.customFields);
    for (const id of ids) {
      const at = devices.findIndex((d) => sameRmmId(d.id, id));
      const read = await rmm.readDevice(at >= 0 ? devices[at]!.id : id, loaded.spec);
      // An answer that is no readable row for the device is not a deletion: read the RMM whole.
      if (read === undefined) return undefined;
      if (read === 'gone') {
        if (at >= 0) customFields.delete(devices.splice(at, 1)[0]!.id);
        continue;
      }
      const { device } = read;
      const known = base.organizations.some((o) => sameRmmId(o.id, device.organizationId)) && base.locations.some((l) => sameRmmId(l.id, device.locationId));
      if (!known) return undefined;
      if (at >= 0) devices[at] = device;
      else devices.push(device);
      customFields.set(device.id, read.customFields);
    }
    this.#rmm = { ...base, devices, customFields };
    return this.#rmm;
  }

  /**
   * The RMM read whole. Device custom fields are read only where they changed since the last
   * whole read began (less a margin for the two clocks), the rest kept from it — all of them
   * again every `sync.resyncHours`, after a reload, and after a failed cycle.
   */
  async #readRmmWhole(resyncMs: number): Promise<RmmSnapshot> {
    const { rmm, loaded, now } = this.#o;
    const startedAt = now();
    const previous = this.#rmm;
    const since = previous && this.#rmmReadAt !== undefined && this.#customFieldsAllAt !== undefined && startedAt - this.#customFieldsAllAt < resyncMs ? { at: this.#rmmReadAt - CLOCK_MARGIN_MS, previous } : undefined;
    this.#rmm = await rmm.read(loaded.spec, since);
    this.#rmmReadAt = startedAt;
    if (!since) this.#customFieldsAllAt = startedAt;
    return this.#rmm;
  }

  /** Reads again every existing asset the plan changes; those edited since the cache was filled replace their cached copy. Returns how many. */
  async #refreshTouched(plan: Plan): Promise<number> {
    const cache = this.#cache!.halo;
    const touched = plan.changes.filter((c) => c.kind === 'asset' && c.action !== 'no-op' && c.action !== 'create' && c.haloId !== undefined);
    // Many at once (a mapping change touching thousands): their types' lists cost fewer requests than one read each.
    const ids = new Set(touched.map((c) => c.haloId!));
    const fresh = touched.length <= READ_BACK_ONE_BY_ONE ? await this.#readAssetsOneByOne(ids) : await this.#readAssetsById(ids);
    let stale = 0;
    for (const change of touched) {
      const asset = fresh.get(change.haloId!);
      if (asset && change.fingerprint !== undefined && assetFingerprint(withListedType(asset, cache)) !== change.fingerprint) {
        replaceAsset(cache, withListedType(asset, cache));
        this.#changed({ assetIds: [asset.id] });
        stale++;
      }
    }
    return stale;
  }

  /**
   * For each asset the plan would create, looks in Halo for one made for that device since the
   * cache was filled (an apply from CI, a scheduled `haloform sync`, a person): by the asset tag
   * the create would write — one small list request each — or, for many creates or ones without a
   * tag, through their types' lists. Each found is taken into the cache, so the cycle plans it as
   * it is rather than create a second asset for the device. Returns how many.
   */
  async #findMadeElsewhere(plan: Plan): Promise<number> {
    const { halo } = this.#o;
    const cache = this.#cache!.halo;
    const creates = plan.changes.filter((c): c is AssetChange => c.kind === 'asset' && c.action === 'create');
    if (creates.length === 0) return 0;
    const tagOf = (c: AssetChange) => {
      const tag = c.after?.inventory_number;
      return typeof tag === 'string' && tag.trim() !== '' ? tag : undefined;
    };
    const byTag = creates.length <= READ_BACK_ONE_BY_ONE ? creates.filter((c) => tagOf(c) !== undefined) : [];
    const byType = creates.filter((c) => !byTag.includes(c));
    const candidates = (await Promise.all(byTag.map((c) => halo.readAssetsWhere({ inventory_number: tagOf(c)!, includeinactive: true })))).flat();
    if (byType.length > 0) {
      const typeAddresses = new Set(byType.map((c) => refOf(c.after?.asset_type)));
      const typeIds = plan.changes.filter((c) => c.kind === 'asset_type' && typeAddresses.has(c.address) && c.haloId !== undefined).map((c) => c.haloId!);
      candidates.push(...(await halo.readAssets(typeIds)));
    }
    const wanted = new Set(creates.map((c) => String(c.rmmId)));
    const cached = new Map(cache.assets.map((a) => [a.id, a]));
    let found = 0;
    for (const candidate of candidates) {
      if (candidate.rmmId === undefined || !wanted.has(String(candidate.rmmId))) continue;
      if (sameRmmId(cached.get(candidate.id)?.rmmId, candidate.rmmId)) continue;
      // A list row without field values: the asset itself, to plan its update right.
      const asset = candidate.fields.size > 0 ? candidate : ((await halo.readAsset(candidate.id)) ?? candidate);
      replaceAsset(cache, withListedType(asset, cache));
      cached.set(asset.id, asset);
      this.#changed({ assetIds: [asset.id] });
      found++;
    }
    return found;
  }

  async #readAssetsOneByOne(ids: ReadonlySet<number>): Promise<Map<number, HaloAsset>> {
    const read = await Promise.all([...ids].map((id) => this.#o.halo.readAsset(id)));
    return new Map(read.filter((a): a is HaloAsset => a !== undefined).map((a) => [a.id, a]));
  }

  /** The assets with these ids, read through their types' lists (with field values). */
  async #readAssetsById(ids: ReadonlySet<number>): Promise<Map<number, HaloAsset>> {
    const cache = this.#cache!.halo;
    const typeIds = [...new Set(cache.assets.filter((a) => ids.has(a.id) && a.assetTypeId !== undefined).map((a) => a.assetTypeId!))];
    return new Map((await this.#o.halo.readAssets(typeIds)).filter((a) => ids.has(a.id)).map((a) => [a.id, a]));
  }

  /** Takes what the cycle wrote back into the cache. */
  async #readBack(events: readonly ApplyEvent[]): Promise<void> {
    const { halo } = this.#o;
    const cache = this.#cache!.halo;
    const done = events.filter((e) => e.status === 'done' && e.haloId !== undefined);
    if (done.some((e) => e.kind === 'client' || e.kind === 'site')) {
      const [clients, sites] = await Promise.all([halo.readClients(), halo.readSites()]);
      cache.clients = clients;
      cache.sites = sites;
      this.#changed({ lists: ['clients', 'sites'] });
    }
    if (done.some((e) => e.kind === 'asset_type' || e.kind === 'asset_field')) {
      const [fields, assetTypes] = await Promise.all([halo.readFields(), halo.readAssetTypes()]);
      cache.fields = fields;
      cache.assetTypes = assetTypes;
      this.#changed({ lists: ['fields', 'assetTypes'] });
    }
    const assets = done.filter((e) => e.kind === 'asset');
    if (assets.length === 0) return;
    if (assets.length <= READ_BACK_ONE_BY_ONE) {
      for (const fresh of (await this.#readAssetsOneByOne(new Set(assets.map((e) => e.haloId!)))).values()) {
        replaceAsset(cache, withListedType(fresh, cache));
        this.#changed({ assetIds: [fresh.id] });
      }
      return;
    }
    cache.assets = await halo.readAssets(cache.assetTypes.map((t) => t.id));
    this.#changed({ lists: ['assets'] });
  }

  /** Notes a change to the cache for the next write to the store. */
  #changed(change: { lists?: readonly CacheList[]; assetIds?: readonly number[] }): void {
    if (this.#unstored === 'all') return;
    for (const list of change.lists ?? []) this.#unstored.lists.add(list);
    for (const id of change.assetIds ?? []) this.#unstored.assetIds.add(id);
  }
}

/** An asset read by id says its type; one that does not keeps the type its cached copy had. */
function withListedType(asset: HaloAsset, cache: HaloSnapshot): HaloAsset {
  if (asset.assetTypeId !== undefined) return asset;
  const cached = cache.assets.find((a) => a.id === asset.id);
  return cached?.assetTypeId !== undefined ? { ...asset, assetTypeId: cached.assetTypeId } : asset;
}

/** The address a `{ ref }` value points at. */
function refOf(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' && 'ref' in value && typeof value.ref === 'string' ? value.ref : undefined;
}

function replaceAsset(cache: HaloSnapshot, asset: HaloAsset): void {
  const i = cache.assets.findIndex((a) => a.id === asset.id);
  if (i === -1) cache.assets.push(asset);
  else cache.assets[i] = asset;
}

/** How many assets, clients and sites differ between two full reads (added, removed or changed). */
function driftBetween(before: HaloSnapshot, after: HaloSnapshot): number {
  const count = <T extends { id: number }>(a: readonly T[], b: readonly T[], key: (x: T) => string) => {
    const old = new Map(a.map((x) => [x.id, key(x)]));
    let n = 0;
    for (const x of b) if (old.get(x.id) !== key(x)) n++;
    const ids = new Set(b.map((x) => x.id));
    for (const x of a) if (!ids.has(x.id)) n++;
    return n;
  };
  return count(before.assets, after.assets, assetFingerprint) + count(before.clients, after.clients, (c) => JSON.stringify(c)) + count(before.sites, after.sites, (s) => JSON.stringify(s));
}
