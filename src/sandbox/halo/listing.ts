/**
 * Halo's list answers (reference/halopsa/NOTES.md §3): `{record_count, <key>: [...]}` envelopes or
 * bare arrays; `pageinate=true` + `page_size` + `page_no` (1-based) with pages capped at 100 rows
 * whatever `page_size` says and `record_count` the total; `count=n` without paging, where
 * `record_count` is the number returned; with neither, everything.
 */

import type { Query } from './query.js';

/** Halo caps a page at 100 rows regardless of page_size (NOTES §3, HaloAPI #90). */
export const MAX_PAGE_SIZE = 100;
/** page_size when pageinate=true comes without one — not documented; the simulator's choice. */
export const DEFAULT_PAGE_SIZE = 50;

/** The envelope for `rows` (already filtered, in order), paged or counted per the query. */
export function envelope<T>(rows: readonly T[], query: Query, key: string, render: (row: T) => unknown): Record<string, unknown> {
  if (query.bool('pageinate')) {
    const requested = query.int('page_size') ?? DEFAULT_PAGE_SIZE;
    const pageSize = Math.min(requested > 0 ? requested : DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const pageNo = Math.max(query.int('page_no') ?? 1, 1);
    const page = rows.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    return { page_no: pageNo, page_size: pageSize, record_count: rows.length, [key]: page.map(render) };
  }
  const count = query.int('count');
  const chosen = count !== undefined && count > 0 ? rows.slice(0, count) : rows;
  return { record_count: chosen.length, [key]: chosen.map(render) };
}

/** Case-insensitive substring match, Halo's `search` as far as the simulator models it. */
export function matches(needle: string, ...haystack: (string | undefined)[]): boolean {
  const n = needle.toLowerCase();
  return haystack.some((h) => h !== undefined && h.toLowerCase().includes(n));
}
