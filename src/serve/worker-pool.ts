/**
 * The workers: claim due work from the inbox store (one series per worker at a time, in order),
 * process it, and finish it — done, retried with back-off, or dead-lettered once the retry
 * budget is spent or the failure cannot pass by itself. Leases are renewed while an item runs;
 * on shutdown in-flight items get a grace period, then are cancelled and handed back.
 * Different series run in parallel up to `concurrency`; Halo's request budget is shared through
 * the HTTP layer's rate limiter, and a 429 holds every worker back (≥ 30 s by default).
 * When the store itself cannot be reached (a PostgreSQL restart), the loop backs off, and an
 * outcome that could not be written is kept and written once the store answers again, so the
 * item does not sit leased until its lease runs out.
 */

import { backoffDelay, type Clock, type Logger } from '../http/index.js';
import type { InboxStore, WorkItem } from '../store/inbox-store.js';
import { classifyFailure, describeError } from './errors.js';
import type { ServeMetrics } from './metrics.js';
import type { ProcessResult } from './processor.js';

/** When a failed item is tried again. */
export interface RetryPolicy {
  /** The wait after the first failure; doubles each time (with jitter). */
  baseMs: number;
  /** The longest wait between attempts. */
  maxMs: number;
  /** The least wait after Halo answered 429 (its window is a rolling 5 minutes: NOTES §5). */
  rateLimitMinMs: number;
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts: number;
}

/** 20 attempts over about two hours: Halo maintenance windows pass, nothing is given up early. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 10 * 60_000, rateLimitMinMs: 30_000, maxAttempts: 20 };

export interface WorkerPoolOptions {
  store: InboxStore;
  process(item: WorkItem, signal: AbortSignal): Promise<ProcessResult>;
  workerId: string;
  /** Series processed at once. Default 4 (Halo's connections per origin). */
  concurrency?: number;
  /** How long a claimed item is held; renewed every third of it while running. Default 60 s. */
  leaseMs?: number;
  /** How often to look for work nobody announced (another process's replay, a lease that ran out). Default 1 s. */
  pollIntervalMs?: number;
  retry?: Partial<RetryPolicy>;
  clock: Clock;
  logger: Logger;
  metrics: ServeMetrics;
  random?: () => number;
}

export class WorkerPool {
  readonly #o: WorkerPoolOptions;
  readonly #retry: RetryPolicy;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #abort = new AbortController();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #wakePending = false;
  #settled: (() => void)[] = [];
  #pausedUntil = 0;
  /** Claims in a row that failed because the store could not be reached. */
  #storeFailures = 0;
  /** Outcomes decided but not yet written (the store was unreachable), by delivery id. */
  readonly #unwritten = new Map<number, () => Promise<void>>();

