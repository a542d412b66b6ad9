/**
 * `/api/Control` — Halo's global settings object (reference/halopsa/NOTES.md §6): GET returns it,
 * `POST /api/Control [ {…} ]` merges the posted settings (arrays, such as mapping tables, replaced
 * whole). Both need the `admin` scope. `allowduplicateinv: false` switches on "Asset tag must be unique".
 */

import type { Router } from '../../sim-server.js';
import { api, json, upsert } from '../api.js';
import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { ItemReader } from '../item-reader.js';

function saveControl(ctx: HaloContext, item: ItemReader): number {
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

export function registerControlSettings(router: Router, ctx: HaloContext): void {
  router.on('GET', '/api/Control', api(ctx, 'admin', 'read', () => json(200, ctx.row('Control', ctx.store.control))));
  router.on('POST', '/api/Control', api(ctx, 'admin', 'edit', (req) => upsert(ctx, req, 'Control', (item) => saveControl(ctx, item), () => ctx.store.control)));
}
