/**
 * Which failures are retried. Transient ones are: 429, 500, 502, 503, 504, connection resets and
 * refusals, and timeouts. Idempotent requests (GET, PUT, DELETE, or a caller's say-so) retry on
 * all of them. A POST retries only when the server certainly did not apply it:
 *   - the request never reached the server (connection refused, connect timeout, DNS);
 *   - 429: the rate limiter in front of the API rejected it before any handler ran;
 *   - 503: the service (or the proxy in front of it) was not taking requests.
 * A POST that timed out, lost its connection or got a 500/502/504 may have been applied — Halo's
 * POST creates objects — and sending it again could create a duplicate. Those fail with
 * `maybeApplied: true`; the callers make writes idempotent by re-reading (DESIGN.md §3: the
 * NinjaOne id is written in the same POST, so a re-read finds what a lost answer created).
 */

import type { WireFailure } from './transport.js';

/** Statuses worth another attempt. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Statuses that prove the request was not applied, so even a POST may be sent again. */
const NOT_APPLIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Methods that are idempotent by HTTP's definition (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export interface RetryVerdict {
  /** The failure can pass by itself. */
  transient: boolean;
  /** Transient, and safe to send again for this request. */
  retry: boolean;
  /** A non-idempotent request that may have been applied despite the failure. */
  maybeApplied: boolean;
}

export function judgeStatus(status: number, idempotent: boolean): RetryVerdict {
  const transient = RETRYABLE_STATUSES.has(status);
  const provenNotApplied = NOT_APPLIED_STATUSES.has(status);
  return {
    transient,
    retry: transient && (idempotent || provenNotApplied),
    maybeApplied: !idempotent && status >= 500 && !provenNotApplied,
  };
}

export function judgeWireFailure(failure: WireFailure, idempotent: boolean): RetryVerdict {
  const transient = failure.transient;
  return {
    transient,
    retry: transient && failure.kind !== 'aborted' && (idempotent || !failure.reachedServer),
    maybeApplied: !idempotent && failure.reachedServer,
  };
}