  constructor(options: WorkerPoolOptions) {
    this.#o = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#pollMs = options.pollIntervalMs ?? 1_000;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  start(): void {
    this.#loop ??= this.#run().catch((e: unknown) => {
      this.#o.logger.log('error', 'worker loop stopped', { error: describeError(e) });
    });
  }

  /** New work may be due: look now instead of at the next poll. */
  wake(): void {
    if (this.#wake) this.#wake();
    else this.#wakePending = true;
  }

  /** Resolves once no work item is pending in the store and none is running here. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#inFlight.size === 0 && (await this.#o.store.counts()).pending === 0) return;
      if (this.#stopping && this.#inFlight.size === 0) throw new Error('the workers stopped with work still pending');
      await new Promise<void>((resolve) => this.#settled.push(resolve));
    }
  }

  /**
   * Stops claiming, gives running items `graceMs` to finish, then cancels them (their writes
   * either landed or not; the series state says which) and hands their work back to the store.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.wake();
    await this.#loop;
    if (this.#inFlight.size > 0) {
      const all = Promise.allSettled([...this.#inFlight.values()]);
      const timer = new AbortController();
      await Promise.race([all, this.#o.clock.sleep(graceMs, timer.signal).catch(() => undefined)]);
      timer.abort();
      if (this.#inFlight.size > 0) {
        this.#o.logger.log('warn', 'cancelling work still running at shutdown', { running: this.#inFlight.size });
        this.#abort.abort(new Error('haloform serve is stopping'));
        await all;
      }
    }
    await this.#writeUnwritten();
    const released = await this.#o.store.releaseAll(this.#o.workerId).catch(() => 0);
    if (released > 0) this.#o.logger.log('info', 'handed work back', { released });
    this.#notifySettled();
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const now = this.#o.clock.now();
      if (this.#pausedUntil > now) {
        await this.#wait(this.#pausedUntil - now);
        continue;
      }
      if (this.#unwritten.size > 0) await this.#writeUnwritten();
      const capacity = this.#concurrency - this.#inFlight.size;
      if (capacity <= 0) {
        // Every worker busy: nothing to ask the store until one finishes (it wakes the loop).
        await this.#wait(this.#pollMs);
        continue;
      }
      let claimed: WorkItem[];
      try {
        claimed = await this.#o.store.claim(capacity, this.#leaseMs, this.#o.workerId);
      } catch (e) {
        if (this.#stopping) break;
        // The store is down or unreachable: ask again less and less often (up to 5 s), log now
        // and then, and pick up at once when it answers.
        this.#storeFailures += 1;
        if (this.#storeFailures === 1 || this.#storeFailures % 20 === 0) {
          this.#o.logger.log('error', 'could not claim work from the inbox', { error: describeError(e), failures: this.#storeFailures });
        }
        await this.#wait(Math.min(this.#pollMs * 2 ** (this.#storeFailures - 1), Math.max(this.#pollMs, Math.min(5_000, 20 * this.#pollMs))));
        continue;
      }
      if (this.#storeFailures > 0) {
        this.#o.logger.log('info', 'the inbox answers again', { failures: this.#storeFailures });
        this.#storeFailures = 0;
      }
      for (const item of claimed) this.#start(item);
      if (claimed.length === capacity) continue;
      // Nothing more is due now: sleep until the next retry or lease end, a wake, or the poll interval.
      let wait = this.#pollMs;
      try {
        const due = await this.#o.store.nextDueAt();
        if (due !== undefined) wait = Math.min(wait, Math.max(0, due - this.#o.clock.now()));
      } catch {
        // A closed or busy store: wait the poll interval.
      }
      // At least a few milliseconds, so a burst of wake-ups cannot spin the loop.
      await this.#wait(Math.max(wait, 2));
    }
  }

  #start(item: WorkItem): void {
    const task = this.#work(item).finally(() => {
      this.#inFlight.delete(item.deliveryId);
      this.#notifySettled();
      this.wake();
    });
    this.#inFlight.set(item.deliveryId, task);
  }

  async #work(item: WorkItem): Promise<void> {
    const { store, workerId, logger, metrics } = this.#o;
    const base = { deliveryId: item.deliveryId, seriesKey: item.seriesKey, activityId: item.activityId, attempt: item.attempts };
    const heartbeat = setInterval(() => {
      store.extend(item.deliveryId, workerId, this.#leaseMs).catch(() => undefined);
    }, Math.max(10, Math.floor(this.#leaseMs / 3)));
    heartbeat.unref();
    let result: ProcessResult;
    try {
      result = await this.#o.process(item, this.#abort.signal);
    } catch (error) {
      await this.#failed(item, error, base);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    const { outcome, ...completion } = result;
    const processed = () => {
      metrics.processed.inc({ outcome });
      if (outcome === 'ignored') metrics.ignored.inc();
      logger.log('info', 'delivery processed', { ...base, outcome, ticketId: result.ticketId, note: result.note });
    };
    await this.#write(item, 'processed', () => store.complete(item.deliveryId, workerId, completion), processed, () =>
      logger.log('warn', 'lost the lease before finishing; another worker has the delivery', base),
    );
  }

  /** What a processing failure does to the item: handed back, dead-lettered, or retried later. */
  async #failed(item: WorkItem, error: unknown, base: Record<string, unknown>): Promise<void> {
    const { store, workerId, logger, metrics } = this.#o;
    if (this.#abort.signal.aborted) {
      await store.release(item.deliveryId, workerId).catch(() => false);
      logger.log('info', 'handed back at shutdown', base);
      return;
    }
    const kind = classifyFailure(error);
    const message = describeError(error);
    if (kind === 'permanent' || item.attempts >= this.#retry.maxAttempts) {
      const reason = kind === 'permanent' ? message : `gave up after ${item.attempts} attempts: ${message}`;
      await this.#write(item, 'dead-lettered', () => store.deadLetter(item.deliveryId, workerId, reason), () => {
        metrics.deadLettered.inc();
        logger.log('error', 'delivery dead-lettered', { ...base, reason });
      });
      return;
    }
    const rateLimited = kind === 'rate-limited';
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    const delay = backoffDelay(
      item.attempts,
      { baseDelayMs: this.#retry.baseMs, maxDelayMs: this.#retry.maxMs, minRateLimitWaitMs: this.#retry.rateLimitMinMs, maxRetryAfterMs: Number.POSITIVE_INFINITY },
      this.#o.random ?? Math.random,
      { rateLimited, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    );
    const retryAt = this.#o.clock.now() + delay;
    // Halo's budget is shared: after a 429 nobody here sends anything until the wait is over.
    if (rateLimited) this.#pausedUntil = Math.max(this.#pausedUntil, retryAt);
    await this.#write(item, 'retry', () => store.fail(item.deliveryId, workerId, { retryAt, error: message }), () => {
      metrics.retries.inc();
      logger.log('warn', 'delivery will be retried', { ...base, delayMs: delay, error: message });
    });
  }

  /**
   * Writes an item's outcome. A store that cannot be reached keeps the write for later (each turn
   * of the loop tries again) instead of leaving the item leased until the lease runs out; a
   * store that answers "not yours" (the lease was lost) ends it.
   */
  async #write(item: WorkItem, what: string, write: () => Promise<boolean>, done: () => void, lost?: () => void): Promise<void> {
    const attempt = async () => {
      if (await write()) done();
      else lost?.();
    };
    try {
      await attempt();
    } catch (e) {
      this.#o.logger.log('warn', 'could not write the outcome to the inbox; will try again', { deliveryId: item.deliveryId, outcome: what, error: describeError(e) });
      this.#unwritten.set(item.deliveryId, attempt);
    }
  }

  /** Writes the outcomes kept while the store was unreachable; stops at the first that still fails. */
  async #writeUnwritten(): Promise<void> {
    for (const [id, attempt] of [...this.#unwritten]) {
      try {
        await attempt();
      } catch {
        return;
      }
      this.#unwritten.delete(id);
      this.#notifySettled();
    }
  }

  #wait(ms: number): Promise<void> {
    if (this.#wakePending) {
      this.#wakePending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = new AbortController();
      const done = () => {
        this.#wake = undefined;
        timer.abort();
        resolve();
      };
      this.#wake = done;
      this.#o.clock.sleep(ms, timer.signal).then(done, () => undefined);
    });
  }

  #notifySettled(): void {
    const waiters = this.#settled;
    this.#settled = [];
    for (const w of waiters) w();
  }
}
