/**
 * What `InboxStore.prune` shares between the SQLite and PostgreSQL stores: which statuses go,
 * the batch size, and the shape of an empty result. The rules themselves are documented on
 * `InboxStore.prune`; each store writes them in its own SQL.
 */

import type { FinishedStatus, PruneOptions, PruneResult } from './inbox-store.js';

/** Rows per delete transaction unless the caller says otherwise. */
export const DEFAULT_PRUNE_BATCH = 500;

/** The statuses a prune removes: every finished one, dead only when asked. */
export function prunableStatuses(options: Pick<PruneOptions, 'keepDead'>): FinishedStatus[] {
  return options.keepDead === false ? ['done', 'ignored', 'duplicate', 'rejected', 'dead'] : ['done', 'ignored', 'duplicate', 'rejected'];
}

export function pruneBatchSize(options: Pick<PruneOptions, 'batchSize'>): number {
  const n = options.batchSize ?? DEFAULT_PRUNE_BATCH;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`prune batchSize must be a whole number of at least 1, got ${n}`);
  return n;
}

export function emptyPruneResult(): PruneResult {
  return { deliveries: { done: 0, ignored: 0, duplicate: 0, rejected: 0, dead: 0 }, history: 0, series: 0 };
}

/** Adds `n` deliveries of `status` to a result (statuses a store returns as text). */
export function countDeliveries(result: PruneResult, status: string, n: number): void {
  if (status in result.deliveries) result.deliveries[status as FinishedStatus] += n;
}

/** Lets the event loop run between batches: a synchronous store (SQLite) must not starve serve's requests. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
