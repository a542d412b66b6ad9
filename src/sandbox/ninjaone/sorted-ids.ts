/**
 * Sorted id arrays with binary search: how the store answers `after=<last id>` pages in
 * O(log n + page) and keeps per-organisation indexes without re-sorting.
 */

/** Index of the first id greater than `value` (where a page that starts `after` it begins). */
export function firstAfter(ids: readonly number[], value: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `id` keeping the array ascending; a no-op when it is already there. */
export function insertSorted(ids: number[], id: number): void {
  const at = firstAfter(ids, id);
  if (at > 0 && ids[at - 1] === id) return;
  ids.splice(at, 0, id);
}

/** Removes `id`; returns whether it was there. */
export function removeSorted(ids: number[], id: number): boolean {
  const at = firstAfter(ids, id) - 1;
  if (at < 0 || ids[at] !== id) return false;
  ids.splice(at, 1);
  return true;
}
