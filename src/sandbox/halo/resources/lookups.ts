/**
 * The small lists tickets and assets refer to, each a bare array (reference/halopsa/NOTES.md §3):
 * `/api/TicketType`, `/api/Status`, `/api/Priority` (ids as strings, NOTES §4), `/api/Outcome`,
 * `/api/AssetGroup`, `/api/TopLevel` — the last three are undocumented; the simulator answers bare
 * arrays. Asset groups and top levels can be created (haloform may need them); the others are
 * read-only here.
 */

import type { Router } from '../../sim-server.js';
import { api, json, routeId, upsert } from '../api.js';
import type { ScopeArea } from '../auth.js';
import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import { requireText, type ItemReader } from '../item-reader.js';
import type { HaloOverlayList } from '../overlay-rows.js';
import type { Table } from '../table.js';
import { patched, toUpdate } from './common.js';

function register<T extends { id: number }>(
  router: Router,
  ctx: HaloContext,
  list: HaloOverlayList,
  what: string,
  area: ScopeArea,
  table: Table<T>,
  render: (row: T) => Record<string, unknown>,
): void {
  const path = `/api/${list}`;
  router.on('GET', path, api(ctx, area, 'read', () => json(200, table.all().map((row) => ctx.row(list, render(row))))));
  router.on('GET', `${path}/:id`, api(ctx, area, 'read', (req) => json(200, ctx.row(list, render(toUpdate(table, routeId(req, what), what))))));
}

/** POST for a table whose records are just `{id, name}`. */
function registerNamedUpsert<T extends { id: number; name: string }>(
  router: Router,
  ctx: HaloContext,
  path: string,
  typeName: string,
  what: string,
  area: ScopeArea,
  table: Table<T>,
  render: (row: T) => Record<string, unknown>,
): void {
  const save = (item: ItemReader): number => {
    const id = item.id();
    const existing = id === undefined ? undefined : toUpdate(table, id, what);
    const name = item.string('name');
    if (name !== undefined && (name === null || name.trim() === '')) throw badRequest(`name cannot be empty. Path '${item.at('name')}'.`);
    if (existing) {
      const next = patched(existing, { name });
      table.put(next);
      return next.id;
    }
    requireText(name, `name is required to create ${what.toLowerCase()}. Path '${item.at('name')}'.`);
    const row = { id: table.nextId(), name: name! } as T;
    table.put(row);
    return row.id;
  };
  router.on('POST', path, api(ctx, area, 'edit', (req) => upsert(ctx, req, typeName, save, (id) => render(table.get(id)!))));
}

export function registerLookups(router: Router, ctx: HaloContext): void {
  const { store } = ctx;
  register(router, ctx, 'TicketType', 'Ticket type', 'tickets', store.ticketTypes, (t) => ({
    id: t.id,
    name: t.name,
    initial_status: t.initial_status,
    default_priority: t.default_priority,
    // No SLA is modelled: Halo writes -1 for "none" (NOTES §4).
    default_sla: -1,
    visible: true,
    agentscanselect: true,
  }));
  register(router, ctx, 'Status', 'Status', 'tickets', store.statuses, (s) => ({ id: s.id, name: s.name }));
  register(router, ctx, 'Priority', 'Priority', 'tickets', store.priorities, (p) => ({ id: String(p.id), priorityid: p.id, name: p.name }));
  register(router, ctx, 'Outcome', 'Outcome', 'tickets', store.outcomes, (o) => ({ id: o.id, outcome: o.outcome, buttonname: o.outcome }));
  const group = (g: { id: number; name: string }) => ({ id: g.id, name: g.name });
  register(router, ctx, 'AssetGroup', 'Asset group', 'assets', store.assetGroups, group);
  registerNamedUpsert(router, ctx, '/api/AssetGroup', 'Generic', 'Asset group', 'admin', store.assetGroups, group);
  register(router, ctx, 'TopLevel', 'Top level', 'customers', store.topLevels, group);
  registerNamedUpsert(router, ctx, '/api/TopLevel', 'Tree', 'Top level', 'customers', store.topLevels, group);
}
