/**
 * The inbox store: where `haloform serve` keeps every inbound webhook delivery (accepted,
 * duplicate, ignored or rejected), the work still to do for accepted ones, the state of each
 * alert series, each delivery's processing history, and the leases that keep one worker per
 * series and one poller per deployment. SQLite implements it for one process (sqlite-store.ts);
 * PostgreSQL implements the same contract for several replicas (DESIGN.md §5). Every method is
 * async even where SQLite is synchronous, so callers never depend on which one they have.
 * The behaviour both must show is pinned down by test/store/store-contract.ts.
 */

/**
 * Where a delivery stands.
 * - `pending`: accepted, its work item not finished (waiting, leased, or scheduled for a retry).
 * - `done`: processed.
 * - `ignored`: acknowledged but not processed (excluded by `alerts.include`, or not an alert event).
 * - `duplicate`: the same activity id was already accepted; acknowledged, never processed.
 * - `rejected`: answered with a 4xx (bad secret, too large, not JSON, not an activity).
 * - `dead`: the retry budget ran out, or the failure cannot pass by itself; `inbox replay` re-runs it.
 */
export type DeliveryStatus = 'pending' | 'done' | 'ignored' | 'duplicate' | 'rejected' | 'dead';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'done', 'ignored', 'duplicate', 'rejected', 'dead'];

/** Where a delivery came from: NinjaOne's webhook, or the poller filling a gap it found. */
/** Where a delivery came from: NinjaOne's webhook, the poller, or Halo's webhook (a ticket closed). */
export type DeliverySource = 'webhook' | 'poller' | 'halo';

/** Why a request was rejected; one per 4xx the webhook answers. */
export type RejectReason = 'unauthorized' | 'too_large' | 'unsupported_media_type' | 'malformed_json' | 'not_an_activity' | 'timeout';

/** An accepted delivery, as the webhook handler (or the poller) hands it to the store. */
export interface NewDelivery {
  /** Epoch milliseconds. */
  receivedAt: number;
  source: DeliverySource;
  /** The request path, without its query string (which may carry `?token=`). */
  path: string;
  /** Selected request headers, lower-case names; never Authorization or the secret's header. */
  headers: Record<string, string>;
  /** The raw body as received (the activity itself; it holds no secret). */
  body: string;
  /** NinjaOne's activity id; unique among accepted deliveries. Absent for the poller's own events. */
  activityId?: number;
  /** The alert series (seriesUid, else `device:<id>/config:<uid>`): work of one series runs in order, one at a time. */
  seriesKey: string;
  statusCode: string;
  activityType: string;
  deviceId?: number;
  /** `pending` queues a work item; `ignored` only records the delivery. */
  status: 'pending' | 'ignored';
  /** Why it is ignored. */
  reason?: string;
  /** Order within the series: the activity id (NinjaOne's ids grow), 0 for the poller's events. */
  orderKey: number;
}

/** What `accept` did. */
export type AcceptResult =
  | { outcome: 'accepted' | 'ignored'; deliveryId: number }
  | { outcome: 'duplicate'; deliveryId: number; duplicateOf: number };

/** A rejected request, for the inbound log. */
export interface NewRejection {
  receivedAt: number;
  path: string;
  headers: Record<string, string>;
  /** The body, when the sender was authenticated and it fit the limit; never for a 401 or 413. */
  body?: string;
  /** The body's size in bytes as received (or as announced, for a 413). */
  bodyBytes: number;
  httpStatus: number;
  reason: RejectReason;
  /** The message the sender got. */
  message: string;
}

/** One delivery, as `inbox list` and `inbox show` see it. */
export interface Delivery {
  id: number;
  receivedAt: number;
  source: DeliverySource;
  status: DeliveryStatus;
  path: string;
  headers: Record<string, string>;
  body?: string;
  bodyBytes: number;
  /** The status answered to the sender. */
  httpStatus: number;
  /** Why it was rejected, ignored or dead-lettered. */
  reason?: string;
  /** The rejection message, or the last error. */
  message?: string;
  activityId?: number;
  seriesKey?: string;
  statusCode?: string;
  activityType?: string;
  deviceId?: number;
  /** For a duplicate: the delivery that was accepted first. */
  duplicateOf?: number;
  /** Processing attempts so far. */
  attempts: number;
  /** When a scheduled retry is due (pending deliveries). */
  nextAttemptAt?: number;
  lastError?: string;
  /** The Halo ticket the processing created or used. */
  ticketId?: number;
  /** When it became done, ignored or dead. */
  finishedAt?: number;
}

