/**
 * Halo calls for alert tickets (what `haloform serve` needs): create a ticket, read it and its
 * actions, add an internal note, change its status, find tickets by NinjaOne alert id, and read
 * the lookups (statuses, outcomes) and the NinjaOne-linked assets a ticket is attached to.
 * Over HaloApiClient's HttpClient, so every call is paced by the shared rate limiter, retried as
 * the HTTP layer allows and redacted. reference/halopsa/NOTES.md §3, §4.3, §4.6.
 */

import { asArray, asRecord, optionalBoolean, optionalInt, optionalString, requiredInt, type ShapeContext } from '../http/shape.js';
import type { Query } from '../http/index.js';
import type { HaloApiClient } from './client.js';
import type { HaloOutcome, HaloStatus } from './types.js';

/** A ticket as serve reads it. */
export interface HaloTicket {
  id: number;
  summary: string;
  statusId: number;
  ticketTypeId?: number;
  clientId?: number;
  siteId?: number;
  userId?: number;
  /** `ninja_alert_id`: the NinjaOne alert (series) the ticket is for. */
  ninjaAlertId?: string;
  /** `third_party_id_string`: haloform writes `haloform:<series>` here too (NOTES §4.4: one tenant did not keep it). */
  thirdPartyId?: string;
  assetIds: number[];
}

/** An action (note) on a ticket. */
export interface HaloAction {
  id: number;
  ticketId: number;
  /** The agent who wrote it (`who_agentid`); undefined or ≤ 0 for Halo itself. */
  agentId?: number;
  outcomeId?: number;
  /** note_html, else note. */
  text: string;
  newStatus?: number;
}

/** An asset carrying a NinjaOne device id, with its users' sites (a ticket's user must be on the ticket's site). */
export interface HaloLinkedAsset {
  id: number;
  ninjaId: number;
  clientId: number;
  siteId: number;
  inactive: boolean;
  inventoryNumber?: string;
  users: { id: number; siteId?: number }[];
}

/** What an alert ticket is created with. */
export interface NewAlertTicket {
  summary: string;
  detailsHtml: string;
  ticketTypeId: number;
  clientId: number;
  siteId: number;
  /** A specific end user (on `siteId`); undefined selects the site's General User. */
  userId?: number;
  priorityId?: number;
  assetIds: number[];
  /** The NinjaOne alert uid (series). */
  ninjaAlertId: string;
  ninjaDeviceId?: number;
  /** `third_party_id_string`. */
  thirdPartyId: string;
}

export interface TicketQuery {
  ticketTypeId?: number;
  openOnly?: boolean;
  /** Sent as `ninja_alert_id`; Halo's swagger lacks that filter, so results are checked here too. */
  ninjaAlertId?: string;
  clientId?: number;
  assetId?: number;
}

/** General User: `usertype: 1` makes Halo put the site's General User on the ticket (NOTES §4.3). */
const GENERAL_USER_TYPE = 1;

export class HaloTickets {
  constructor(readonly halo: HaloApiClient) {}

  /** `GET /api/Status` (a bare array, NOTES §3). */
  async readStatuses(signal?: AbortSignal): Promise<HaloStatus[]> {
    const label = 'GET /api/Status';
    const response = await this.halo.http.request({ method: 'GET', path: '/api/Status', label, ...(signal ? { signal } : {}) });
    return rows(response.body, 'statuses', ctx(label, 'response')).map((r, i) => {
      const c = ctx(label, `statuses[${i}]`);
      return { id: requiredInt(r, 'id', c), name: optionalString(r, 'name', c) ?? '' };
    });
  }

  /** `GET /api/Outcome`: outcomes carry their name in `outcome` (or `buttonname`). */
  async readOutcomes(signal?: AbortSignal): Promise<HaloOutcome[]> {
    const label = 'GET /api/Outcome';
    const response = await this.halo.http.request({ method: 'GET', path: '/api/Outcome', label, ...(signal ? { signal } : {}) });
    return rows(response.body, 'outcomes', ctx(label, 'response')).map((r, i) => {
      const c = ctx(label, `outcomes[${i}]`);
      const name = optionalString(r, 'outcome', c) ?? optionalString(r, 'name', c) ?? optionalString(r, 'buttonname', c) ?? '';
      return { id: requiredInt(r, 'id', c), name };
    });
  }

