/**
 * `/api/Users` (schema Users / Users_List, reference/halopsa/NOTES.md §4.3): end users belong to a
 * site; list `{record_count, users}` with `site_id` written as a double (`33.0`); filters
 * `client_id`, `site_id`, `asset_id`, `search`, `exclude_generaluser`, `includeinactive`.
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { ItemReader } from '../item-reader.js';
import { double } from '../json-text.js';
import { matches, readIdFilters } from '../listing.js';
import type { Query } from '../query.js';
import type { UserRecord } from '../records.js';
import { patched, readCustomFields, referenced, renderCustomFields, toUpdate, wholeId } from './common.js';

export function renderUser(ctx: HaloContext, user: UserRecord): Record<string, unknown> {
  const site = ctx.store.sites.get(user.site_id);
  const client = site === undefined ? undefined : ctx.store.clients.get(site.client_id);
  return {
    id: user.id,
    name: user.name,
    site_id: double(user.site_id),
    site_id_int: user.site_id,
    site_name: site?.name,
    client_id: client?.id,
    client_name: client?.name,
    firstname: user.firstname,
    surname: user.surname,
    emailaddress: user.emailaddress,
    login: user.login,
    title: user.title,
    phonenumber: user.phonenumber,
    mobilenumber: user.mobilenumber,
    inactive: user.inactive,
    isserviceaccount: user.isserviceaccount ?? false,
    azureoid: user.azureoid,
    third_party_id: user.third_party_id,
    notes: user.notes,
    datecreated: user.datecreated,
    customfields: renderCustomFields(user.customfields),
  };
}

/** A user as it appears inside an asset's `users[]` (Users_List). */
export function renderUserRow(ctx: HaloContext, user: UserRecord): Record<string, unknown> {
  const site = ctx.store.sites.get(user.site_id);
  return {
    id: user.id,
    name: user.name,
    site_id: double(user.site_id),
    site_name: site?.name,
    client_name: site === undefined ? undefined : ctx.store.clients.get(site.client_id)?.name,
    emailaddress: user.emailaddress,
    inactive: user.inactive,
  };
}

export function saveUser(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.users, id, 'User');
  let siteId = wholeId(item.number('site_id'), item, 'site_id');
  if (siteId !== undefined && siteId !== null) referenced(store.sites, siteId, item, 'site_id', 'Site');
  const clientId = item.int('client_id');
  if ((siteId === undefined || siteId === null) && clientId !== undefined && clientId !== null) {
    const client = referenced(store.clients, clientId, item, 'client_id', 'Client');
    const currentClient = existing === undefined ? undefined : store.sites.get(existing.site_id)?.client_id;
    if (currentClient !== clientId) {
      // A user posted with only client_id goes to the client's main site [unverified].
      if (client.main_site_id === undefined) throw badRequest(`Client ${clientId} has no main site; send site_id. Path '${item.at('site_id')}'.`);
      siteId = client.main_site_id;
    }
  }
  const firstname = item.string('firstname');
  const surname = item.string('surname');
  let name = item.string('name');
  if (name !== undefined && (name === null || name.trim() === '')) throw badRequest(`name cannot be empty. Path '${item.at('name')}'.`);
  const patch: Record<string, unknown> = {
    name,
    firstname,
    surname,
    emailaddress: item.string('emailaddress'),
    login: item.string('login'),
    title: item.string('title'),
    phonenumber: item.string('phonenumber'),
    mobilenumber: item.string('mobilenumber'),
    inactive: item.bool('inactive'),
    isserviceaccount: item.bool('isserviceaccount'),
    azureoid: item.string('azureoid'),
    third_party_id: item.string('third_party_id'),
    notes: item.string('notes'),
    customfields: readCustomFields(item),
    site_id: siteId,
  };
  if (existing) {
    if (siteId === null) throw badRequest(`site_id cannot be cleared. Path '${item.at('site_id')}'.`);
    const next = patched(existing, patch);
    store.users.put(next);
    return next.id;
  }
  if (name === undefined) {
    const full = [firstname, surname].filter((p) => p).join(' ');
    if (full !== '') name = full;
  }
  if (name === undefined || name === null) throw badRequest(`name (or firstname and surname) is required to create a user. Path '${item.at('name')}'.`);
  if (siteId === undefined || siteId === null) throw badRequest(`site_id is required to create a user. Path '${item.at('site_id')}'.`);
  const user: UserRecord = patched({ id: store.users.nextId(), name, site_id: siteId, inactive: false, datecreated: ctx.time() }, { ...patch, name });
  store.users.put(user);
  return user.id;
}

/** `GET /api/Users`: filters `client_id`, `site_id`, `asset_id`, `search`, `exclude_generaluser`; inactive users only with `includeinactive`. */
export function selectUsers(ctx: HaloContext, query: Query): UserRecord[] {
  const { store } = ctx;
  const { ids, accepts } = readIdFilters(query, {
    client_id: (u: UserRecord) => store.sites.get(u.site_id)?.client_id,
    site_id: (u: UserRecord) => u.site_id,
  });
  const { client_id: clientId, site_id: siteId } = ids;
  const assetId = query.int('asset_id');
  const search = query.string('search');
  const includeInactive = query.bool('includeinactive');
  const excludeGeneral = query.bool('exclude_generaluser');
  let candidates: UserRecord[];
  if (assetId !== undefined) {
    const asset = store.assets.get(assetId);
    candidates = (asset?.user_ids ?? []).map((id) => store.users.get(id)).filter((u): u is UserRecord => u !== undefined);
    candidates.sort((a, b) => a.id - b.id);
  } else if (siteId !== undefined) {
    candidates = store.users.find('site', siteId);
  } else if (clientId !== undefined) {
    candidates = store.sites.find('client', clientId).flatMap((s) => store.users.find('site', s.id));
    candidates.sort((a, b) => a.id - b.id);
  } else {
    candidates = store.users.all();
  }
  return candidates.filter(
    (u) =>
      (includeInactive || !u.inactive) &&
      !(excludeGeneral && u.isgeneraluser) &&
      accepts(u) &&
      (search === undefined || matches(search, u.name, u.firstname, u.surname, u.emailaddress, u.login)),
  );
}

/** A site's General User cannot be deleted; a deleted user is unlinked from its assets. */
export function beforeDeleteUser(ctx: HaloContext, user: UserRecord): void {
  const { store } = ctx;
  if (user.isgeneraluser) throw badRequest(`User ${user.id} is the General User of site ${user.site_id} and cannot be deleted.`);
  for (const asset of store.assets.find('user', user.id)) store.assets.put({ ...asset, user_ids: asset.user_ids.filter((id) => id !== user.id) });
}