/** A claimed work item: the delivery to process, leased to one worker until `leaseUntil`. */
export interface WorkItem {
  deliveryId: number;
  seriesKey: string;
  activityId?: number;
  orderKey: number;
  source: DeliverySource;
  body: string;
  receivedAt: number;
  /** Claims so far, this one included. */
  attempts: number;
  leaseUntil: number;
}

/** What finished processing says about a delivery. */
export interface Completion {
  status: 'done' | 'ignored';
  ticketId?: number;
  /** One line for the history: "created ticket 12", "note added". */
  note?: string;
}

/** One entry in a delivery's processing history. */
export interface HistoryEntry {
  deliveryId: number;
  at: number;
  /** claimed, ticket-created, note-added, ticket-closed, left-open, retry, dead-lettered, done, ignored, replayed, ... */
  event: string;
  detail?: Record<string, unknown>;
}

/**
 * What haloform knows of one alert series (one NinjaOne alert: TRIGGERED, maybe TRIGGERED again,
 * RESET). Only the worker holding the series' work item writes it.
 */
export interface SeriesState {
  key: string;
  deviceId?: number;
  /** The Halo ticket of the series. */
  ticketId?: number;
  /** Whether the ticket was open when haloform last looked. */
  ticketOpen: boolean;
  /** The status the ticket was created with; another one later means a person moved it. */
  initialStatusId?: number;
  /** TRIGGERED events applied (the first included). */
  triggerCount: number;
  /** The newest TRIGGERED activity id applied. */
  lastTriggerId?: number;
  /** Epoch seconds of the newest firing applied (the alert's time when the poller opened the ticket). */
  lastTriggerTime?: number;
  /** The RESET activity id applied, when it had one. */
  resetId?: number;
  /** Epoch milliseconds when the reset was applied; set means "the alert is over". */
  resetAt?: number;
  /**
   * Epoch milliseconds when a ticket create was sent and its answer not yet saved. Set means a
   * ticket may exist in Halo that the store does not know: search before creating another.
   */
  createStartedAt?: number;
  /** A technician worked on the ticket (as of the last check). */
  touched: boolean;
  /** Activity ids applied to the series (newest 100), so a replay or late copy changes nothing. */
  applied: number[];
  /** The poller opened the ticket (its TRIGGERED webhook was missed, or has not arrived yet). */
  openedByPoller?: boolean;
  /**
   * Writes decided but not yet done, in order (a note, then the close check). Saved before they
   * are sent, so a retry finishes them instead of deciding again — no note is written twice.
   */
  pending?: PendingEffect[];
  /**
   * The ticket a "closed in Halo" event was handled for (alerts.onTicketClosed): the alert was
   * reset for it, or it was found deleted. The poller does not ask again for the same ticket.
   */
  closedTicketHandled?: number;
  /** Epoch ms when a firing was suppressed (maintenance): its reset opens no ticket. */
  suppressedAt?: number;
  /** The device and condition of the series' alert (`device:<id>/config:<uid>`), for alerts.reopenWithinMinutes. */
  conditionKey?: string;
  /** Epoch ms when haloform closed the ticket, or first saw it closed (for alerts.reopenWithinMinutes). */
  ticketClosedAt?: number;
  /** Epoch ms when haloform reset the NinjaOne alert because its ticket was closed: the RESET that follows changes nothing on the ticket. */
  alertResetForClosedTicketAt?: number;
  /** The route (alerts.routes) its ticket took, or `default`; set when the ticket is created or the alert suppressed by a route. */
  route?: string;
  /** The storm (alerts.stormThreshold) whose parent ticket is this series' ticket. */
  storm?: string;
  updatedAt: number;
}

/** A write the worker has decided on for a series: to the Halo ticket, or the alert's reset in NinjaOne. */
export type PendingEffect =
  | { kind: 'note'; html: string; label: string }
  | { kind: 'close-if-untouched'; activityId?: number }
  | { kind: 'reset-alert'; uid: string; ticketId: number }
  | { kind: 'reopen'; statusId: number };

export interface DeliveryFilter {
  status?: DeliveryStatus;
  /** Received at or after (epoch ms). */
  since?: number;
  seriesKey?: string;
  activityId?: number;
  deviceId?: number;
  /** The Halo ticket the delivery went to. */
  ticketId?: number;
  /** Only deliveries of series whose ticket took this route (alerts.routes; `default`). */
  route?: string;
  /** Newest first; default 100. */
  limit?: number;
}

