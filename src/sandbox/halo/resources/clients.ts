/**
 * `/api/Client` (Halo's Area, reference/halopsa/NOTES.md §4.1): list `{record_count, clients}`,
 * filters `toplevel_id`, `search`, `includeinactive`; POST upserts, stores `ninjarmmid` (the
 * NinjaOne organisation id), and — when `clientCreatesMainSite` — gives a new client its main site
 * named from `newclient_sitename` (else "Main"), with that site's General User.
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import { requireText, type ItemReader } from '../item-reader.js';
import { matches } from '../listing.js';
import type { Query } from '../query.js';
import type { ClientRecord } from '../records.js';
import { addSite } from './sites.js';
import { dattoFields, dattoPatch, integrationId, orNone, patched, readCustomFields, referenced, renderCustomFields, toUpdate } from './common.js';

/** The main site's name when a client is created without `newclient_sitename` [unverified]. */
export const DEFAULT_MAIN_SITE_NAME = 'Main';

export function renderClient(ctx: HaloContext, client: ClientRecord): Record<string, unknown> {
  const mainSite = client.main_site_id === undefined ? undefined : ctx.store.sites.get(client.main_site_id);
  return {
    id: client.id,
    name: client.name,
    toplevel_id: client.toplevel_id,
    toplevel_name: client.toplevel_id === undefined ? undefined : ctx.store.topLevels.get(client.toplevel_id)?.name,
    inactive: client.inactive,
    colour: client.colour,
    main_site_id: client.main_site_id,
    main_site_name: mainSite?.name,
    notes: client.notes,
    website: client.website,
    domain: client.domain,
    ninjarmmid: orNone(client.ninjarmmid),
    ...dattoFields(client),
    datecreated: client.datecreated,
    customfields: renderCustomFields(client.customfields),
  };
}

export function saveClient(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.clients, id, 'Client');
  const name = item.string('name');
  if (name !== undefined && (name === null || name.trim() === '')) throw badRequest(`name cannot be empty. Path '${item.at('name')}'.`);
  const toplevelId = item.int('toplevel_id');
  if (toplevelId !== undefined && toplevelId !== null) referenced(store.topLevels, toplevelId, item, 'toplevel_id', 'Top level');
  const mainSiteId = item.int('main_site_id');
  const patch: Record<string, unknown> = {
    name,
    toplevel_id: toplevelId,
    inactive: item.bool('inactive'),
    colour: item.string('colour'),
    notes: item.string('notes'),
    website: item.string('website'),
    domain: item.string('domain'),
    ninjarmmid: integrationId(item.int('ninjarmmid')),
    ...dattoPatch(item, false),
    customfields: readCustomFields(item),
  };
  const clientId = existing?.id ?? store.clients.nextId();
  if (mainSiteId !== undefined && mainSiteId !== null && mainSiteId > 0) {
    const site = referenced(store.sites, mainSiteId, item, 'main_site_id', 'Site');
    if (site.client_id !== clientId) throw badRequest(`Site ${mainSiteId} belongs to client ${site.client_id}, not to this client. Path '${item.at('main_site_id')}'.`);
    patch['main_site_id'] = mainSiteId;
  }
  if (existing) {
    if (toplevelId === null) throw badRequest(`toplevel_id cannot be cleared. Path '${item.at('toplevel_id')}'.`);
    const next = patched(existing, patch);
    store.clients.put(next);
    return next.id;
  }
  requireText(name, `name is required to create a client. Path '${item.at('name')}'.`);
  // Halo puts a client without a top level under the default one; the simulator uses the first.
  const client: ClientRecord = patched(
    { id: clientId, name: name!, toplevel_id: toplevelId ?? store.topLevels.all()[0]?.id ?? 0, inactive: false, datecreated: ctx.time() },
    patch,
  );
  store.clients.put(client);
  if (ctx.behaviour.clientCreatesMainSite && client.main_site_id === undefined) {
    const siteName = item.string('newclient_sitename');
    const site = addSite(ctx, { name: siteName && siteName.trim() !== '' ? siteName : DEFAULT_MAIN_SITE_NAME, client_id: client.id });
    store.clients.put({ ...client, main_site_id: site.id });
  }
  return client.id;
}

/** `GET /api/Client`: filters `toplevel_id`, `search`; inactive clients only with `includeinactive`. */
export function selectClients(ctx: HaloContext, query: Query): ClientRecord[] {
  const { store } = ctx;
  const toplevelId = query.int('toplevel_id');
  const search = query.string('search');
  const includeInactive = query.bool('includeinactive');
  const candidates = toplevelId !== undefined ? store.clients.find('topLevel', toplevelId) : store.clients.all();
  return candidates.filter((c) => (includeInactive || !c.inactive) && (search === undefined || matches(search, c.name)));
}

/** A client with sites cannot be deleted. */
export function beforeDeleteClient(ctx: HaloContext, client: ClientRecord): void {
  const sites = ctx.store.sites.count('client', client.id);
  if (sites > 0) throw badRequest(`Client ${client.id} still has ${sites} site(s); delete them first, or deactivate the client (inactive: true).`);
}
