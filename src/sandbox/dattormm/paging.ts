/**
 * Datto's list paging (reference/dattormm/NOTES.md §4): `page` 0-based, `max` silently capped at
 * 250 (also the default), the envelope `{pageDetails: {count, totalCount?, prevPageUrl,
 * nextPageUrl}, <key>: [...]}` with ABSOLUTE page URLs or null, and an empty array for a page
 * past the end. The real `nextPageUrl` drops filter parameters (DattoRMM.Core re-appends them;
 * aaronengels PR #47) — on by default, switchable so a client's re-adding can be tested both ways.
 */

import type { SimRequest } from '../sim-server.js';
import type { DattoErrors } from './errors.js';

/** The lists, as the settings name them. */
export type ListKind = 'sites' | 'devices' | 'open-alerts' | 'resolved-alerts';

export interface PageSettings {
  /** Largest `max`, and the default: 250 (`GET /v2/system/pagination`). */
  maxPageSize: number;
  /** The same for alert lists, which the spec says may differ (size [unverified], NOTES §4). Default maxPageSize. */
  alertMaxPageSize: number;
  /** `nextPageUrl`/`prevPageUrl` keep only `max` and `page` (NOTES §4: observed). */
  dropFiltersFromNextPageUrl: boolean;
  /** Lists whose pageDetails has no totalCount: open alerts (observed); the rest [unverified]. */
  omitTotalCount: readonly ListKind[];
}

export interface PageRequest {
  page: number;
  max: number;
}

/** Reads `page` and `max`: a missing, zero or negative `max` is the cap ([unverified]), a larger one is cut to it; a negative page is 0. */
export function readPage(req: SimRequest, errors: DattoErrors, cap: number): PageRequest {
  const page = integerParam(req, errors, 'page');
  const max = integerParam(req, errors, 'max');
  return { page: page === undefined || page < 0 ? 0 : page, max: max === undefined || max <= 0 ? cap : Math.min(max, cap) };
}

/**
 * The page `request` asks for of `items`, in the envelope; `baseUrl` is the API's origin (the
 * page URLs are absolute, same host as the request — NOTES §4).
 */
export function pageEnvelope(
  key: string,
  kind: ListKind,
  items: readonly unknown[],
  request: PageRequest,
  req: SimRequest,
  baseUrl: string,
  settings: PageSettings,
): Record<string, unknown> {
  const start = request.page * request.max;
  const rows = items.slice(start, start + request.max);
  const url = (page: number) => pageUrl(baseUrl, req, page, request.max, settings.dropFiltersFromNextPageUrl);
  const pageDetails: Record<string, unknown> = { count: rows.length };
  if (!settings.omitTotalCount.includes(kind)) pageDetails.totalCount = items.length;
  pageDetails.prevPageUrl = request.page > 0 ? url(request.page - 1) : null;
  pageDetails.nextPageUrl = start + request.max < items.length ? url(request.page + 1) : null;
  return { pageDetails, [key]: rows };
}

/** `…/api/v2/account/sites?max=2&page=1` — then the request's other parameters unless they are dropped. */
function pageUrl(baseUrl: string, req: SimRequest, page: number, max: number, dropFilters: boolean): string {
  const query = new URLSearchParams({ max: String(max), page: String(page) });
  if (!dropFilters) {
    for (const [name, value] of req.query) if (name !== 'max' && name !== 'page') query.append(name, value);
  }
  return `${baseUrl}${encodeURI(req.path)}?${query.toString()}`;
}

function integerParam(req: SimRequest, errors: DattoErrors, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  // Spring cannot bind "abc" to an int: 400 (the message is [unverified]).
  if (!/^\s*-?\d+\s*$/.test(raw)) throw errors.invalid(req.path, `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'; For input string: "${raw}"`);
  return Number(raw);
}
