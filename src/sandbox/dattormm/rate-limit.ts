/**
 * Datto's request budget (reference/dattormm/NOTES.md §5): counted per account over a sliding
 * 60 s window — reads 600; writes 600 in all and 100 per operation (`device-udf-set` 600), reads
 * and writes independent. Once 90 % of a quota is used a 1 s delay is added; over it, 429 with
 * `Retry-After`; a client that keeps calling while refused gets 403 and an IP block of 5 minutes.
 * Every number is settable, and `timeScale` divides every duration (window, delay, block) so a
 * benchmark can run the real budget 100× faster, as the Halo simulator's rate limit is scaled.
 */

import type { DattoClock } from './clock.js';

/** The write operations `operationWriteStatus` names [observed: DattoRMM.Core OperationMapping; JUICT confirms two]. */
export const WRITE_OPERATIONS = [
  'site-create',
  'site-update',
  'site-variable-create',
  'site-variable-update',
  'site-variable-delete',
  'site-proxy-create',
  'site-proxy-delete',
  'device-move',
  'device-job-create',
  'device-warranty-create',
  'device-udf-set',
  'alert-resolve',
  'account-variable-create',
  'account-variable-update',
  'account-variable-delete',
  'user-reset-keys',
] as const;

export interface DattoRateLimit {
  /** The sliding window: 60 s. */
  windowSeconds: number;
  /** `accountRateLimit`: reads in the window, 600. */
  readLimit: number;
  /** `accountWriteRateLimit`: writes of every operation together, 600. */
  writeLimit: number;
  /** Per-operation write quotas; operations not named get `defaultOperationLimit`. */
  operationLimits: Record<string, number>;
  /** 100 [doc: APIv2.htm; observed live]. */
  defaultOperationLimit: number;
  /** `accountCutOffRatio`: the share of a quota after which answers are delayed, 0.9. */
  cutOffRatio: number;
  /** The delay past the cut-off, 1000 ms [doc]; 0 counts the delayed answers without waiting. */
  delayMs: number;
  /** 429s answered in a row before the next refused request is a 403 block ([unverified]: "persistent violation"). Default 10. */
  blockAfterRefusals: number;
  /** The IP block, 300 s [doc]. */
  blockSeconds: number;
  /** Divides windowSeconds, delayMs and blockSeconds (not the counts). Default 1. */
  timeScale: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<DattoRateLimit> = {
  windowSeconds: 60,
  readLimit: 600,
  writeLimit: 600,
  operationLimits: { 'device-udf-set': 600 },
  defaultOperationLimit: 100,
  cutOffRatio: 0.9,
  delayMs: 1000,
  blockAfterRefusals: 10,
  blockSeconds: 300,
  timeScale: 1,
};

/** What the limiter decided for one request. */
export type RateDecision =
  | { outcome: 'ok'; /** Milliseconds to hold the answer (past the cut-off). */ delayMs: number }
  | { outcome: 'limited'; retryAfterSeconds: number }
  | { outcome: 'blocked'; retryAfterSeconds: number };

/** The limiter's counters, for the control API. */
export interface RateLimitStatus {
  /** False when the simulator runs without a budget (requests are still counted). */
  enforced: boolean;
  config: DattoRateLimit;
  reads: { count: number; limit: number };
  writes: { count: number; limit: number };
  operations: Record<string, { count: number; limit: number }>;
  /** Answers held for the cut-off delay so far. */
  delayed: number;
  /** 429s answered so far. */
  limited: number;
  /** 403 blocks started so far. */
  blocks: number;
  /** When the current block ends (epoch ms), or null. */
  blockedUntilMs: number | null;
}

/** Accepted request times (ms) in the window, oldest first. */
class SlidingLog {
  readonly #times: number[] = [];

