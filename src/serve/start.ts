/**
 * startServe: the whole of `haloform serve` in-process — HTTP receiver, inbox store, workers,
 * poller, retention, metrics — returning a handle to wait on (`idle()`), poll or prune on demand
 * (`poll()`, `prune()`) and stop.
 * The CLI command wraps it; tests and the demo run it with port 0.
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Spec } from '../config/spec.js';
import { HaloApiClient } from '../halo/client.js';
import { HaloTickets } from '../halo/tickets.js';
import { Accounting, ApiError, backoffDelay, createJsonLogger, Redactor, systemClock, type Clock, type Logger, type LogLevel, type SharedHttpOptions } from '../http/index.js';
import { LANES } from '../http/rate-limiter.js';
import { NinjaOneClient } from '../rmm/ninjaone/client.js';
import type { InboxStore, PruneResult } from '../store/inbox-store.js';
import { DEFAULT_STORE_URL, openStore } from '../store/open-store.js';
import { checkSecrets, PREVIOUS_SECRET_ENV, SECRET_ENV, WebhookAuth } from './auth.js';
import { HaloDirectory } from './directory.js';
import { acceptHaloWebhook } from './halo-webhook.js';
import { describeError } from './errors.js';
import { createHandler, DEFAULT_BODY_LIMIT, type Handler, type Readiness, type ServeRequest, type ServeResponse } from './handler.js';
import { startHttpServer, type RunningServer } from './http-server.js';
import { ServeMetrics } from './metrics.js';
import { Poller, POLLER_LEASE, type PollResult } from './poller.js';
import { AlertProcessor } from './processor.js';
import { DEFAULT_RETRY, WorkerPool, type RetryPolicy } from './worker-pool.js';
import { NINJAONE } from '../rmm/ninjaone/provider.js';
import { ninjaOneSource } from '../rmm/ninjaone/source.js';
import { isPlaceLifecycleActivity, type Activity } from '../rmm/ninjaone/activity.js';
import type { LoadedSpec } from '../config/load.js';
import { StoredSyncCache } from '../sync/cache-store.js';
import { SYNC_STATUS_KEY, SyncController, type CycleReport } from '../sync/controller.js';
import { checkReload, type ReloadResult } from './reload.js';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A reason serve cannot start, worded for the person starting it. */
export class ServeStartError extends Error {
  override readonly name = 'ServeStartError';
}

