/**
 * Paces requests so that no rolling window of `perSeconds` ever sees more than `requests` of
 * them from this process — Halo-hosted allows 300 per rolling 5 minutes and answers 429 past
 * that (reference/halopsa/NOTES.md §5). Callers wait in FIFO order; nothing fails for pacing.
 *
 * Why not a token bucket: a bucket of N tokens refilled at N/W per second lets N requests through
 * at once and then one more every W/N, so a window of length W can see up to ~2N. Even a log of
 * *send* times is not enough, because the server counts *arrivals* and the network delays each
 * request differently. The rule here: a request holds one of N slots from the moment it is sent
 * until W after its response has ended (or it failed). Request k+N can then only be sent W after
 * request k finished, and since every request arrives between its send and its end,
 * arrival(k+N) ≥ send(k+N) ≥ end(k) + W ≥ arrival(k) + W: at most N arrivals in any window of W,
 * whatever the latency. The price is the latency of N requests per window, which is small.
 */

import { systemClock, type Clock } from './clock.js';

/** A budget: at most `requests` in any rolling `perSeconds` window. */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

/** The right to send one HTTP request. Release it when the response has ended or the attempt failed. */
export interface Permit {
  /** How long the caller waited for it. */
  readonly waitedMs: number;
  /** Idempotent. The slot stays taken for one window from now. */
  release(): void;
}

/** A snapshot for progress bars and `--stats`. */
export interface RateLimiterStatus {
  limit: RateLimit;
  /** Requests sent and not yet finished. */
  inFlight: number;
  /** Finished requests still inside the window (their slots free up later). */
  held: number;
  /** Callers waiting for a slot. */
  queued: number;
  /** When the next slot frees up, from now; 0 when one is free, undefined when all wait on requests in flight. */
  nextFreeInMs: number | undefined;
  /** Grants that had to wait, and for how long in total (summed over callers, so it can exceed the run) / at most. */
  waits: number;
  totalWaitMs: number;
  maxWaitMs: number;
  /** Wall-clock time during which at least one caller was waiting: how long the budget held the run back. */
  blockedMs: number;
}

/**
 * serve's lanes in Halo's request queue, first served first: alert tickets, then sync's per-device
 * work (the re-read before a write, the write, the read-back), then whole reads of Halo (sync's
 * first read and its resyncs) — so a 50,000-asset read never holds a ticket or a new device back
 * by more than the request it waits behind.
 */
export const LANES = { alerts: 0, sync: 1, resync: 2 } as const;

interface Waiter {
  since: number;
  /** Lower goes first (serve's LANES); equal ones in arrival order. */
  priority: number;
  resolve(permit: Permit): void;
  reject(reason: unknown): void;
  cleanup(): void;
}

export class RateLimiter {
  readonly limit: RateLimit;
  readonly #windowMs: number;
  readonly #clock: Clock;
  #inFlight = 0;
  /** When each finished request's slot frees up, ascending. */
  #holds: number[] = [];
  #pausedUntil = 0;
  #queue: Waiter[] = [];
  #timer: { at: number; abort: AbortController } | undefined;
  #waits = 0;
  #totalWaitMs = 0;
  #maxWaitMs = 0;
  #blockedMs = 0;
  /** Since when the queue has been non-empty; undefined while it is empty. */
  #blockedSince: number | undefined;

  constructor(limit: RateLimit, clock: Clock = systemClock) {
    if (!Number.isInteger(limit.requests) || limit.requests < 1) throw new RangeError(`rate limit requests must be a positive integer, got ${limit.requests}`);
    if (!(limit.perSeconds > 0)) throw new RangeError(`rate limit perSeconds must be positive, got ${limit.perSeconds}`);
    this.limit = { ...limit };
    this.#windowMs = limit.perSeconds * 1000;
    this.#clock = clock;
  }

