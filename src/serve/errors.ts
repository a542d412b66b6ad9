/**
 * How serve's workers judge a failure: retried with back-off (the default: Halo slow, down or
 * rate-limited, a connection lost) or dead-lettered at once because waiting cannot fix it (a
 * missing ticket type, a catch-all client apply has not created, a request Halo refuses).
 */

import { ApiError } from '../http/index.js';

/** A failure no retry can fix; the message says what a person should do. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

export type FailureKind = 'permanent' | 'retry' | 'rate-limited';

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PermanentError) return 'permanent';
  if (error instanceof ApiError) {
    if (error.code === 'rate_limited') return 'rate-limited';
    if (error.retryable || error.maybeApplied) return 'retry';
    // A token refused, a 401/403 (permissions), a 400 (Halo refuses the data): retrying the
    // same request cannot help; a person fixes the cause and replays.
    if (error.code === 'aborted') return 'retry';
    return 'permanent';
  }
  // A bug (haloform's or a dependency's) will not pass by waiting: dead-letter it at once, so it
  // shows in `inbox list --status dead` and can be replayed after an upgrade.
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError || error instanceof SyntaxError) return 'permanent';
  // Anything else (the store busy, a file system hiccup): try again; the retry budget bounds it.
  return 'retry';
}

/** A one-line description for logs and the inbox. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