/** Work in the queue (for /metrics and `idle()`). */
export interface QueueCounts {
  /** Work items not finished: ready, leased and waiting for a retry. */
  pending: number;
  /** Claimable now: due, the head of its series, and the series not leased. */
  ready: number;
  leased: number;
  /** Deliveries dead-lettered (not work items: waiting for a person). */
  dead: number;
}

export type ReplayResult = { ok: true; deliveryId: number } | { ok: false; deliveryId: number; reason: string };

/** The statuses of a finished delivery: every one but `pending`. */
export type FinishedStatus = Exclude<DeliveryStatus, 'pending'>;

/** What `prune` is to remove; see `InboxStore.prune` for the rules. */
export interface PruneOptions {
  /** Epoch milliseconds: finished deliveries received before it go, and settled series last changed before it. */
  olderThan: number;
  /** Keep dead deliveries whatever their age (default true): they wait for a person to replay them. */
  keepDead?: boolean;
  /** Count what would go, remove nothing. */
  dryRun?: boolean;
  /** Rows removed per transaction (default 500): what bounds how long a prune holds a lock. */
  batchSize?: number;
  /** Stops the prune between batches (serve shutting down); it then rejects with the signal's reason, the batches done staying done. */
  signal?: AbortSignal;
}

/** What `prune` removed (or, with `dryRun`, would remove). */
export interface PruneResult {
  /** Deliveries, by status. */
  deliveries: Record<FinishedStatus, number>;
  /** History entries of those deliveries. */
  history: number;
  /** Series states. */
  series: number;
}

/** A lease on a name (`poller`, `serve:sqlite`): who holds it until when. */
export interface Lease {
  name: string;
  owner: string;
  until: number;
}

export interface InboxStore {
  /** `sqlite:/path/haloform.db` or the PostgreSQL URL without its password: for logs and messages. */
  readonly description: string;

  /**
   * Writes an accepted delivery (and its work item when pending) in one committed transaction;
   * resolves only once it is durable. A delivery whose activity id was already accepted is
   * written as a `duplicate` of the first and gets no work item.
   */
  accept(delivery: NewDelivery): Promise<AcceptResult>;
  /**
   * Adds to the counts of rejected requests that were answered but not stored (serve keeps a
   * sample of each sender's rejections per reason, so a flood cannot fill the inbox).
   */
  countUnstoredRejections(counts: Readonly<Partial<Record<RejectReason, number>>>): Promise<void>;
  /** The counts of rejected requests not stored, by reason, since the inbox was made. */
  unstoredRejections(): Promise<Partial<Record<RejectReason, number>>>;
  /** Records a rejected request; returns its delivery id. */
  reject(rejection: NewRejection): Promise<number>;

  /**
   * Leases up to `limit` work items that are due, each the head (lowest order key) of a series
   * no other worker holds: one series is never processed by two workers at once, and a series'
   * items are handed out in order. Expired leases are free to take. Counts an attempt per claim.
   */
  claim(limit: number, leaseMs: number, workerId: string): Promise<WorkItem[]>;
  /** Extends a lease the worker still holds; false when it lost it. */
  extend(deliveryId: number, workerId: string, leaseMs: number): Promise<boolean>;
  /** Finishes a work item the worker holds: the delivery becomes done or ignored. False when the lease was lost. */
  complete(deliveryId: number, workerId: string, completion: Completion): Promise<boolean>;
  /** Schedules another attempt at `retryAt`; the lease ends. False when the lease was lost. */
  fail(deliveryId: number, workerId: string, failure: { retryAt: number; error: string }): Promise<boolean>;
  /** Gives up on a work item: the delivery becomes dead with `reason`. False when the lease was lost. */
  deadLetter(deliveryId: number, workerId: string, reason: string): Promise<boolean>;
  /** Hands a work item back untouched (shutdown): due now, the claim not counted. */
  release(deliveryId: number, workerId: string): Promise<boolean>;
  /** Releases every lease `workerId` holds (its process stopped or died); returns how many. */
  releaseAll(workerId: string): Promise<number>;
  /** Whether the series has work not finished (ready, leased or scheduled). */
  hasPendingWork(seriesKey: string): Promise<boolean>;
  counts(): Promise<QueueCounts>;
  /**
   * A hint for an idle worker: the earliest future moment (epoch ms) at which work may become
   * claimable — a scheduled retry or a lease running out. Undefined when nothing is waiting.
   * Waking then and finding nothing is harmless; sleeping past a due item is not allowed.
   */
  nextDueAt(): Promise<number | undefined>;

  /** Queues a done, ignored or dead delivery again (a duplicate or rejected one cannot be). */
  replay(deliveryId: number): Promise<ReplayResult>;
  /** Queues every dead delivery again; returns their ids. */
  replayDead(): Promise<number[]>;

