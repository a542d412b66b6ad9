/**
 * Halo calls for alert tickets (what `haloform serve` needs): create a ticket, read it and its
 * actions, add an internal note, change its status, find tickets by NinjaOne alert id, and read
 * the lookups (statuses, outcomes) and the NinjaOne-linked assets a ticket is attached to.
 * Over HaloApiClient's HttpClient, so every call is paced by the shared rate limiter, retried as
 * the HTTP layer allows and redacted. reference/halopsa/NOTES.md §3, §4.3, §4.6.
 */

import { RowReader } from '../http/rows.js';
import { asArray, asRecord, shapeError, type ShapeContext } from '../http/shape.js';
import type { Query } from '../http/index.js';
import type { HaloApiClient } from './client.js';
import type { HaloOutcome, HaloStatus } from './types.js';
import type { HaloIdentity } from '../rmm/provider.js';

/** A ticket as serve reads it. */
export interface HaloTicket {
  id: number;
  summary: string;
  statusId: number;
  ticketTypeId?: number;
  clientId?: number;
  siteId?: number;
  userId?: number;
  /** The RMM alert (series) the ticket is for, in the field the provider names (`ninja_alert_id`). */
  ninjaAlertId?: string;
  /** `dateclosed` as epoch ms (Halo writes no offset: read as UTC [unverified zone]). */
  closedAt?: number;
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
  rmmId: number;
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
  /** From the alert's route (alerts.routes): the team by name, the agent, category, starting status and SLA. */
  team?: string;
  agentId?: number;
  category?: string;
  statusId?: number;
  slaId?: number;
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
  /** Sent in the provider's alert field (`ninja_alert_id`); Halo's swagger lacks that filter, so results are checked here too. */
  ninjaAlertId?: string;
  clientId?: number;
  assetId?: number;
}

/**
 * The status of a ticket whose row did not say (0: Halo's status ids start at 1). It is never
 * Closed and never the status haloform created the ticket with, so such a ticket is left open and
 * noted, never closed blind.
 */
export const UNKNOWN_STATUS_ID = 0;

/** General User: `usertype: 1` makes Halo put the site's General User on the ticket (NOTES §4.3). */
const GENERAL_USER_TYPE = 1;

export class HaloTickets {
  constructor(readonly halo: HaloApiClient) {}