export interface ServeOptions {
  spec: Spec;
  /** The spec as loaded (its hash and source): needed for the sync controller, which plans as \`plan\` does. */
  loaded?: LoadedSpec & { spec: Spec };
  /** The sync controller (when the spec has sync:): \`auto\` (default: a cycle at start, then every sync.everyMinutes), \`manual\` (only \`sync()\`), \`off\`. */
  sync?: 'auto' | 'manual' | 'off';
  /** How often the sync controller reads NinjaOne's activity log for missed lifecycle webhooks. Default 60 s. */
  syncBackstopMs?: number;
  /**
   * Reads the spec file again, for a reload (SIGHUP, the file changing, \`POST /admin/reload\`):
   * a valid spec with the same connections replaces the running one; anything else is refused
   * and the running spec stays. Absent: \`reload()\` needs the new spec given.
   */
  readSpec?: () => LoadedSpec;
  /** Reload when this file changes (the spec's path). */
  watchSpecFile?: string;
  /** HALOFORM_ADMIN_SECRET: enables \`POST /admin/reload\` for a bearer of it. */
  adminSecret?: string;
  /** HALOFORM_HALO_WEBHOOK_SECRET: enables \`POST /halo/webhook\` (a ticket closed in Halo resets its alert) for HTTP Basic with it as the password. */
  haloWebhookSecret?: string;
  /** The environment the controller's plans see (HALOFORM_WEBHOOK_SECRET); default none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A store URL (`sqlite:haloform.db`, `postgres://…`) or an open store (then `stop()` leaves it open). Default sqlite:haloform.db. */
  store?: string | InboxStore;
  /** Relative SQLite paths are resolved against it. Default process.cwd(). */
  cwd?: string;
  /** Default 127.0.0.1 (the CLI defaults to 0.0.0.0). */
  host?: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Accepted webhook secrets: HALOFORM_WEBHOOK_SECRET and, during a rotation, HALOFORM_WEBHOOK_SECRET_PREVIOUS. */
  secrets?: string[];
  /** Accept deliveries without a secret. Refused unless set: a public endpoint that opens tickets. */
  insecureNoAuth?: boolean;
  /** Default: JSON lines on stderr at `logLevel`, redacted. */
  logger?: Logger;
  logLevel?: LogLevel;
  /** Receives each log line when no `logger` is given. */
  logSink?: (line: string) => void;
  /** Default 1 MiB. */
  bodyLimitBytes?: number;
  /** The request line and headers must arrive within this; default 10 s. */
  headersTimeoutMs?: number;
  /** The body must arrive within this once the headers have; default 10 s. */
  bodyTimeoutMs?: number;
  /** Connections that have not yet shown the secret, at most; default 256. */
  maxUnauthenticatedConnections?: number;
  /** Rejected requests recorded in the inbox per minute per sender and reason; the rest are counted. Default 20. */
  rejectedSamplePerMinute?: number;
  /** A new SQLite inbox may be created in a folder that does not exist yet (--create-store). */
  createStore?: boolean;
  workers?: {
    /** Series processed at once. Default 4. */
    concurrency?: number;
    /** Default 60 s. */
    leaseMs?: number;
    /** Default 1 s. */
    pollIntervalMs?: number;
    /**
     * Back-off between attempts and the retry budget. Tests shorten the waits here (e.g.
     * `{ baseMs: 5, maxMs: 20, rateLimitMinMs: 10 }`) so a "Halo down" scenario runs in real
     * time without waiting the ≥ 30 s a real 429 costs.
     */
    retry?: Partial<RetryPolicy>;
  };
  /** `auto` (default: every alerts.poll.everyMinutes when alerts.poll.enabled), `manual` (only `poll()`), `off`. */
  poller?: 'auto' | 'manual' | 'off';
  /**
   * Automatic retention: the replica holding the store's `retention` lease prunes finished
   * deliveries received more than this many days ago, with their history, and the settled series
   * (`InboxStore.prune`); dead deliveries stay until a person replays them or runs `haloform inbox
   * prune --include-dead`. A whole number, at least 1; absent or 0: off (the CLI defaults to 30).
   */
  retainDays?: number;
  /** `auto` (default: when serve starts, then once an hour) or `manual` (only `prune()`). */
  retention?: 'auto' | 'manual';
  /** HTTP options for the Halo client (tests: a short back-off, fewer attempts, a short timeout). */
  halo?: SharedHttpOptions;
  /** HTTP options for the NinjaOne client. */
  ninjaone?: SharedHttpOptions;
  /** The least time between re-reads of Halo's clients, sites and assets after a miss. Default 5 min. */
  directoryRefreshMs?: number;
  clock?: Clock;
  /** Identifies this process in leases. Default host/pid/random. */
  workerId?: string;
}

