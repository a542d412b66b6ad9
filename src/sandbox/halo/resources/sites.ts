/**
 * `/api/Site` (schema Site, reference/halopsa/NOTES.md §4.2): list `{record_count, sites}` with
 * `client_id` written as a double (`21.0`), `client_name` on every row; POST upserts; creating a
 * site also creates its General User.
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { ItemReader } from '../item-reader.js';
import { requireText } from '../item-reader.js';
import { double } from '../json-text.js';
import { matches } from '../listing.js';
import type { Query } from '../query.js';
import type { SiteRecord } from '../records.js';
import { dattoFields, dattoPatch, integrationId, orNone, patched, readCustomFields, referenced, renderCustomFields, required, toUpdate, wholeId } from './common.js';

export function renderSite(ctx: HaloContext, site: SiteRecord): Record<string, unknown> {
  return {
    id: site.id,
    name: site.name,
    client_id: double(site.client_id),
    client_name: ctx.store.clients.get(site.client_id)?.name,
    inactive: site.inactive,
    phonenumber: site.phonenumber,
    timezone: site.timezone,
    notes: site.notes,
    ninjarmmid: orNone(site.ninjarmmid),
    ...dattoFields(site),
    datecreated: site.datecreated,
    customfields: renderCustomFields(site.customfields),
  };
}

/** Creates a site and its General User (every site has one, also those created through the API). */
export function addSite(ctx: HaloContext, fields: Omit<SiteRecord, 'id' | 'datecreated' | 'inactive'> & { inactive?: boolean }): SiteRecord {
  const created = ctx.time();
  const site: SiteRecord = { ...fields, id: ctx.store.sites.nextId(), inactive: fields.inactive ?? false, datecreated: created };
  ctx.store.sites.put(site);
  ctx.store.addGeneralUser(site.id, created);
  return site;
}

export function saveSite(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.sites, id, 'Site');
  const name = item.string('name');
  const clientId = wholeId(item.number('client_id'), item, 'client_id');
  if (clientId !== undefined && clientId !== null) referenced(store.clients, clientId, item, 'client_id', 'Client');
  if (name !== undefined && (name === null || name.trim() === '')) throw badRequest(`name cannot be empty. Path '${item.at('name')}'.`);
  const patch: Record<string, unknown> = {
    name,
    inactive: item.bool('inactive'),
    phonenumber: item.string('phonenumber'),
    timezone: item.string('timezone'),
    notes: item.string('notes'),
    ninjarmmid: integrationId(item.int('ninjarmmid')),
    ...dattoPatch(item, false),
    customfields: readCustomFields(item),
  };
  if (!existing) {
    requireText(name, `name is required to create a site. Path '${item.at('name')}'.`);
    const client = required(clientId, item, 'client_id', 'create a site');
    const site = addSite(ctx, { name: name!, client_id: client });
    store.sites.put(patched(site, patch));
    return site.id;
  }
  if (clientId === null) throw badRequest(`client_id cannot be cleared. Path '${item.at('client_id')}'.`);
  const next = patched(existing, { ...patch, client_id: clientId });
  store.sites.put(next);
  if (next.client_id !== existing.client_id) {
    // The site's assets move with it (an asset's client follows its site).
    for (const asset of store.assets.find('site', next.id)) store.assets.put({ ...asset, client_id: next.client_id });
  }
  return next.id;
}

/** `GET /api/Site`: filters `client_id`, `toplevel_id`, `search`; inactive sites only with `includeinactive`. */
export function selectSites(ctx: HaloContext, query: Query): SiteRecord[] {
  const { store } = ctx;
  const clientId = query.int('client_id');
  const toplevelId = query.int('toplevel_id');
  const search = query.string('search');
  const includeInactive = query.bool('includeinactive');
  const candidates = clientId !== undefined ? store.sites.find('client', clientId) : store.sites.all();
  return candidates.filter(
    (s) =>
      (includeInactive || !s.inactive) &&
      (toplevelId === undefined || store.clients.get(s.client_id)?.toplevel_id === toplevelId) &&
      (search === undefined || matches(search, s.name)),
  );
}

/** A site with assets or users (its General User aside) cannot be deleted; its General User goes with it, and a client it was the main site of has none. */
export function beforeDeleteSite(ctx: HaloContext, site: SiteRecord): void {
  const { store } = ctx;
  const assets = store.assets.count('site', site.id);
  const users = store.users.find('site', site.id).filter((u) => !u.isgeneraluser).length;
  if (assets > 0 || users > 0) {
    throw badRequest(`Site ${site.id} still has ${assets} asset(s) and ${users} user(s); move or delete them first, or deactivate the site (inactive: true).`);
  }
  for (const user of store.users.find('site', site.id)) store.users.remove(user.id);
  const client = store.clients.get(site.client_id);
  if (client?.main_site_id === site.id) store.clients.put(patched(client, { main_site_id: null }));
}
