/**
 * How long to wait before the next attempt: exponential back-off with jitter, at least what the
 * server asked for (Retry-After, seconds or HTTP date) and, after a 429, at least a configured
 * minimum — Halo counts a rolling 5-minute window, so a 5 s retry loop only burns more of it
 * (reference/halopsa/NOTES.md §5: "retrying after 5 s is not enough; back off ≥30–60 s").
 */

/** Back-off settings; every field has a default in `DEFAULT_BACKOFF`. */
export interface BackoffOptions {
  /** The wait before the second attempt, before jitter. */
  baseDelayMs: number;
  /** No computed wait is longer than this (Retry-After and the 429 minimum may be). */
  maxDelayMs: number;
  /** The least wait after a 429, whatever Retry-After says. */
  minRateLimitWaitMs: number;
  /** A Retry-After longer than this is not honoured: the request fails instead of sleeping for it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  minRateLimitWaitMs: 0,
  maxRetryAfterMs: 10 * 60_000,
};

/**
 * Milliseconds from `now` that a Retry-After header asks for; undefined when absent or unreadable.
 * RFC 9110 §10.2.3: a delay in seconds or an HTTP date.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1`, given that attempt `attempt` (1-based) failed.
 * Equal jitter: half the exponential step fixed, half random, so concurrent callers spread out
 * but none retries immediately.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number, server: { rateLimited: boolean; retryAfterMs?: number }): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  let delay = Math.round(step / 2 + random() * (step / 2));
  if (server.retryAfterMs !== undefined) delay = Math.max(delay, server.retryAfterMs);
  if (server.rateLimited) delay = Math.max(delay, options.minRateLimitWaitMs);
  return delay;
}
