/**
 * `/api/Tickets` (Halo's Faults, reference/halopsa/NOTES.md §4.6): create with a summary, type,
 * client / site / user (or the site's General User via `usertype: 1` / `userlookup.id: -1`), linked
 * assets and NinjaOne alert ids; status defaults to the type's `initial_status`, else 1 (New);
 * moving to a closed status (9 = Closed) stamps `dateclosed` and `hasbeenclosed`. Alert routing's
 * fields must name what exists — `status_id`, `sla_id` (-1: none), `agent_id` (0: unassigned),
 * `team` (by name), `categoryid_1` — else 400 naming the path; `category_1` is kept as given (free
 * text on Faults [unverified whether Halo checks it against the categories]).
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { ItemReader } from '../item-reader.js';
import { candidates, matches, readIdFilters, type IdFilters } from '../listing.js';
import type { Query } from '../query.js';
import type { CategoryRecord, TicketRecord } from '../records.js';
import { teamKey } from '../store.js';
import { patched, readCustomFields, referenced, renderCustomFields, required, toUpdate } from './common.js';

/** Status 1 = New on stock installs (NOTES §4.6). */
export const NEW_STATUS_ID = 1;

export function isClosedStatus(ctx: HaloContext, statusId: number): boolean {
  return ctx.store.statuses.get(statusId)?.type === 'closed';
}

/** The ticket with its status changed: a closed status stamps dateclosed/hasbeenclosed; reopening clears dateclosed. */
export function withStatus(ctx: HaloContext, ticket: TicketRecord, statusId: number): TicketRecord {
  if (statusId === ticket.status_id) return ticket;
  const closing = isClosedStatus(ctx, statusId);
  const next: TicketRecord = { ...ticket, status_id: statusId };
  if (closing) {
    next.dateclosed = ctx.time();
    next.hasbeenclosed = true;
  } else {
    delete next.dateclosed;
  }
  return next;
}

export function renderTicket(ctx: HaloContext, ticket: TicketRecord): Record<string, unknown> {
  const { store } = ctx;
  const user = ticket.user_id === undefined ? undefined : store.users.get(ticket.user_id);
  return {
    id: ticket.id,
    dateoccurred: ticket.dateoccurred,
    summary: ticket.summary,
    details: ticket.details,
    details_html: ticket.details_html,
    status_id: ticket.status_id,
    status_name: store.statuses.get(ticket.status_id)?.name,
    tickettype_id: ticket.tickettype_id,
    tickettype_name: store.ticketTypes.get(ticket.tickettype_id)?.name,
    sla_id: ticket.sla_id ?? -1,
    sla_name: ticket.sla_id === undefined ? undefined : store.slas.get(ticket.sla_id)?.name,
    priority_id: ticket.priority_id,
    priority_name: ticket.priority_id === undefined ? undefined : store.priorities.get(ticket.priority_id)?.name,
    client_id: ticket.client_id,
    client_name: ticket.client_id === undefined ? undefined : store.clients.get(ticket.client_id)?.name,
    site_id: ticket.site_id,
    site_name: ticket.site_id === undefined ? undefined : store.sites.get(ticket.site_id)?.name,
    user_id: ticket.user_id,
    user_name: user?.name,
    user_email: user?.emailaddress,
    agent_id: ticket.agent_id,
    agent_name: ticket.agent_id === undefined ? undefined : store.agents.get(ticket.agent_id)?.name,
    team: ticket.team,
    category_1: ticket.category_1,
    categoryid_1: ticket.categoryid_1,
    source: ticket.source,
    hasbeenclosed: ticket.hasbeenclosed,
    dateclosed: ticket.dateclosed,
    lastactiondate: ticket.lastactiondate,
    datecreated: ticket.datecreated,
    third_party_id: ticket.third_party_id,
    third_party_id_string: ticket.third_party_id_string,
    ninja_alert_id: ticket.ninja_alert_id,
    ninja_device_id: ticket.ninja_device_id,
    ninja_alert_type: ticket.ninja_alert_type,
    customfields: renderCustomFields(ticket.customfields),
    assets: ticket.asset_ids
      .map((id) => store.assets.get(id))
      .filter((a) => a !== undefined)
      .map((a) => ({ id: a.id, inventory_number: a.inventory_number, assettype_id: a.assettype_id, assettype_name: store.assetTypes.get(a.assettype_id)?.name })),
  };
}

interface Party {
  client_id?: number;
  site_id?: number;
  user_id?: number;
}

/**
 * Client, site and end user. A specific user needs a site_id (observed: CIPP); without a user —
 * or with `usertype: 1`, `userlookup.id: -1` or `user_id: -1` — the site's General User stands in.
 */