export interface ServeHandle {
  /** Where this machine reaches it, e.g. http://127.0.0.1:40123; the webhook is `${url}/ninjaone/webhook`. */
  url: string;
  /** The address it is bound to, as the system reports it: `0.0.0.0:8080` listens on every interface. */
  bound: string;
  port: number;
  store: InboxStore;
  metrics: ServeMetrics;
  workerId: string;
  /** The framework-free handler (benchmarks call it without HTTP). */
  handle(request: ServeRequest): Promise<ServeResponse>;
  /** Resolves once every accepted delivery has been processed (done, ignored or dead). */
  idle(): Promise<void>;
  /** Runs one poll now (also when the poller is `manual`). */
  poll(): Promise<PollResult>;
  /** Runs one sync cycle now (also when sync is `manual`); undefined when the spec has no sync: or sync is off. */
  sync(): Promise<CycleReport | undefined>;
  /** Runs the sync backstop now: reads NinjaOne's activity log, and a cycle when a lifecycle activity is there that no webhook brought. */
  syncBackstop(): Promise<CycleReport | undefined>;
  /** The last sync cycle, when one ran. */
  lastSyncCycle(): CycleReport | undefined;
  /** Replaces the running spec with \`next\` (else with what \`readSpec\` reads) when it is valid and keeps the connections; else says why not. */
  reload(next?: LoadedSpec): Promise<ReloadResult>;
  /** Runs one retention pass now (also when retention is `manual`); undefined when retention is off or another replica leads it. */
  prune(): Promise<PruneResult | undefined>;
  /** Stops accepting, finishes or hands back in-flight work, closes the store (when serve opened it). */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** The lease that keeps one serve process per SQLite file. */
const SQLITE_OWNER = 'serve:sqlite';
const OWNER_TTL_MS = 30_000;

/** The store lease that makes one process run retention. */
export const RETENTION_LEASE = 'retention';
/** How often retention runs: often enough that a pass has little to do, rarely enough to cost nothing. */
export const RETENTION_EVERY_MS = 3_600_000;
/** The store lease that makes one replica run the sync controller. */
export const SYNC_LEASE = 'sync';
const DAY_MS = 86_400_000;

/** What every step of startServe shares: the options, checked, and the clock, identity and logger. */
interface ServeContext {
  options: ServeOptions;
  /** The spec serve started with; what runs now is \`live.spec\` (a reload replaces it). */
  spec: Spec;
  live: { spec: Spec; loaded: (LoadedSpec & { spec: Spec }) | undefined };
  /** What \`POST /admin/reload\` calls: the handle's reload once serve runs. */
  reloader: { current: () => Promise<ReloadResult> };
  alerts: NonNullable<Spec['alerts']>;
  /** The accepted webhook secrets, empty ones dropped. */
  secrets: string[];
  retainDays: number;
  clock: Clock;
  now: () => number;
  workerId: string;
  redactor: Redactor;
  logger: Logger;
}

/** The inbox and whether serve opened it (then serve closes it). */
interface OpenedStore {
  store: InboxStore;
  ownsStore: boolean;
}

/** The clients and the parts that do the work behind the receiver. */
interface ServeServices {
  halo: HaloApiClient;
  ninja: NinjaOneClient;
  metrics: ServeMetrics;
  pool: WorkerPool;
  poller: Poller;
  /** Absent unless the spec has sync: and serve was given the loaded spec. */
  syncer: SyncController | undefined;
  /** The sync controller's own Halo client: the same budget (one limiter per Halo origin), its requests queued behind alert tickets'. */
  syncHalo: HaloApiClient | undefined;
  directory: HaloDirectory;
}

/** Everything a running serve holds, for its handle and its stop. */
interface RunningServe extends OpenedStore, ServeServices {
  context: ServeContext;
  cleanups: (() => Promise<unknown>)[];
  server: RunningServer;
  handle: Handler;
  stopSignal: AbortController;
  /** Settles once workers (and an automatic poller) have started after adoption. */
  started: Promise<void>;
  retention: Retention | undefined;
  ownerTimer: NodeJS.Timeout | undefined;
  /** Watches the spec file for a reload (ServeOptions.watchSpecFile). */
  watcher: FSWatcher | undefined;
}

export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const context = createContext(options);
  const opened = await openServeStore(context);
  const { store, ownsStore } = opened;
  const { workerId } = context;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    if (store.description.startsWith('sqlite:')) await takeSqliteOwnership(store, workerId, context.now());
    const services = createServices(context, store, cleanups);
    const { handle, server, auth } = await startReceiver(context, store, services);
    cleanups.push(() => server.close(1_000));
    cleanups.push(() => handle.flush());
    const stopSignal = new AbortController();
    const started = startWorkersAfterAdoption(context, store, services, stopSignal.signal);
    const retention = startRetention(context, store);
    const ownerTimer = store.description.startsWith('sqlite:') ? keepSqliteOwnership(store, workerId) : undefined;
    logListening(context, store, server, auth, retention);
    const running: RunningServe = { context, ...opened, ...services, cleanups, server, handle, stopSignal, started, retention, ownerTimer, watcher: undefined };
    const serve = serveHandle(running);
    context.reloader.current = () => serve.reload();
    running.watcher = watchSpec(context, () => void serve.reload());
    return serve;
  } catch (e) {
    await closeAfterFailedStart(cleanups, store, workerId, ownsStore);
    throw e;
  }
}

