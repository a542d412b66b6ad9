/**
 * What one entry of the Halo simulator's resource table says (resource-table.ts), and the routes
 * made from it: list, get by id, POST upsert, DELETE and record operations, each behind the
 * budget, the token and the scope (api.ts). The resource modules hold only what differs.
 */

import type { Router, SimRequest } from '../sim-server.js';
import { api, json, routeId, upsert } from './api.js';
import type { ScopeArea, TokenGrant } from './auth.js';
import type { HaloContext } from './context.js';
import { notFound } from './errors.js';
import type { ItemReader } from './item-reader.js';
import { envelope } from './listing.js';
import type { HaloOverlayList } from './overlay-rows.js';
import { Query } from './query.js';
import type { HaloStore } from './store.js';

/** The part of a store table the routes use. */
export interface Rows<T> {
  get(id: number): T | undefined;
  all(): T[];
  remove(id: number): void;
}

/** `POST /api/{path}`: an array of items, each upserted in turn (api.ts `upsert`). */
export interface Upsert {
  /** Halo's model name, which body errors name: `Area` for a client. */
  model: string;
  /** Saves one item and returns the saved record's id. */
  save(ctx: HaloContext, item: ItemReader, grant: TokenGrant): number;
}

/** `POST /api/{path}/{name}/:id`: an operation on one record, answered 200 with no body. */
export interface RecordOperation<T> {
  name: string;
  run(ctx: HaloContext, row: T): void;
}

/**
 * A resource of records with ids. The hooks are methods, not function-typed properties, so that
 * one table can hold resources of different record types (TypeScript checks method parameters
 * bivariantly); each hook only ever gets rows of its own resource's `rows`.
 */
export interface HaloResource<T extends { id: number }> {
  /** The route and the overlay list its reads go through: `Client` → `/api/Client`, `/api/Client/:id`. */
  path: HaloOverlayList;
  /** A record in messages: `Asset type 7 not found`. */
  what: string;
  /** The scope area of GETs (reference/halopsa/NOTES.md §1). */
  area: ScopeArea;
  /** The scope area of POST, DELETE and record operations, when not `area` (asset types and fields: `admin`). */
  editArea?: ScopeArea;
  /** The store table holding the records. */
  rows(store: HaloStore): Rows<T>;
  /** `GET /api/{path}`: an envelope `{record_count, <envelope>: [...]}`, paged per the query (NOTES §3); else a bare array. */
  envelope?: string;
  /** The rows `GET /api/{path}` answers, in order (default: every row). Filters are read in Halo's order, so the first bad one is the 400. */
  select?(ctx: HaloContext, query: Query): T[];
  /** A record as `GET /api/{path}/:id`, POST answers and lists show it. */
  render(ctx: HaloContext, row: T): unknown;
  /** A listed row, when lists show it otherwise (assets: `fields[]` only on request). */
  renderListed?(ctx: HaloContext, row: T, query: Query): unknown;
  /** Absent: the resource is read-only here. */
  post?: Upsert;
  /**
   * `DELETE /api/{path}/:id`, when Halo has it: runs before the record is removed, and refuses
   * (throws) or takes dependants along.
   */
  beforeDelete?(ctx: HaloContext, row: T): void;
  /** Operations on one record beside the upsert (Field's AddFieldToAll). */
  operations?: readonly RecordOperation<T>[];
}

/** A settings object at one path (Control): GET answers it, POST merges into it; no `/:id` routes. */
export interface HaloSingleton {
  /** The route and the overlay list its GET goes through. */
  path: HaloOverlayList;
  /** The scope area of GET and POST. */
  area: ScopeArea;
  /** The settings object as GET and POST answer it. */
  settings(store: HaloStore): unknown;
  post: Upsert;
}

/** One entry of the resource table. */
export type HaloResourceEntry = HaloResource<{ id: number }> | HaloSingleton;

/** A table entry, its record type taken from `rows` so the hooks after it are typed by it. */
export function resource<T extends { id: number }>(entry: HaloResource<T>): HaloResource<T> {
  return entry;
}

/** `beforeDelete` of a DELETE that only removes the record: nothing refuses it, nothing goes with it. */
export function nothingDepends(): void {}

/** Registers every entry's routes, in table order. */
export function registerResources(router: Router, ctx: HaloContext, table: readonly HaloResourceEntry[]): void {
  for (const entry of table) {
    if ('settings' in entry) registerSingleton(router, ctx, entry);
    else registerResource(router, ctx, entry);
  }
}

function registerResource<T extends { id: number }>(router: Router, ctx: HaloContext, entry: HaloResource<T>): void {
  const { path: list, what, area, editArea = area, post, beforeDelete } = entry;
  const path = `/api/${list}`;
  const rows = entry.rows(ctx.store);
  const render = (row: T) => entry.render(ctx, row);
  const byId = (req: SimRequest): T => {
    const id = routeId(req, what);
    const row = rows.get(id);
    if (!row) throw notFound(`${what} ${id} not found`);
    return row;
  };
  router.on(
    'GET',
    path,
    api(ctx, area, 'read', (req) => {
      const query = new Query(req.query);
      const selected = entry.select ? entry.select(ctx, query) : rows.all();
      const listed = (row: T) => ctx.row(list, entry.renderListed ? entry.renderListed(ctx, row, query) : render(row));
      return json(200, entry.envelope === undefined ? selected.map(listed) : envelope(selected, query, entry.envelope, listed));
    }),
  );
  router.on('GET', `${path}/:id`, api(ctx, area, 'read', (req) => json(200, ctx.row(list, render(byId(req))))));
  if (post) {
    router.on('POST', path, api(ctx, editArea, 'edit', (req, grant) => upsert(ctx, req, post.model, (item) => post.save(ctx, item, grant), (id) => render(rows.get(id)!))));
  }
  for (const operation of entry.operations ?? []) {
    router.on(
      'POST',
      `${path}/${operation.name}/:id`,
      api(ctx, editArea, 'edit', (req) => {
        operation.run(ctx, byId(req));
        return { status: 200 };
      }),
    );
  }
  if (beforeDelete) {
    router.on(
      'DELETE',
      `${path}/:id`,
      api(ctx, editArea, 'edit', (req) => {
        const row = byId(req);
        beforeDelete(ctx, row);
        rows.remove(row.id);
        return { status: 200 };
      }),
    );
  }
}

function registerSingleton(router: Router, ctx: HaloContext, singleton: HaloSingleton): void {
  const { path: list, area, post } = singleton;
  const path = `/api/${list}`;
  const settings = () => singleton.settings(ctx.store);
  router.on('GET', path, api(ctx, area, 'read', () => json(200, ctx.row(list, settings()))));
  router.on('POST', path, api(ctx, area, 'edit', (req, grant) => upsert(ctx, req, post.model, (item) => post.save(ctx, item, grant), settings)));
}