  /** Every asset with a NinjaOne id (`integration_type=ninjarmm`), inactive ones included. */
  async readLinkedAssets(signal?: AbortSignal): Promise<HaloLinkedAsset[]> {
    const out: HaloLinkedAsset[] = [];
    for (const { r, c } of await this.#rows('/api/Asset', 'assets', { integration_type: 'ninjarmm', includeinactive: true }, signal)) {
      const ninjaId = optionalInt(r, 'ninjarmm_id', c);
      if (ninjaId === undefined || ninjaId <= 0) continue;
      const users = Array.isArray(r.users)
        ? r.users.map((u, i) => {
            const uc = { ...c, where: `${c.where}.users[${i}]` };
            const ur = asRecord(u, uc);
            const siteId = optionalInt(ur, 'site_id_int', uc) ?? optionalInt(ur, 'site_id', uc);
            return { id: requiredInt(ur, 'id', uc), ...(siteId !== undefined ? { siteId } : {}) };
          })
        : [];
      const inventoryNumber = optionalString(r, 'inventory_number', c);
      out.push({
        id: requiredInt(r, 'id', c),
        ninjaId,
        clientId: requiredInt(r, 'client_id', c),
        siteId: requiredInt(r, 'site_id', c),
        inactive: optionalBoolean(r, 'inactive', c) ?? false,
        ...(inventoryNumber ? { inventoryNumber } : {}),
        users,
      });
    }
    return out;
  }

