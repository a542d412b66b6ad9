/**
 * `pageSize` + `after` paging (reference/ninjaone/NOTES.md §3.1): ascending id, `after` is the
 * last id of the previous page (exclusive), no total and no Link header. A page is found by
 * binary search and a forward scan, so walking n devices costs O(n) in all.
 */

import { firstAfter } from './sorted-ids.js';

export interface PageLimits {
  /** Used when `pageSize` is absent, zero or negative ([unverified] what the real API does). */
  defaultPageSize: number;
  /** Larger requests are cut to this. */
  maxPageSize: number;
}

export interface PageRequest {
  pageSize: number;
  /** Exclusive lower bound on id. */
  after?: number;
}

/** Reads `pageSize` and `after`; returns a message when one is not an integer. */
export function readPageRequest(query: URLSearchParams, limits: PageLimits): PageRequest | { error: string } {
  const size = readInteger(query, 'pageSize');
  if (typeof size === 'object') return size;
  const after = readInteger(query, 'after');
  if (typeof after === 'object') return after;
  const pageSize = size === undefined || size <= 0 ? limits.defaultPageSize : Math.min(size, limits.maxPageSize);
  return after === undefined ? { pageSize } : { pageSize, after };
}

/** The ids of one page: ascending ids after `after`, at most `pageSize`, that `accept` keeps. */
export function pageIds(ids: readonly number[], page: PageRequest, accept?: (id: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = page.after === undefined ? 0 : firstAfter(ids, page.after); i < ids.length && out.length < page.pageSize; i++) {
    const id = ids[i]!;
    if (!accept || accept(id)) out.push(id);
  }
  return out;
}

/** An integer query parameter; undefined when absent or empty. */
export function readInteger(query: URLSearchParams, name: string): number | undefined | { error: string } {
  const raw = query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  if (!/^\s*-?\d+\s*$/.test(raw)) return { error: `${name} must be an integer, got "${raw}"` };
  return Number(raw);
}