  /**
   * Waits for a slot: by priority (lower first — an alert ticket ahead of a sync import's backlog),
   * then in arrival order. Rejects only when `signal` is aborted.
   */
  acquire(signal?: AbortSignal, priority = 0): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const onAbort = () => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason);
        this.#pump();
      };
      const waiter: Waiter = {
        since: this.#clock.now(),
        priority,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // After every waiter of this priority or a higher one: the queue stays in grant order.
      let at = this.#queue.length;
      while (at > 0 && this.#queue[at - 1]!.priority > priority) at -= 1;
      this.#queue.splice(at, 0, waiter);
      this.#pump();
    });
  }

  /**
   * Nobody is sent before `time` (wall-clock ms). Called after the server answered 429 anyway —
   * something else shares the budget — so the whole process backs off, not just one caller.
   */
  pauseUntil(time: number): void {
    if (time <= this.#pausedUntil) return;
    this.#pausedUntil = time;
    this.#pump();
  }

  status(): RateLimiterStatus {
    const now = this.#clock.now();
    this.#prune(now);
    const used = this.#inFlight + this.#holds.length;
    let nextFreeInMs: number | undefined = 0;
    if (used >= this.limit.requests) nextFreeInMs = this.#holds.length > 0 ? this.#holds[0]! - now : undefined;
    if (this.#pausedUntil > now) nextFreeInMs = Math.max(nextFreeInMs ?? 0, this.#pausedUntil - now);
    return {
      limit: { ...this.limit },
      inFlight: this.#inFlight,
      held: this.#holds.length,
      queued: this.#queue.length,
      nextFreeInMs,
      waits: this.#waits,
      totalWaitMs: this.#totalWaitMs,
      maxWaitMs: this.#maxWaitMs,
      blockedMs: this.#blockedMs + (this.#blockedSince !== undefined ? now - this.#blockedSince : 0),
    };
  }

  #prune(now: number): void {
    let drop = 0;
    while (drop < this.#holds.length && this.#holds[drop]! <= now) drop += 1;
    if (drop > 0) this.#holds.splice(0, drop);
  }

  #pump(): void {
    const now = this.#clock.now();
    this.#prune(now);
    while (this.#queue.length > 0 && now >= this.#pausedUntil && this.#inFlight + this.#holds.length < this.limit.requests) {
      this.#grant(this.#queue.shift()!, now);
    }
    if (this.#queue.length > 0) this.#blockedSince ??= now;
    else if (this.#blockedSince !== undefined) {
      this.#blockedMs += now - this.#blockedSince;
      this.#blockedSince = undefined;
    }
    this.#schedule(now);
  }

  /** Arms one timer for the moment the head of the queue can go; none when only a release can help. */
  #schedule(now: number): void {
    let wakeAt: number | undefined;
    if (this.#queue.length > 0) {
      const full = this.#inFlight + this.#holds.length >= this.limit.requests;
      if (full && this.#holds.length > 0) wakeAt = this.#holds[0]!;
      if (this.#pausedUntil > now) wakeAt = Math.max(wakeAt ?? 0, this.#pausedUntil);
    }
    if (this.#timer && this.#timer.at === wakeAt) return;
    this.#timer?.abort.abort();
    this.#timer = undefined;
    if (wakeAt === undefined) return;
    const timer = { at: wakeAt, abort: new AbortController() };
    this.#timer = timer;
    this.#clock.sleep(Math.max(0, wakeAt - now), timer.abort.signal).then(
      () => {
        if (this.#timer === timer) this.#timer = undefined;
        this.#pump();
      },
      () => undefined, // cancelled: a newer timer or an empty queue replaced it
    );
  }

  #grant(waiter: Waiter, now: number): void {
    waiter.cleanup();
    this.#inFlight += 1;
    const waitedMs = Math.max(0, now - waiter.since);
    if (waitedMs > 0) {
      this.#waits += 1;
      this.#totalWaitMs += waitedMs;
      this.#maxWaitMs = Math.max(this.#maxWaitMs, waitedMs);
    }
    let released = false;
    waiter.resolve({
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight -= 1;
        this.#hold(this.#clock.now() + this.#windowMs);
        this.#pump();
      },
    });
  }

  #hold(until: number): void {
    let i = this.#holds.length;
    while (i > 0 && this.#holds[i - 1]! > until) i -= 1;
    this.#holds.splice(i, 0, until);
  }
}

/**
 * One limiter per key (the Halo origin), so every client, the token provider and every mode in
 * the process draw on the same budget.
 */
export class RateLimiterRegistry {
  readonly #limiters = new Map<string, RateLimiter>();

  /** The limiter for `key`, created on first use. Asking again with another limit is a bug and throws. */
  get(key: string, limit: RateLimit, clock?: Clock): RateLimiter {
    const existing = this.#limiters.get(key);
    if (existing) {
      if (existing.limit.requests !== limit.requests || existing.limit.perSeconds !== limit.perSeconds) {
        throw new Error(
          `rate limiter for ${key} already exists with ${existing.limit.requests} per ${existing.limit.perSeconds} s; asked for ${limit.requests} per ${limit.perSeconds} s`,
        );
      }
      return existing;
    }
    const limiter = new RateLimiter(limit, clock);
    this.#limiters.set(key, limiter);
    return limiter;
  }
}

/** The process-wide registry the clients use unless given another. */
export const sharedRateLimiters = new RateLimiterRegistry();
