/**
 * A change's attributes as a reviewer reads them: the plan carries typed values (ids with names,
 * lists, references), and here they become the words the text and markdown plans show — a type's
 * fields as one list of names, "all (Add to all asset types)", a top level by its name. Pure.
 */

import { addressName, isRef, type Change, type Named, type PlanRmm, type Value } from '../plan/plan.js';

export interface ShownAttributes {
  before?: Record<string, Value>;
  after?: Record<string, Value>;
}

/** The attributes of `change` as shown, each under the name a reviewer knows: an RMM id under the Halo field it goes into (`ninjarmmid`). */
export function shownAttributes(change: Change, rmm: PlanRmm): ShownAttributes {
  const name = (key: string) => (key === 'rmm_id' && (change.kind === 'client' || change.kind === 'site' || change.kind === 'asset') ? rmm.halo[change.kind] : key);
  const show = (record: Record<string, Value> | undefined) => (record === undefined ? undefined : Object.fromEntries(Object.entries(record).map(([key, value]) => [name(key), shownValue(change.kind, key, value)])));
  const { before, after } = change as { before?: Record<string, Value>; after?: Record<string, Value> };
  const shownBefore = show(before);
  const shownAfter = show(after);
  return { ...(shownBefore ? { before: shownBefore } : {}), ...(shownAfter ? { after: shownAfter } : {}) };
}

function shownValue(kind: Change['kind'], key: string, value: Value): Value {
  if (kind === 'asset_field' && key === 'asset_types') return value === 'all' ? 'all (Add to all asset types)' : Array.isArray(value) ? value.join(', ') : value;
  if (kind === 'asset_type' && key === 'fields' && Array.isArray(value)) return value.map((r) => (isRef(r) ? addressName(r.ref) : String(r))).join(', ');
  if (kind === 'ninja_webhook' && key === 'organisations' && Array.isArray(value)) return value.join(', ');
  if (kind === 'halo_webhook' && key === 'events' && Array.isArray(value)) return value.join(', ');
  if (isNamed(value)) return value.name;
  return value;
}

function isNamed(value: Value): value is Named {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Named).id === 'number' && typeof (value as Named).name === 'string' && Object.keys(value).length === 2;
}