function readParty(ctx: HaloContext, item: ItemReader, current: Party | undefined): Party | undefined {
  const { store } = ctx;
  const clientIdIn = item.int('client_id');
  const siteIdIn = item.int('site_id');
  const userIdIn = item.int('user_id');
  const lookupId = item.object('userlookup')?.int('id');
  const generalUser = item.int('usertype') === 1 || lookupId === -1 || userIdIn === -1;
  if (current && clientIdIn === undefined && siteIdIn === undefined && userIdIn === undefined && !generalUser) return undefined;
  // An update that names only a user (or the General User) keeps the ticket's site.
  let siteId = siteIdIn ?? (current && clientIdIn === undefined ? current.site_id : undefined);
  let clientId = clientIdIn ?? (siteId === undefined ? current?.client_id : undefined);
  if (clientId !== undefined && clientId !== null) referenced(store.clients, clientId, item, 'client_id', 'Client');
  if (siteId !== undefined && siteId !== null) {
    const site = referenced(store.sites, siteId, item, 'site_id', 'Site');
    if (clientId === undefined || clientId === null) clientId = site.client_id;
    else if (site.client_id !== clientId) throw badRequest(`Site ${siteId} belongs to client ${site.client_id}, not client ${clientId}. Path '${item.at('site_id')}'.`);
  }
  let userId: number | undefined;
  if (!generalUser && userIdIn !== undefined && userIdIn !== null && userIdIn > 0) {
    const user = referenced(store.users, userIdIn, item, 'user_id', 'User');
    if (siteId === undefined || siteId === null) throw badRequest(`site_id is required when a specific user is set on a ticket (user_id ${userIdIn}). Path '${item.at('site_id')}'.`);
    if (user.site_id !== siteId) throw badRequest(`User ${userIdIn} belongs to site ${user.site_id}, not site ${siteId}. Path '${item.at('user_id')}'.`);
    userId = user.id;
  } else {
    if ((siteId === undefined || siteId === null) && clientId !== undefined && clientId !== null) siteId = store.clients.get(clientId)?.main_site_id;
    if (siteId !== undefined && siteId !== null) userId = store.generalUser(siteId)?.id;
  }
  const party: Party = {};
  if (clientId !== undefined && clientId !== null) party.client_id = clientId;
  if (siteId !== undefined && siteId !== null) party.site_id = siteId;
  if (userId !== undefined) party.user_id = userId;
  return party;
}

/** Where the ticket goes: SLA, agent, team and category. Each given reference must exist; a none value clears it (null in the patch). */
function readRouting(ctx: HaloContext, item: ItemReader): Record<string, unknown> {
  const { store } = ctx;
  const slaId = item.int('sla_id');
  if (slaId !== undefined && slaId !== null && slaId !== -1) referenced(store.slas, slaId, item, 'sla_id', 'SLA');
  // Halo's own tickets hold agent 0 or -1 for "unassigned" [unverified which]; both clear it here.
  // A disabled agent is accepted: Halo keeps the tickets of an agent who left [unverified for new ones].
  const agentId = item.int('agent_id');
  if (agentId !== undefined && agentId !== null && agentId > 0) referenced(store.agents, agentId, item, 'agent_id', 'Agent');
  const teamName = item.string('team');
  let team: string | null | undefined = teamName;
  if (teamName !== undefined && teamName !== null) {
    if (teamName.trim() === '') team = null;
    else {
      const found = store.teams.find('name', teamKey(teamName))[0];
      if (!found?.name) throw badRequest(`Team "${teamName}" does not exist. Path '${item.at('team')}'.`);
      team = found.name;
    }
  }
  const categoryId = item.int('categoryid_1');
  let category: CategoryRecord | undefined;
  if (categoryId !== undefined && categoryId !== null && categoryId > 0) category = referenced(store.categories, categoryId, item, 'categoryid_1', 'Category');
  const categoryText = item.string('category_1');
  return {
    sla_id: slaId === -1 ? null : slaId,
    agent_id: agentId === undefined || agentId === null ? agentId : agentId > 0 ? agentId : null,
    team,
    categoryid_1: categoryId === undefined || categoryId === null ? categoryId : categoryId > 0 ? categoryId : null,
    // A category given by id alone puts its text on the ticket too.
    category_1: categoryText !== undefined ? categoryText : (category?.value ?? undefined),
  };
}