  count(nowMs: number, windowMs: number): number {
    while (this.#times.length > 0 && this.#times[0]! <= nowMs - windowMs) this.#times.shift();
    return this.#times.length;
  }

  push(nowMs: number): void {
    this.#times.push(nowMs);
  }

  /** Milliseconds until the oldest entry leaves the window. */
  waitMs(nowMs: number, windowMs: number): number {
    const oldest = this.#times[0];
    return oldest === undefined ? 0 : oldest + windowMs - nowMs;
  }

  clear(): void {
    this.#times.length = 0;
  }
}

export class DattoRateLimiter {
  #config: DattoRateLimit;
  #enforced: boolean;
  readonly #reads = new SlidingLog();
  readonly #writes = new SlidingLog();
  readonly #operations = new Map<string, SlidingLog>();
  #refusalsInARow = 0;
  #blockedUntilMs = 0;
  #delayed = 0;
  #limited = 0;
  #blocks = 0;

  /** `null` counts without enforcing (request_rate still answers). */
  constructor(
    config: Partial<DattoRateLimit> | null,
    private readonly clock: DattoClock,
  ) {
    this.#config = checkRateLimit({ ...DEFAULT_RATE_LIMIT, ...(config ?? {}) });
    this.#enforced = config !== null;
  }

  /** Changes the budget (null: stop enforcing); counts are kept. Throws TypeError on a bad value. */
  set(config: Partial<DattoRateLimit> | null): void {
    if (config === null) {
      this.#enforced = false;
      return;
    }
    this.#config = checkRateLimit({ ...this.#config, ...config, operationLimits: { ...this.#config.operationLimits, ...(config.operationLimits ?? {}) } });
    this.#enforced = true;
  }

  /** Forgets every count and lifts a block. */
  reset(): void {
    this.#reads.clear();
    this.#writes.clear();
    this.#operations.clear();
    this.#refusalsInARow = 0;
    this.#blockedUntilMs = 0;
  }