  /** `GET /api/Status` (a bare array, NOTES §3). */
  async readStatuses(signal?: AbortSignal): Promise<HaloStatus[]> {
    const label = 'GET /api/Status';
    const response = await this.halo.http.request({ method: 'GET', path: '/api/Status', label, ...(signal ? { signal } : {}) });
    return this.#read(rows(response.body, 'statuses', ctx(label, 'response')), label, 'status', (r) => {
      const id = r.int('id', IDENTITY);
      return id === undefined ? undefined : { id, name: r.string('name') ?? '' };
    });
  }

  /** `GET /api/Outcome`: outcomes carry their name in `outcome` (or `buttonname`). */
  async readOutcomes(signal?: AbortSignal): Promise<HaloOutcome[]> {
    const label = 'GET /api/Outcome';
    const response = await this.halo.http.request({ method: 'GET', path: '/api/Outcome', label, ...(signal ? { signal } : {}) });
    return this.#read(rows(response.body, 'outcomes', ctx(label, 'response')), label, 'outcome', (r) => {
      const id = r.int('id', IDENTITY);
      return id === undefined ? undefined : { id, name: r.string('outcome') ?? r.string('name') ?? r.string('buttonname') ?? '' };
    });
  }

  /**
   * Every asset the RMM's integration links (`integration_type`, the provider's: `ninjarmm`),
   * inactive ones included. An asset Halo lists without its client or site cannot place a ticket:
   * it is left out (the ticket is placed by the device's location instead) and reported.
   */
  async readLinkedAssets(signal?: AbortSignal): Promise<HaloLinkedAsset[]> {
    const out: HaloLinkedAsset[] = [];
    for (const { r } of await this.#rows('/api/Asset', 'assets', { integration_type: this.halo.identity.integrationType, includeinactive: true }, signal)) {
      const row = new RowReader(r, 'Halo', 'GET /api/Asset', 'asset', 'asset');
      const id = row.int('id', IDENTITY);
      const rmmId = row.int(this.halo.identity.asset);
      const inventoryNumber = row.string('inventory_number');
      if (id !== undefined) row.name(`asset ${id}${inventoryNumber ? ` "${inventoryNumber}"` : ''}`);
      const placeable = { identity: "left out of alert placement: a ticket cannot be put on an asset with no client or site; the device's location is used instead" };
      const clientId = rmmId !== undefined && rmmId > 0 ? row.int('client_id', placeable) : undefined;
      const siteId = rmmId !== undefined && rmmId > 0 ? row.int('site_id', placeable) : undefined;
      const users: { id: number; siteId?: number }[] = [];
      for (const u of row.list('users') ?? []) {
        if (u === null || typeof u !== 'object' || Array.isArray(u)) continue;
        const ur = new RowReader(u as Record<string, unknown>, 'Halo', 'GET /api/Asset', 'user', '');
        const userId = ur.int('id');
        const userSite = ur.int('site_id_int') ?? ur.int('site_id');
        if (userId !== undefined) users.push({ id: userId, ...(userSite !== undefined ? { siteId: userSite } : {}) });
      }
      if (!row.report(this.halo.onReadProblem) || id === undefined || rmmId === undefined || rmmId <= 0 || clientId === undefined || siteId === undefined) continue;
      out.push({
        id,
        rmmId,
        clientId,
        siteId,
        inactive: row.boolean('inactive') ?? false,
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
      ...(input.team !== undefined ? { team: input.team } : {}),
      ...(input.agentId !== undefined ? { agent_id: input.agentId } : {}),
      ...(input.category !== undefined ? { category_1: input.category } : {}),
      ...(input.statusId !== undefined ? { status_id: input.statusId } : {}),
      ...(input.slaId !== undefined ? { sla_id: input.slaId } : {}),
      assets: input.assetIds.map((id) => ({ id })),
      [this.halo.identity.ticketAlert]: input.ninjaAlertId,
      ...(input.ninjaDeviceId !== undefined ? { [this.halo.identity.ticketDevice]: input.ninjaDeviceId } : {}),
      third_party_id_string: input.thirdPartyId,
    };
    return ticketFrom(await this.#postOne('Tickets', item, signal), ctx('POST /api/Tickets', 'response'), this.halo.identity);
  }

  /** One ticket; undefined when Halo no longer has it. */
  async readTicket(id: number, signal?: AbortSignal): Promise<HaloTicket | undefined> {
    const label = 'GET /api/Tickets/{id}';
    const response = await this.halo.http.request({ method: 'GET', path: `/api/Tickets/${id}`, label, accept: [404], ...(signal ? { signal } : {}) });
    if (response.status === 404) return undefined;
    return ticketFrom(asRecord(response.body, ctx(label, 'ticket')), ctx(label, 'ticket'), this.halo.identity);
  }

  /** Tickets matching a query, every page. */
  async findTickets(query: TicketQuery, signal?: AbortSignal): Promise<HaloTicket[]> {
    const q: Query = {
      ...(query.ticketTypeId !== undefined ? { requesttype_id: query.ticketTypeId } : {}),
      ...(query.openOnly ? { open_only: true } : {}),
      ...(query.ninjaAlertId !== undefined ? { [this.halo.identity.ticketAlert]: query.ninjaAlertId } : {}),
      ...(query.clientId !== undefined ? { client_id: query.clientId } : {}),
      ...(query.assetId !== undefined ? { asset_id: query.assetId } : {}),
    };
    const tickets = this.#read((await this.#rows('/api/Tickets', 'tickets', q, signal)).map(({ r }) => r), 'GET /api/Tickets', 'ticket', (row) => ticketFromRow(row, this.halo.identity));
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
    const actions = this.#read((await this.#rows('/api/Actions', 'actions', { ticket_id: ticketId }, signal)).map(({ r }) => r), 'GET /api/Actions', 'action', (row) => actionFromRow(row));
    return actions.filter((a) => a.ticketId === ticketId).sort((a, b) => a.id - b.id);
  }

  /** Adds an internal note (hidden from the end user). */
  async addNote(ticketId: number, outcomeId: number, html: string, signal?: AbortSignal): Promise<HaloAction> {
    const saved = await this.#postOne('Actions', { ticket_id: ticketId, outcome_id: outcomeId, note_html: html, hiddenfromuser: true }, signal);
    return actionFrom(saved, ctx('POST /api/Actions', 'response'));
  }

  /** Moves a ticket to a status (`POST /api/Tickets [{id, status_id}]`). */
  async setStatus(ticketId: number, statusId: number, signal?: AbortSignal): Promise<HaloTicket> {
    return ticketFrom(await this.#postOne('Tickets', { id: ticketId, status_id: statusId }, signal), ctx('POST /api/Tickets', 'response'), this.halo.identity);
  }

  /** Every row of a paged list, through the client's paging (NOTES §3). */
  async #rows(path: string, key: string, query: Query, signal?: AbortSignal): Promise<{ r: Record<string, unknown>; c: ShapeContext }[]> {
    return (await this.halo.list(path, key, query, signal)).map(({ r, ctx: c }) => ({ r, c }));
  }

  /** Rows read with `read`; rows it leaves out are reported to the client's problem sink. */
  #read<T>(records: Record<string, unknown>[], label: string, noun: string, read: (row: RowReader) => T | undefined): T[] {
    const out: T[] = [];
    records.forEach((r, i) => {
      const row = new RowReader(r, 'Halo', label, noun, `${noun}s[${i}]`);
      const value = read(row);
      if (row.report(this.halo.onReadProblem) && value !== undefined) out.push(value);
    });
    return out;
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
  const isRow = (row: unknown): row is Record<string, unknown> => row !== null && typeof row === 'object' && !Array.isArray(row);
  if (Array.isArray(body)) return body.filter(isRow);
  if (body === undefined || body === null || body === '') return [];
  const r = asRecord(body, c);
  const list = r[key] ?? Object.values(r).find(Array.isArray) ?? [];
  return asArray(list, { ...c, where: `${c.where}.${key}` }).filter(isRow);
}

const IDENTITY = { identity: 'left out: haloform cannot refer to a row without its id' };

/** A ticket Halo answered for one request (a write, a read by id): a missing id is a bad response. */
function ticketFrom(r: Record<string, unknown>, c: ShapeContext, identity: HaloIdentity): HaloTicket {
  const ticket = ticketFromRow(new RowReader(r, 'Halo', c.label, 'ticket', c.where), identity);
  if (!ticket) throw shapeError(c, 'id', 'is missing');
  return ticket;
}

/** A ticket record from elsewhere than a read (the ticket a Halo webhook posts); undefined without an id. */
export function ticketFromRecord(record: Record<string, unknown>, identity: HaloIdentity, where: string): HaloTicket | undefined {
  return ticketFromRow(new RowReader(record, 'Halo', 'Halo webhook', 'ticket', where), identity);
}

function ticketFromRow(row: RowReader, identity: HaloIdentity): HaloTicket | undefined {
  const id = row.int('id', IDENTITY);
  if (id === undefined) return undefined;
  row.name(`ticket ${id}`);
  const assetIds: number[] = [];
  for (const a of row.list('assets') ?? []) {
    const assetId = a !== null && typeof a === 'object' && !Array.isArray(a) ? new RowReader(a as Record<string, unknown>, 'Halo', row.label, 'asset', '').int('id') : undefined;
    if (assetId !== undefined) assetIds.push(assetId);
  }
  const typeId = row.int('tickettype_id');
  const clientId = row.int('client_id');
  const siteId = row.int('site_id');
  const userId = row.int('user_id');
  const alertId = row.string(identity.ticketAlert);
  const thirdParty = row.string('third_party_id_string');
  const closedAt = haloTimeMs(row.string('dateclosed'));
  return {
    id,
    summary: row.string('summary') ?? '',
    statusId: row.int('status_id', { needed: 'its status is unknown, so haloform never closes it on its own' }) ?? UNKNOWN_STATUS_ID,
    ...(typeId !== undefined ? { ticketTypeId: typeId } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(siteId !== undefined ? { siteId } : {}),
    ...(userId !== undefined ? { userId } : {}),
    ...(alertId ? { ninjaAlertId: alertId } : {}),
    ...(thirdParty ? { thirdPartyId: thirdParty } : {}),
    ...(closedAt !== undefined ? { closedAt } : {}),
    assetIds,
  };
}

/** Halo's `2024-05-01T09:30:12.357` (no offset) as epoch ms, read as UTC; undefined for anything else, and for Halo's empty date (1900). */
function haloTimeMs(text: string | undefined): number | undefined {
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
  return Number.isFinite(ms) && ms > Date.UTC(1901, 0, 1) ? ms : undefined;
}

function actionFrom(r: Record<string, unknown>, c: ShapeContext): HaloAction {
  const action = actionFromRow(new RowReader(r, 'Halo', c.label, 'action', c.where));
  if (!action) throw shapeError(c, 'id', 'is missing');
  return action;
}

function actionFromRow(row: RowReader): HaloAction | undefined {
  const r = row.record;
  const id = row.int('id', IDENTITY);
  const ticketId = row.int('ticket_id', { identity: 'left out: an action on no ticket' });
  if (id === undefined || ticketId === undefined) return undefined;
  const agentId = typeof r.who_agentid === 'number' || typeof r.who_agentid === 'string' ? optionalIntLoose(r.who_agentid) : undefined;
  const outcomeId = row.int('outcome_id');
  const newStatus = row.int('new_status');
  const html = typeof r.note_html === 'string' ? r.note_html : '';
  const text = typeof r.note === 'string' ? r.note : '';
  return {
    id,
    ticketId,
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