/** Checks the options a person can get wrong (alerts, secrets, retainDays) and sets up the clock, worker id and logger. */
function createContext(options: ServeOptions): ServeContext {
  const spec = options.spec;
  if (!spec.alerts) throw new ServeStartError('The spec has no alerts section, so serve has nothing to do. Add alerts (ticketType at least) to the spec.');
  const secrets = (options.secrets ?? []).filter((s) => s !== '');
  if (secrets.length === 0 && !options.insecureNoAuth) {
    throw new ServeStartError(
      `${SECRET_ENV} is not set. serve accepts only webhooks that carry this secret (the one haloform apply registers with NinjaOne); set it to a long random value, e.g. export ${SECRET_ENV}=$(openssl rand -hex 32), or pass --insecure-no-auth on a trusted network.`,
    );
  }
  const problems = checkSecrets(secrets.map((value, i) => ({ name: i === 0 ? SECRET_ENV : PREVIOUS_SECRET_ENV, value })));
  if (problems.length > 0) throw new ServeStartError(problems.join(' '));
  const retainDays = options.retainDays ?? 0;
  if (!Number.isInteger(retainDays) || retainDays < 0) throw new ServeStartError(`retainDays must be a whole number of days, 1 or more (0: keep everything); got ${options.retainDays}.`);

  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const workerId = options.workerId ?? `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const redactor = new Redactor([spec.connections.ninjaone.clientSecret, spec.connections.halo.clientSecret, ...secrets, ...(options.adminSecret ? [options.adminSecret] : []), ...(options.haloWebhookSecret ? [options.haloWebhookSecret] : [])]);
  const logger =
    options.logger ??
    createJsonLogger({ redactor, level: options.logLevel ?? 'info', base: { component: 'serve' }, ...(options.logSink ? { sink: options.logSink } : {}), now });
  return { options, spec, live: { spec, loaded: options.loaded }, reloader: { current: async () => ({ ok: false, reason: 'serve is still starting' }) }, alerts: spec.alerts, secrets, retainDays, clock, now, workerId, redactor, logger };
}

/** Opens the inbox the options name, or takes the open one they pass. */
async function openServeStore({ options, now, logger }: ServeContext): Promise<OpenedStore> {
  const ownsStore = typeof options.store !== 'object';
  const store =
    typeof options.store === 'object'
      ? options.store
      : await openStore(options.store ?? DEFAULT_STORE_URL, {
          ...(options.cwd ? { cwd: options.cwd } : {}),
          now,
          ...(options.createStore ? { createFolders: true } : {}),
          onCreate: (where) =>
            logger.log('warn', `creating a new, empty inbox at ${where}: no earlier deliveries or alert state are in it. If serve used another inbox before, stop and pass its --store.`, { store: where }),
        });
  return { store, ownsStore };
}

/** Undoes a start that failed half-way, newest first, and leaves the inbox free for the next attempt. */
async function closeAfterFailedStart(cleanups: (() => Promise<unknown>)[], store: InboxStore, workerId: string, ownsStore: boolean): Promise<void> {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await store.resign(SQLITE_OWNER, workerId).catch(() => undefined);
  if (ownsStore) await store.close().catch(() => undefined);
}

/** Builds the Halo and NinjaOne clients (their closing goes on `cleanups`), the directory, the processor, the workers and the poller. */
function createServices(context: ServeContext, store: InboxStore, cleanups: (() => Promise<unknown>)[]): ServeServices {
  const { options, spec, redactor, logger, clock, now, workerId } = context;
  const haloAccounting = new Accounting();
  const halo = new HaloApiClient(spec.connections.halo, NINJAONE.halo, { redactor, logger, accounting: haloAccounting, clock, ...options.halo });
  const ninja = new NinjaOneClient(spec.connections.ninjaone, { redactor, logger, clock, ...options.ninjaone });
  cleanups.push(() => halo.close(), () => ninja.close());
  const tickets = new HaloTickets(halo);
  const metrics = new ServeMetrics({ store, haloAccounting });
  const live = context.live;
  // Every part reads the spec when it needs it, so a reload reaches them all.
  const directory = new HaloDirectory({ tickets, ninja, get spec() { return live.spec; }, now, ...(options.directoryRefreshMs !== undefined ? { minRefreshMs: options.directoryRefreshMs } : {}) });
  const processor = new AlertProcessor({ get spec() { return live.spec; }, store, tickets, directory, metrics, logger, now, resetAlert: (uid, signal) => ninja.resetAlert(uid, signal) });
  const pool = new WorkerPool({
    store,
    process: (item, signal) => processor.process(item, signal),
    workerId,
    clock,
    logger,
    metrics,
    ...options.workers,
  });
  const poller = new Poller({ get spec() { return live.spec; }, store, ninja, tickets, directory, metrics, logger, clock, workerId, onQueued: () => pool.wake() });
  const syncHalo = options.loaded && (options.sync ?? 'auto') !== 'off' ? new HaloApiClient(spec.connections.halo, NINJAONE.halo, { redactor, logger, clock, priority: LANES.sync, ...options.halo }) : undefined;
  if (syncHalo) cleanups.push(() => syncHalo.close());
  return { halo, ninja, metrics, pool, poller, syncHalo, directory, syncer: syncHalo && createSyncer(context, store, metrics, syncHalo, ninja) };
}

/** The sync controller, when the spec has sync: and serve has the loaded spec; one replica leads it (a store lease). */
function createSyncer({ options, logger, now, workerId, live }: ServeContext, store: InboxStore, metrics: ServeMetrics, halo: HaloApiClient, ninja: NinjaOneClient): SyncController | undefined {
  const loaded = options.loaded;
  if (!loaded || (options.sync ?? 'auto') === 'off') return undefined;
  // The lease outlives two cycles of the spec's interval (a reload that changes it renews with the new one).
  const ttl = () => 2 * (live.spec.sync?.everyMinutes ?? 15) * 60_000;
  return new SyncController({
    loaded,
    rmm: ninjaOneSource(ninja, live.spec.connections.ninjaone.baseUrl),
    halo,
    env: options.env ?? {},
    logger,
    now,
    lead: () => store.tryLead(SYNC_LEASE, ttl(), workerId),
    // A replica taking over (the leader's lease ran out) starts from the cache the leader kept.
    stored: { cache: new StoredSyncCache(store), freshMs: () => ttl() + 60_000 },
    observe: (report, status) => {
      metrics.observeSync(report, status);
      // What `haloform sync status` reads from the same store.
      store.setMeta(SYNC_STATUS_KEY, JSON.stringify({ ...status, workerId })).catch((e: unknown) => logger.log('warn', 'could not save the sync status', { error: describeError(e) }));
    },
  });
}

/** Builds the webhook handler and starts the HTTP server that drives it. */
async function startReceiver(context: ServeContext, store: InboxStore, { halo, metrics, pool, syncer, directory }: ServeServices): Promise<{ handle: Handler; server: RunningServer; auth: WebhookAuth }> {
  const { options, alerts, secrets, logger, now } = context;
  const ready = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    const [storeCheck, haloCheck] = await Promise.allSettled([store.ping(), halo.http.tokens ? halo.http.tokens.token() : Promise.resolve('')]);
    checks.store = storeCheck.status === 'fulfilled' ? 'ok' : describeError(storeCheck.reason);
    checks.halo = haloCheck.status === 'fulfilled' ? 'ok' : describeError(haloCheck.reason);
    return { ok: storeCheck.status === 'fulfilled' && haloCheck.status === 'fulfilled', checks };
  };
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const auth = new WebhookAuth({ secrets: options.insecureNoAuth && secrets.length === 0 ? [] : secrets, header: alerts.webhook?.header ?? 'Authorization' });
  const handle = createHandler({
    get spec() {
      return context.live.spec;
    },
    store,
    auth,
    metrics,
    logger,
    now,
    bodyLimitBytes,
    onAccepted: () => pool.wake(),
    ...(syncer ? { onLifecycle: (activity: Activity) => (isPlaceLifecycleActivity(activity) ? syncer.nudge(undefined, true) : syncer.nudge(activity.deviceId)) } : {}),
    ...(options.adminSecret ? { admin: { secret: options.adminSecret, reload: () => context.reloader.current() } } : {}),
    ...(options.haloWebhookSecret
      ? {
          haloWebhook: {
            secret: options.haloWebhookSecret,
            accept: (body: unknown, headers: Record<string, string>) => acceptHaloWebhook({ store, directory, identity: NINJAONE.halo, logger, now, onAccepted: () => pool.wake() }, body, headers),
          },
        }
      : {}),
    ready,
    ...(options.rejectedSamplePerMinute !== undefined ? { rejectedSamplePerMinute: options.rejectedSamplePerMinute } : {}),
  });
  const server = await startHttpServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8080,
    bodyLimitBytes,
    handle,
    preflight: handle.preflight,
    onError: (e) => logger.log('error', 'request failed', { error: describeError(e) }),
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: options.bodyTimeoutMs } : {}),
    ...(options.maxUnauthenticatedConnections !== undefined ? { maxUnauthenticatedConnections: options.maxUnauthenticatedConnections } : {}),
    onRefused: (why) => metrics.rejected.inc({ reason: why }),
  });
  return { handle, server, auth };
}

/**
 * A store that never saw Halo (new, or replacing a lost one) first learns the open tickets
 * haloform created, so no alert gets a second ticket; workers (and an automatic poller) start
 * once that is done, unless serve is stopping by then.
 */
function startWorkersAfterAdoption(context: ServeContext, store: InboxStore, { pool, poller, syncer }: ServeServices, stopSignal: AbortSignal): Promise<void> {
  const { options, alerts } = context;
  return adoptOpenTickets(context, store, poller, stopSignal).then(
    () => {
      if (stopSignal.aborted) return;
      pool.start();
      const mode = options.poller ?? 'auto';
      if (mode === 'auto' && alerts.poll.enabled) poller.start(alerts.poll.everyMinutes * 60_000);
      startSyncer(context, syncer);
    },
    () => undefined,
  );
}

/** Adopts Halo's open tickets once per store, retrying with back-off until it works or serve stops. */
async function adoptOpenTickets({ options, clock, now, logger }: ServeContext, store: InboxStore, poller: Poller, stopSignal: AbortSignal): Promise<void> {
  if ((await store.getMeta('adopted-from-halo')) !== undefined) return;
  for (let attempt = 1; ; attempt++) {
    try {
      const adopted = await poller.adopt();
      await store.setMeta('adopted-from-halo', new Date(now()).toISOString());
      if (adopted > 0) logger.log('info', 'new store: adopted open tickets from Halo', { adopted });
      return;
    } catch (e) {
      logger.log('warn', 'new store: could not read open tickets from Halo yet; workers wait', { error: describeError(e), attempt });
      const retry = { ...DEFAULT_RETRY, ...options.workers?.retry };
      const wait = backoffDelay(attempt, { baseDelayMs: retry.baseMs, maxDelayMs: Math.min(retry.maxMs, 60_000), minRateLimitWaitMs: retry.rateLimitMinMs, maxRetryAfterMs: Infinity }, Math.random, {
        rateLimited: e instanceof ApiError && e.code === 'rate_limited',
      });
      await clock.sleep(wait, stopSignal);
    }
  }
}

/** Automatic retention when retainDays is set, started now unless it is manual. */
function startRetention({ options, retainDays, clock, logger, workerId }: ServeContext, store: InboxStore): Retention | undefined {
  const retention = retainDays > 0 ? new Retention({ store, days: retainDays, clock, logger, workerId }) : undefined;
  if (retention && (options.retention ?? 'auto') === 'auto') retention.start(RETENTION_EVERY_MS);
  return retention;
}

/** Renews the SQLite owner lease well before it runs out, for as long as the process lives. */
function keepSqliteOwnership(store: InboxStore, workerId: string): NodeJS.Timeout {
  const ownerTimer = setInterval(() => void store.tryLead(SQLITE_OWNER, OWNER_TTL_MS, workerId).catch(() => undefined), OWNER_TTL_MS / 3);
  ownerTimer.unref();
  return ownerTimer;
}

/** The one line that says serve is up: where, with which store, auth, poll and retention. */
function logListening({ options, alerts, secrets, retainDays, logger, workerId }: ServeContext, store: InboxStore, server: RunningServer, auth: WebhookAuth, retention: Retention | undefined): void {
  logger.log('info', 'listening', {
    bound: server.bound,
    url: server.url,
    webhook: `${server.url}/ninjaone/webhook`,
    store: store.description,
    auth: auth.enabled ? `${secrets.length} secret${secrets.length === 1 ? '' : 's'}` : 'none (--insecure-no-auth)',
    poll: options.poller === 'off' || !alerts.poll.enabled ? 'off' : options.poller === 'manual' ? 'manual' : `every ${alerts.poll.everyMinutes} min`,
    retention: retention ? `${retainDays} days${options.retention === 'manual' ? ' (manual)' : ', pruned hourly'}` : 'off',
    sync: syncMode(options),
    workerId,
  });
}

/** Starts the sync controller's timers when it runs on its own (sync: auto) and the running spec has sync:. */
function startSyncer({ options, live }: ServeContext, syncer: SyncController | undefined): void {
  if (!syncer || (options.sync ?? 'auto') !== 'auto' || !live.spec.sync) return;
  syncer.start(live.spec.sync.everyMinutes * 60_000, options.syncBackstopMs);
}

/**
 * Swaps in a reloaded spec (\`next\`, else what readSpec reads now) when checkReload allows it:
 * every part reads the live spec, the sync controller plans with it from a full read. A refused
 * one is logged and counted, and changes nothing.
 */
async function reloadSpec(running: RunningServe, next: LoadedSpec | undefined): Promise<ReloadResult> {
  const { context, metrics, syncer } = running;
  const { logger, live, options } = context;
  let loaded: LoadedSpec | undefined;
  try {
    loaded = next ?? options.readSpec?.();
  } catch (e) {
    loaded = undefined;
    logger.log('error', 'spec reload refused: the spec could not be read; the running spec stays', { error: describeError(e) });
    metrics.reloads.inc({ outcome: 'refused' });
    return { ok: false, reason: `the spec could not be read: ${describeError(e)}` };
  }
  if (!loaded) return { ok: false, reason: 'serve was started without a spec file to read again' };
  for (const secret of loaded.secrets ?? []) context.redactor.addSecret(secret);
  const check = checkReload(live.spec, loaded);
  if (!check.ok) {
    // The reason may quote the new spec; it leaves serve (the log, the route's answer) with every secret hidden.
    const reason = context.redactor.redact(check.reason);
    logger.log('error', 'spec reload refused; the running spec stays', { reason });
    metrics.reloads.inc({ outcome: 'refused' });
    return { ok: false, reason };
  }
  const hash = check.loaded.hash ?? '';
  const changed = hash !== live.loaded?.hash;
  live.spec = check.loaded.spec;
  live.loaded = check.loaded;
  if (syncer) {
    syncer.reload(check.loaded);
    startSyncer(context, syncer);
  }
  logger.log('info', 'spec reloaded', { hash, changed });
  metrics.reloads.inc({ outcome: 'reloaded' });
  return { ok: true, hash, changed };
}

/** Reloads when the spec file changes; watches its folder, since editors replace a file rather than write it. */
function watchSpec({ options, logger }: ServeContext, reload: () => void): FSWatcher | undefined {
  const file = options.watchSpecFile;
  if (!file) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher = watch(dirname(file), (_event, name) => {
      if (name !== null && name !== basename(file)) return;
      clearTimeout(timer);
      // A save is often several writes: reload once they settle.
      timer = setTimeout(reload, 300);
      timer.unref();
    });
    watcher.unref();
    return watcher;
  } catch (e) {
    logger.log('warn', 'cannot watch the spec file; reload it with SIGHUP or POST /admin/reload', { file, error: describeError(e) });
    return undefined;
  }
}

function syncMode({ spec, loaded, sync }: ServeOptions): string {
  if (!spec.sync) return 'off (the spec has no sync:)';
  if (!loaded || sync === 'off') return 'off';
  return sync === 'manual' ? 'manual' : `every ${spec.sync.everyMinutes} min`;
}

/** The handle startServe returns; `stop()` runs stopServe once, however often it is called. */
function serveHandle(running: RunningServe): ServeHandle {
  const { server, store, metrics, handle, started, pool, poller, retention } = running;
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    bound: server.bound,
    port: server.port,
    store,
    metrics,
    workerId: running.context.workerId,
    handle,
    idle: async () => {
      await started;
      await pool.idle();
    },
    poll: async () => {
      await started;
      return poller.pollOnce();
    },
    prune: async () => retention?.once(),
    reload: (next) => reloadSpec(running, next),
    sync: async () => running.syncer?.cycle('manual'),
    syncBackstop: async () => running.syncer?.backstop(),
    lastSyncCycle: () => running.syncer?.lastCycle,
    stop: (stopOptions = {}) => {
      stopping ??= stopServe(running, stopOptions.graceMs ?? 10_000);
      return stopping;
    },
  };
}

/** Stops in order: adoption, retention, the HTTP server, the poller, the workers, the owner lease, the clients, the store. */
async function stopServe(running: RunningServe, grace: number): Promise<void> {
  const { context, store, ownsStore, server, poller, pool, halo, ninja, retention, ownerTimer, syncer, syncHalo } = running;
  const { logger, workerId } = context;
  logger.log('info', 'stopping', { graceMs: grace });
  running.stopSignal.abort();
  running.watcher?.close();
  await retention?.stop();
  await server.close(Math.min(grace, 5_000));
  await poller.stop();
  await syncer?.stop();
  // Another replica (or this serve started again) leads sync at once, from the cache this one kept.
  if (syncer) await store.resign(SYNC_LEASE, workerId).catch(() => undefined);
  await pool.stop(grace);
  if (ownerTimer) clearInterval(ownerTimer);
  if (store.description.startsWith('sqlite:')) await store.resign(SQLITE_OWNER, workerId).catch(() => undefined);
  running.cleanups.length = 0;
  await Promise.all([halo.close(), ninja.close(), syncHalo?.close()]).catch(() => undefined);
  if (ownsStore) await store.close();
  logger.log('info', 'stopped', {});
}

/**
 * SQLite serves one process. Take the store's owner lease; a holder that is a process on this
 * host that no longer exists (killed, crashed) is replaced at once and its leased work handed
 * back, so a restart after kill -9 resumes immediately instead of waiting for leases to run out.
 */
async function takeSqliteOwnership(store: InboxStore, workerId: string, now: number): Promise<void> {
  const holder = await store.lease(SQLITE_OWNER);
  if (holder && holder.owner !== workerId) {
    const [host, pidText] = holder.owner.split('/');
    const pid = Number(pidText);
    const dead = holder.until <= now || (host === hostname() && Number.isInteger(pid) && !processAlive(pid));
    if (!dead) {
      throw new ServeStartError(
        `Another haloform serve (process ${pidText} on ${host}) is using ${store.description}. A SQLite inbox serves one process: stop the other one, or use a PostgreSQL store (--store postgres://...) for several replicas.`,
      );
    }
    await store.resign(SQLITE_OWNER, holder.owner);
    await store.resign(POLLER_LEASE, holder.owner);
    await store.resign(RETENTION_LEASE, holder.owner);
    await store.resign(SYNC_LEASE, holder.owner);
    await store.releaseAll(holder.owner);
  }
  if (!(await store.tryLead(SQLITE_OWNER, OWNER_TTL_MS, workerId))) {
    throw new ServeStartError(`Another haloform serve took ${store.description} at the same moment; start only one.`);
  }
}