  /** Creates one ticket; returns it as Halo saved it. */
  async createTicket(input: NewAlertTicket, signal?: AbortSignal): Promise<HaloTicket> {
    const item: Record<string, unknown> = {
      summary: input.summary,
      details_html: input.detailsHtml,
      tickettype_id: input.ticketTypeId,
      client_id: input.clientId,
      site_id: input.siteId,
      ...(input.userId !== undefined ? { user_id: input.userId } : { usertype: GENERAL_USER_TYPE }),
      ...(input.priorityId !== undefined ? { priority_id: input.priorityId } : {}),
      assets: input.assetIds.map((id) => ({ id })),
      ninja_alert_id: input.ninjaAlertId,
      ...(input.ninjaDeviceId !== undefined ? { ninja_device_id: input.ninjaDeviceId } : {}),
      third_party_id_string: input.thirdPartyId,
    };
    return ticketFrom(await this.#postOne('Tickets', item, signal), ctx('POST /api/Tickets', 'response'));
  }

  /** One ticket; undefined when Halo no longer has it. */
  async readTicket(id: number, signal?: AbortSignal): Promise<HaloTicket | undefined> {
    const label = 'GET /api/Tickets/{id}';
    const response = await this.halo.http.request({ method: 'GET', path: `/api/Tickets/${id}`, label, accept: [404], ...(signal ? { signal } : {}) });
    if (response.status === 404) return undefined;
    return ticketFrom(asRecord(response.body, ctx(label, 'ticket')), ctx(label, 'ticket'));
  }

  /** Tickets matching a query, every page. */
  async findTickets(query: TicketQuery, signal?: AbortSignal): Promise<HaloTicket[]> {
    const q: Query = {
      ...(query.ticketTypeId !== undefined ? { requesttype_id: query.ticketTypeId } : {}),
      ...(query.openOnly ? { open_only: true } : {}),
      ...(query.ninjaAlertId !== undefined ? { ninja_alert_id: query.ninjaAlertId } : {}),
      ...(query.clientId !== undefined ? { client_id: query.clientId } : {}),
      ...(query.assetId !== undefined ? { asset_id: query.assetId } : {}),
    };
    const tickets = (await this.#rows('/api/Tickets', 'tickets', q, signal)).map(({ r, c }) => ticketFrom(r, c));
    // Unknown filters are silently ignored by Halo (NOTES §3): check what came back.
    return tickets.filter(
      (t) =>
        (query.ninjaAlertId === undefined || t.ninjaAlertId === query.ninjaAlertId || t.thirdPartyId === `haloform:${query.ninjaAlertId}`) &&
        (query.ticketTypeId === undefined || t.ticketTypeId === undefined || t.ticketTypeId === query.ticketTypeId) &&
        (query.clientId === undefined || t.clientId === undefined || t.clientId === query.clientId),
    );
  }

  /** The ticket's actions, oldest first. */
  async readActions(ticketId: number, signal?: AbortSignal): Promise<HaloAction[]> {
    const actions = (await this.#rows('/api/Actions', 'actions', { ticket_id: ticketId }, signal)).map(({ r, c }) => actionFrom(r, c));
    return actions.filter((a) => a.ticketId === ticketId).sort((a, b) => a.id - b.id);
  }

  /** Adds an internal note (hidden from the end user). */
  async addNote(ticketId: number, outcomeId: number, html: string, signal?: AbortSignal): Promise<HaloAction> {
    const saved = await this.#postOne('Actions', { ticket_id: ticketId, outcome_id: outcomeId, note_html: html, hiddenfromuser: true }, signal);
    return actionFrom(saved, ctx('POST /api/Actions', 'response'));
  }

  /** Moves a ticket to a status (`POST /api/Tickets [{id, status_id}]`). */
  async setStatus(ticketId: number, statusId: number, signal?: AbortSignal): Promise<HaloTicket> {
    return ticketFrom(await this.#postOne('Tickets', { id: ticketId, status_id: statusId }, signal), ctx('POST /api/Tickets', 'response'));
  }

  /** Every row of a paged list, through the client's paging (NOTES §3). */
  async #rows(path: string, key: string, query: Query, signal?: AbortSignal): Promise<{ r: Record<string, unknown>; c: ShapeContext }[]> {
    return (await this.halo.list(path, key, query, signal)).map(({ r, ctx: c }) => ({ r, c }));
  }

  async #postOne(resource: 'Tickets' | 'Actions', item: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const label = `POST /api/${resource}`;
    const response = await this.halo.http.request({ method: 'POST', path: `/api/${resource}`, json: [item], label, ...(signal ? { signal } : {}) });
    // One object posted: Halo answers the object; accept a one-element array too (NOTES §2).
    const body = Array.isArray(response.body) ? response.body[0] : response.body;
    return asRecord(body, ctx(label, 'response'));
  }
}

function ctx(label: string, where: string): ShapeContext {
  return { api: 'Halo', label, where };
}

/** A bare array, or the array under `key` of an envelope. */
function rows(body: unknown, key: string, c: ShapeContext): Record<string, unknown>[] {
  if (Array.isArray(body)) return body.map((r, i) => asRecord(r, { ...c, where: `${key}[${i}]` }));
  if (body === undefined || body === null || body === '') return [];
  const r = asRecord(body, c);
  const list = r[key] ?? Object.values(r).find(Array.isArray) ?? [];
  return asArray(list, { ...c, where: `${c.where}.${key}` }).map((row, i) => asRecord(row, { ...c, where: `${key}[${i}]` }));
}

function ticketFrom(r: Record<string, unknown>, c: ShapeContext): HaloTicket {
  const assetIds = Array.isArray(r.assets)
    ? r.assets.map((a, i) => {
        const ac = { ...c, where: `${c.where}.assets[${i}]` };
        return requiredInt(asRecord(a, ac), 'id', ac);
      })
    : [];
  const typeId = optionalInt(r, 'tickettype_id', c);
  const clientId = optionalInt(r, 'client_id', c);
  const siteId = optionalInt(r, 'site_id', c);
  const userId = optionalInt(r, 'user_id', c);
  const alertId = optionalString(r, 'ninja_alert_id', c);
  const thirdParty = optionalString(r, 'third_party_id_string', c);
  return {
    id: requiredInt(r, 'id', c),
    summary: optionalString(r, 'summary', c) ?? '',
    statusId: requiredInt(r, 'status_id', c),
    ...(typeId !== undefined ? { ticketTypeId: typeId } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(siteId !== undefined ? { siteId } : {}),
    ...(userId !== undefined ? { userId } : {}),
    ...(alertId ? { ninjaAlertId: alertId } : {}),
    ...(thirdParty ? { thirdPartyId: thirdParty } : {}),
    assetIds,
  };
}

function actionFrom(r: Record<string, unknown>, c: ShapeContext): HaloAction {
  const agentId = typeof r.who_agentid === 'number' || typeof r.who_agentid === 'string' ? optionalIntLoose(r.who_agentid) : undefined;
  const outcomeId = optionalInt(r, 'outcome_id', c);
  const newStatus = optionalInt(r, 'new_status', c);
  const html = typeof r.note_html === 'string' ? r.note_html : '';
  const text = typeof r.note === 'string' ? r.note : '';
  return {
    id: requiredInt(r, 'id', c),
    ticketId: requiredInt(r, 'ticket_id', c),
    ...(agentId !== undefined ? { agentId } : {}),
    ...(outcomeId !== undefined ? { outcomeId } : {}),
    text: html || text,
    ...(newStatus !== undefined ? { newStatus } : {}),
  };
}

/** `who_agentid` as a number; Halo writes -1 or 0 for itself, which stay as they are (not "absent"). */
function optionalIntLoose(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}