  /** The remaining block in whole seconds, or undefined when not blocked. */
  blocked(): number | undefined {
    if (!this.#enforced) return undefined;
    const left = this.#blockedUntilMs - this.clock.nowMs();
    return left > 0 ? Math.max(1, Math.ceil(left / 1000)) : undefined;
  }

  /** Counts one authenticated request: a read, or a write of `operation`. */
  take(operation: 'read' | string): RateDecision {
    const now = this.clock.nowMs();
    const blocked = this.blocked();
    if (blocked !== undefined) return { outcome: 'blocked', retryAfterSeconds: blocked };
    const window = this.#windowMs();
    const logs = operation === 'read' ? [[this.#reads, this.#config.readLimit] as const] : [[this.#writes, this.#config.writeLimit] as const, [this.#operation(operation), this.#operationLimit(operation)] as const];
    const full = logs.filter(([log, limit]) => log.count(now, window) >= limit);
    if (this.#enforced && full.length > 0) {
      this.#refusalsInARow += 1;
      if (this.#refusalsInARow > this.#config.blockAfterRefusals) {
        this.#blocks += 1;
        this.#blockedUntilMs = now + (this.#config.blockSeconds * 1000) / this.#config.timeScale;
        this.#refusalsInARow = 0;
        return { outcome: 'blocked', retryAfterSeconds: this.blocked() ?? 1 };
      }
      this.#limited += 1;
      const waitMs = Math.max(...full.map(([log]) => log.waitMs(now, window)));
      return { outcome: 'limited', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    this.#refusalsInARow = 0;
    for (const [log] of logs) log.push(now);
    const pastCutOff = logs.some(([log, limit]) => log.count(now, window) >= limit * this.#config.cutOffRatio);
    if (!this.#enforced || !pastCutOff) return { outcome: 'ok', delayMs: 0 };
    this.#delayed += 1;
    return { outcome: 'ok', delayMs: this.#config.delayMs / this.#config.timeScale };
  }

  /** `GET /v2/system/request_rate` (NOTES §5; spec201 adds the write fields). */
  requestRate(accountUid: string): Record<string, unknown> {
    const now = this.clock.nowMs();
    const window = this.#windowMs();
    return {
      slidingTimeWindowSizeSeconds: this.#config.windowSeconds / this.#config.timeScale,
      accountUid,
      accountCount: this.#reads.count(now, window),
      accountRateLimit: this.#config.readLimit,
      accountCutOffRatio: this.#config.cutOffRatio,
      accountWriteRateLimit: this.#config.writeLimit,
      accountWriteCount: this.#writes.count(now, window),
      operationWriteStatus: Object.fromEntries(this.#operationNames().map((op) => [op, { limit: this.#operationLimit(op), count: this.#operation(op).count(now, window) }])),
    };
  }

  status(): RateLimitStatus {
    const now = this.clock.nowMs();
    const window = this.#windowMs();
    return {
      enforced: this.#enforced,
      config: { ...this.#config, operationLimits: { ...this.#config.operationLimits } },
      reads: { count: this.#reads.count(now, window), limit: this.#config.readLimit },
      writes: { count: this.#writes.count(now, window), limit: this.#config.writeLimit },
      operations: Object.fromEntries(this.#operationNames().map((op) => [op, { count: this.#operation(op).count(now, window), limit: this.#operationLimit(op) }])),
      delayed: this.#delayed,
      limited: this.#limited,
      blocks: this.#blocks,
      blockedUntilMs: this.#blockedUntilMs > now ? this.#blockedUntilMs : null,
    };
  }

  #windowMs(): number {
    return (this.#config.windowSeconds * 1000) / this.#config.timeScale;
  }

  #operation(name: string): SlidingLog {
    let log = this.#operations.get(name);
    if (!log) this.#operations.set(name, (log = new SlidingLog()));
    return log;
  }

  #operationLimit(name: string): number {
    return this.#config.operationLimits[name] ?? this.#config.defaultOperationLimit;
  }

  /** The known operations, then any other a limit or a request named. */
  #operationNames(): string[] {
    return [...new Set<string>([...WRITE_OPERATIONS, ...Object.keys(this.#config.operationLimits), ...this.#operations.keys()])];
  }
}

/** Checks every number of a budget; throws TypeError naming the first bad one. */
export function checkRateLimit(config: DattoRateLimit): DattoRateLimit {
  const known = new Set(Object.keys(DEFAULT_RATE_LIMIT));
  const unknown = Object.keys(config).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new TypeError(`${unknown[0]}: unknown rate limit option; known: ${[...known].join(', ')}`);
  const positive = (name: string, value: unknown, integer: boolean, allowZero = false) => {
    const ok = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
    if (!ok) throw new TypeError(`${name}: must be ${integer ? 'an integer' : 'a number'} ${allowZero ? '≥ 0' : '> 0'}, got ${JSON.stringify(value)}`);
  };
  positive('windowSeconds', config.windowSeconds, false);
  positive('readLimit', config.readLimit, true);
  positive('writeLimit', config.writeLimit, true);
  positive('defaultOperationLimit', config.defaultOperationLimit, true);
  positive('delayMs', config.delayMs, false, true);
  positive('blockAfterRefusals', config.blockAfterRefusals, true, true);
  positive('blockSeconds', config.blockSeconds, false);
  positive('timeScale', config.timeScale, false);
  if (typeof config.cutOffRatio !== 'number' || !(config.cutOffRatio > 0 && config.cutOffRatio <= 1)) throw new TypeError(`cutOffRatio: must be a number above 0 and at most 1, got ${JSON.stringify(config.cutOffRatio)}`);
  if (typeof config.operationLimits !== 'object' || config.operationLimits === null || Array.isArray(config.operationLimits)) throw new TypeError('operationLimits: must be an object like {"device-udf-set": 600}');
  for (const [op, limit] of Object.entries(config.operationLimits)) positive(`operationLimits.${op}`, limit, true);
  return config;
}