/**
 * Automatic retention (ServeOptions.retainDays): a pass, then another every interval, each by the
 * one replica that leads retention (a store lease, as for the poller), logged as one JSON line.
 */
interface RetentionOptions {
  store: InboxStore;
  /** Finished deliveries received more than this many days before a pass go. */
  days: number;
  clock: Clock;
  logger: Logger;
  workerId: string;
}

class Retention {
  readonly #o: RetentionOptions;
  readonly #stop = new AbortController();
  #running: Promise<PruneResult | undefined> | undefined;

  constructor(options: RetentionOptions) {
    this.#o = options;
  }

  start(intervalMs: number): void {
    const { clock, logger } = this.#o;
    const signal = this.#stop.signal;
    void (async () => {
      while (!signal.aborted) {
        await this.once().catch((e: unknown) => {
          if (!signal.aborted) logger.log('warn', 'inbox prune failed; trying again in an hour', { error: describeError(e) });
        });
        try {
          await clock.sleep(intervalMs, signal);
        } catch {
          return;
        }
      }
    })();
  }

  /** One pass (concurrent calls share it); undefined when another replica leads retention. */
  once(): Promise<PruneResult | undefined> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<PruneResult | undefined> {
    const { store, days, clock, logger, workerId } = this.#o;
    // Held for two intervals and renewed every pass: the leader keeps it while it lives.
    if (!(await store.tryLead(RETENTION_LEASE, 2 * RETENTION_EVERY_MS, workerId))) return undefined;
    const began = clock.now();
    const olderThan = began - days * DAY_MS;
    const result = await store.prune({ olderThan, signal: this.#stop.signal });
    const { done, ignored, duplicate, rejected } = result.deliveries;
    logger.log('info', 'inbox pruned', {
      retainDays: days,
      olderThan: new Date(olderThan).toISOString(),
      deliveries: done + ignored + duplicate + rejected,
      done,
      ignored,
      duplicate,
      rejected,
      history: result.history,
      series: result.series,
      ms: clock.now() - began,
    });
    return result;
  }

  /** Stops the timer and a pass under way (between its batches), and gives up the lease. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running?.catch(() => undefined);
    await this.#o.store.resign(RETENTION_LEASE, this.#o.workerId).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
