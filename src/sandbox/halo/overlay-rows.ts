/**
 * Row overlays on the Halo simulator's answers (src/sandbox/overlays.ts): the lists a test can
 * name, and the step that applies them to a rendered row. RowOverlays copies a row with
 * structuredClone, which would turn the JsonDouble of a decimal id (`21.0`) into a plain object,
 * so doubles are wrapped in a marker for the copy and restored after it.
 */

import type { RowOverlays } from '../overlays.js';
import { JsonDouble } from './json-text.js';

/** The lists overlays can name (matched case-insensitively), and what each covers. Only top-level rows of reads: lists and by-id GETs. */
export const HALO_OVERLAY_LISTS: Readonly<Record<string, string>> = {
  TopLevel: '/api/TopLevel',
  Client: '/api/Client',
  Site: '/api/Site',
  Users: '/api/Users',
  AssetGroup: '/api/AssetGroup',
  Field: '/api/Field',
  FieldInfo: '/api/FieldInfo',
  AssetType: '/api/AssetType',
  Asset: '/api/Asset',
  TicketType: '/api/TicketType',
  Status: '/api/Status',
  Outcome: '/api/Outcome',
  Priority: '/api/Priority',
  SLA: '/api/SLA',
  Team: '/api/Team',
  Agent: '/api/Agent',
  Category: '/api/Category',
  Tickets: '/api/Tickets',
  Actions: '/api/Actions',
  /** The settings object (no id: overlay it with id "*"). */
  Control: '/api/Control',
};

export type HaloOverlayList = keyof typeof HALO_OVERLAY_LISTS;

/** A key no rendered row has: `{[DOUBLE]: 21}` stands for `new JsonDouble(21)` while the row is copied. */
const DOUBLE = '\u0000haloform:double';

/** `row` with the overlays of `list` applied; the same object when the list has none. */
export function overlaid<T>(overlays: RowOverlays, list: HaloOverlayList, row: T): T {
  if (!overlays.has(list)) return row;
  return restore(overlays.apply(list, wrap(row))) as T;
}

function wrap(value: unknown): unknown {
  if (value instanceof JsonDouble) return { [DOUBLE]: value.value };
  if (Array.isArray(value)) return value.map(wrap);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]));
}

function restore(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(restore);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length === 1 && typeof record[DOUBLE] === 'number') return new JsonDouble(record[DOUBLE]);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, restore(v)]));
}