  getSeries(key: string): Promise<SeriesState | undefined>;
  saveSeries(state: SeriesState): Promise<void>;
  /** Series whose ticket was open when last seen. */
  openSeries(): Promise<SeriesState[]>;

  addHistory(deliveryId: number, event: string, detail?: Record<string, unknown>): Promise<void>;
  history(deliveryId: number): Promise<HistoryEntry[]>;
  getDelivery(id: number): Promise<Delivery | undefined>;
  /** Newest first. */
  listDeliveries(filter?: DeliveryFilter): Promise<Delivery[]>;

  /** Takes or renews the lease on `name` when it is free, expired or already `workerId`'s. */
  tryLead(name: string, ttlMs: number, workerId: string): Promise<boolean>;
  lease(name: string): Promise<Lease | undefined>;
  /** Gives up the lease when `workerId` holds it. */
  resign(name: string, workerId: string): Promise<void>;

  /**
   * Retention: removes what the inbox no longer needs, in batches (`batchSize` rows per
   * transaction) so a large prune never holds a long lock or write transaction; safe while serve
   * runs, on any number of replicas at once. Removes:
   *
   * - Deliveries received before `olderThan` that are finished — done, ignored, duplicate,
   *   rejected, and dead unless `keepDead` (the default keeps them) — with their history. Never a
   *   pending delivery (its work item waits, is leased by a worker or is scheduled for a retry),
   *   nor one that a replay is queueing at that moment.
   * - Series states that are settled: the ticket is not open, and the alert is over (its reset
   *   was applied) or never got a ticket; no ticket create or decided write is outstanding; the
   *   series has no work; none of its deliveries is left in the inbox; last changed before
   *   `olderThan`. A series whose ticket a person closed while the alert is still active is kept:
   *   the poller reads "the series had a ticket" as "do not open another" (poller.ts).
   *
   * Idempotency after a prune. A copy of an activity whose first delivery was pruned is no longer
   * recognised by the inbox: it is accepted as new and the worker decides by the series state.
   * - Its series has an open ticket (or work to do): the state was kept, lists the activity as
   *   applied, and the copy changes nothing — no second ticket.
   * - Its series was settled and pruned: the worker sees a series it never met. A very late copy
   *   of the TRIGGERED opens a new ticket (which the poller, if on, closes at its next run, since
   *   the alert is no longer active in NinjaOne); a very late copy of the RESET opens a ticket
   *   and applies the reset to it as `alerts.onReset` says (closes it, by default). Only copies
   *   older than the retention can do this, and NinjaOne's retries come within hours: `haloform
   *   inbox prune` and `serve --retain-days` keep at least a day.
   *
   * Ids are never reused (SQLite AUTOINCREMENT, a PostgreSQL sequence), so a duplicate's
   * `duplicateOf` or a log line naming a pruned delivery never points at another one.
   */
  prune(options: PruneOptions): Promise<PruneResult>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /**
   * Reads and rewrites one meta value atomically, against every worker and replica: `change` gets
   * the value (undefined when unset) and returns the new one (undefined: remove it). It must be
   * pure and quick: it may run again when another writer came first. Returns what it wrote.
   */
  updateMeta(key: string, change: (value: string | undefined) => string | undefined): Promise<string | undefined>;

  /** serve's sync cache (src/sync/cache-store.ts): every row, with the meta written with them. */
  readCache(): Promise<{ meta: string | undefined; rows: CacheRow[] }>;
  /**
   * In one transaction: removes every row of `replaceKinds` (all rows for `'all'`), writes `put`
   * (a row of the same kind and id is replaced), and sets the cache's meta.
   */
  writeCache(write: CacheWrite): Promise<void>;

  /** Throws when the store cannot be used (for /readyz). */
  ping(): Promise<void>;
  /** Finishes pending writes and closes. */
  close(): Promise<void>;
}

/** A row of serve's sync cache: one Halo record (`kind` names its list), its JSON. */
export interface CacheRow {
  kind: string;
  id: number;
  body: string;
}

export interface CacheWrite {
  replaceKinds?: readonly string[] | 'all';
  /** Taken one by one (a generator encodes each row as it is written: 50,000 assets are never all strings at once). */
  put?: Iterable<CacheRow>;
  meta: string;
}

/** The meta key the sync cache's meta is kept under (written with its rows). */
export const CACHE_META_KEY = 'sync:cache';

/** Meta keys of the counts of rejected requests not stored, one per reason. */
export const UNSTORED_PREFIX = 'rejected-not-stored:';