function readAssetIds(ctx: HaloContext, item: ItemReader): number[] | undefined {
  const entries = item.objects('assets');
  if (entries === undefined) return undefined;
  if (entries === null) return [];
  const ids: number[] = [];
  for (const entry of entries) {
    const id = required(entry.int('id'), entry, 'id', 'link an asset');
    referenced(ctx.store.assets, id, entry, 'id', 'Asset');
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

export function saveTicket(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.tickets, id, 'Ticket');
  const summary = item.string('summary');
  if (summary !== undefined && (summary === null || summary.trim() === '')) throw badRequest(`summary cannot be empty. Path '${item.at('summary')}'.`);
  const typeIdIn = item.int('tickettype_id');
  if (typeIdIn !== undefined && typeIdIn !== null) referenced(store.ticketTypes, typeIdIn, item, 'tickettype_id', 'Ticket type');
  const statusIdIn = item.int('status_id');
  if (statusIdIn !== undefined && statusIdIn !== null) referenced(store.statuses, statusIdIn, item, 'status_id', 'Status');
  const priorityId = item.int('priority_id');
  if (priorityId !== undefined && priorityId !== null) referenced(store.priorities, priorityId, item, 'priority_id', 'Priority');
  const party = readParty(ctx, item, existing);
  const patch: Record<string, unknown> = {
    summary,
    details: item.string('details'),
    details_html: item.string('details_html'),
    tickettype_id: typeIdIn,
    priority_id: priorityId,
    ...readRouting(ctx, item),
    source: item.int('source'),
    asset_ids: readAssetIds(ctx, item),
    ninja_alert_id: item.string('ninja_alert_id'),
    ninja_device_id: item.int('ninja_device_id'),
    ninja_alert_type: item.string('ninja_alert_type'),
    third_party_id: item.int('third_party_id'),
    third_party_id_string: item.string('third_party_id_string'),
    customfields: readCustomFields(item),
  };
  if (existing) {
    let next = patched(existing, patch);
    if (party) {
      delete next.client_id;
      delete next.site_id;
      delete next.user_id;
      next = { ...next, ...party };
    }
    if (statusIdIn !== undefined && statusIdIn !== null) next = withStatus(ctx, next, statusIdIn);
    store.tickets.put(next);
    return next.id;
  }
  if (summary === undefined || summary === null) throw badRequest(`summary is required to create a ticket. Path '${item.at('summary')}'.`);
  // Without a ticket type Halo uses the default one; the simulator takes the first.
  const typeId = typeIdIn ?? required(store.ticketTypes.all()[0]?.id, item, 'tickettype_id', 'create a ticket');
  const type = store.ticketTypes.get(typeId)!;
  const statusId = statusIdIn ?? type.initial_status ?? NEW_STATUS_ID;
  const now = ctx.time();
  const occurred = item.date('dateoccurred') ?? now;
  let ticket: TicketRecord = patched(
    { id: store.tickets.nextId(), summary, tickettype_id: typeId, status_id: NEW_STATUS_ID, asset_ids: [], dateoccurred: occurred, datecreated: now, lastactiondate: now, hasbeenclosed: false },
    { ...patch, priority_id: priorityId ?? type.default_priority, tickettype_id: typeId, ...party },
  );
  ticket = withStatus(ctx, ticket, statusId);
  store.tickets.put(ticket);
  return ticket.id;
}

/** The id filters of `GET /api/Tickets`. */
const TICKET_ID_FILTERS = {
  client_id: (t) => t.client_id, site_id: (t) => t.site_id, user_id: (t) => t.user_id,
  asset_id: (t) => t.asset_ids, requesttype_id: (t) => t.tickettype_id, status_id: (t) => t.status_id,
} satisfies IdFilters<TicketRecord, string>;

/**
 * `GET /api/Tickets`: filters `client_id`, `site_id`, `user_id`, `asset_id`, `requesttype_id`,
 * `status_id`, `open_only`, `closed_only`, `search`, and (per ticketAlertFilters) `ninja_alert_id`
 * and `third_party_id_string`.
 */
export function selectTickets(ctx: HaloContext, query: Query): TicketRecord[] {
  const { store, behaviour } = ctx;
  const { ids, accepts } = readIdFilters(query, TICKET_ID_FILTERS);
  const openOnly = query.bool('open_only');
  const closedOnly = query.bool('closed_only');
  const search = query.string('search');
  // Not in Halo's swagger: a real tenant ignores these and returns every ticket (see the report).
  const alertId = behaviour.ticketAlertFilters ? query.string('ninja_alert_id') : undefined;
  const thirdParty = behaviour.ticketAlertFilters ? query.string('third_party_id_string') : undefined;
  const rows = candidates(store.tickets, [['ninjaAlert', alertId], ['thirdParty', thirdParty], ['asset', ids.asset_id], ['site', ids.site_id], ['client', ids.client_id]]);
  return rows.filter((t) => {
    if (!accepts(t)) return false;
    if (alertId !== undefined && t.ninja_alert_id !== alertId) return false;
    if (thirdParty !== undefined && t.third_party_id_string !== thirdParty) return false;
    const closed = isClosedStatus(ctx, t.status_id);
    if ((openOnly && closed) || (closedOnly && !closed)) return false;
    return search === undefined || String(t.id) === search.trim() || matches(search, t.summary);
  });
}

/** A deleted ticket's actions go with it. */
export function beforeDeleteTicket(ctx: HaloContext, ticket: TicketRecord): void {
  for (const action of ctx.store.actions.find('ticket', ticket.id)) ctx.store.actions.remove(action.id);
}
