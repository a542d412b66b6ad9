/**
 * `/api/Control` — Halo's global settings object (reference/halopsa/NOTES.md §6): GET returns it,
 * `POST /api/Control [ {…} ]` merges the posted settings (arrays, such as mapping tables, replaced
 * whole). Both need the `admin` scope. `allowduplicateinv: false` switches on "Asset tag must be unique".
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { ItemReader } from '../item-reader.js';

/** Merges one posted item into the settings; returns 0, as the settings object has no id. */
export function saveControl(ctx: HaloContext, item: ItemReader): number {
  const allow = item.bool('allowduplicateinv');
  if (allow === null) throw badRequest(`allowduplicateinv cannot be null. Path '${item.at('allowduplicateinv')}'.`);
  const next = { ...ctx.store.control };
  for (const [key, value] of Object.entries(item.item)) {
    // Halo's list/query switches are not settings.
    if (key.startsWith('_')) continue;
    next[key] = key === 'allowduplicateinv' ? allow : value;
  }
  ctx.store.setControl(next);
  return 0;
}
