/**
 * Halo's list answers (reference/halopsa/NOTES.md §3): `{record_count, <key>: [...]}` envelopes or
 * bare arrays; `pageinate=true` + `page_size` + `page_no` (1-based) with pages capped at 100 rows
 * whatever `page_size` says and `record_count` the total; `count=n` without paging, where
 * `record_count` is the number returned; with neither, everything. And the filters lists share:
 * by id, by index, by `search`.
 */

import type { Query } from './query.js';
import type { IndexKey, Table } from './table.js';

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

/** A row's value for an id filter: one id, several (any may match), or none. */
export type FilterIds = number | readonly number[] | undefined;

/** The id filters of a list, by query parameter, in the order Halo reads them. */
export type IdFilters<T, P extends string> = Readonly<Record<P, (row: T) => FilterIds>>;

/**
 * Reads the id filters `filters` names from the query, in order, so the first bad value is the
 * 400; `ids` holds those the query sets, and `accepts` is true for a row that matches all of them.
 */
export function readIdFilters<T, P extends string>(query: Query, filters: IdFilters<T, P>): { ids: Partial<Record<P, number>>; accepts: (row: T) => boolean } {
  const ids: Partial<Record<P, number>> = {};
  const tests: ((row: T) => boolean)[] = [];
  for (const param of Object.keys(filters) as P[]) {
    const id = query.int(param);
    if (id === undefined) continue;
    ids[param] = id;
    tests.push((row) => {
      const have = filters[param](row);
      return typeof have === 'object' ? have.includes(id) : have === id;
    });
  }
  return { ids, accepts: (row) => tests.every((test) => test(row)) };
}

/** The rows a list filters: those under the first index the query gives a key for, else every row; by id either way. */
export function candidates<T extends { id: number }>(table: Table<T>, keys: readonly (readonly [index: string, key: IndexKey | undefined])[]): T[] {
  for (const [index, key] of keys) if (key !== undefined) return table.find(index, key);
  return table.all();
}
