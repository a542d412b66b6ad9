/**
 * `/api/Actions` (reference/halopsa/NOTES.md §4.6): notes on a ticket. An outcome is mandatory
 * (`An Outcome must be entered for this Action`), the agent is the API app's (`who_agentid`), and
 * `new_status` moves the ticket. List: `{record_count, actions}` filtered by `ticket_id`.
 * The routes come from its entry in resource-table.ts; this module holds that entry's hooks.
 */

import type { TokenGrant } from '../auth.js';
import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { ItemReader } from '../item-reader.js';
import type { Query } from '../query.js';
import type { ActionRecord, OutcomeRecord } from '../records.js';
import { patched, referenced, required, toUpdate } from './common.js';
import { withStatus } from './tickets.js';

/** Halo's message when an action has no outcome (observed: CIPP). */
export const OUTCOME_REQUIRED = 'An Outcome must be entered for this Action';

export function renderAction(ctx: HaloContext, action: ActionRecord): Record<string, unknown> {
  const { store } = ctx;
  return {
    id: action.id,
    ticket_id: action.ticket_id,
    outcome_id: action.outcome_id,
    outcome: store.outcomes.get(action.outcome_id)?.outcome,
    who_agentid: action.who_agentid,
    datetime: action.datetime,
    note: action.note,
    note_html: action.note_html,
    hiddenfromuser: action.hiddenfromuser,
    new_status: action.new_status,
    new_status_name: action.new_status === undefined ? undefined : store.statuses.get(action.new_status)?.name,
  };
}

/** What a new action needs; used by POST /api/Actions and the control API's technician action. */
export interface NewAction {
  ticket_id: number;
  outcome_id: number;
  who_agentid: number;
  note?: string;
  note_html?: string;
  hiddenfromuser?: boolean;
  new_status?: number;
}

/** Adds an action, moves the ticket to `new_status` when given, and stamps the ticket's lastactiondate. */
export function addAction(ctx: HaloContext, input: NewAction): ActionRecord {
  const { store } = ctx;
  const now = ctx.time();
  const action: ActionRecord = patched(
    { id: store.actions.nextId(), ticket_id: input.ticket_id, outcome_id: input.outcome_id, who_agentid: input.who_agentid, hiddenfromuser: input.hiddenfromuser ?? false, datetime: now },
    { note: input.note, note_html: input.note_html, new_status: input.new_status },
  );
  store.actions.put(action);
  const ticket = store.tickets.get(input.ticket_id)!;
  const moved = input.new_status === undefined ? ticket : withStatus(ctx, ticket, input.new_status);
  store.tickets.put({ ...moved, lastactiondate: now });
  return action;
}

function readOutcome(ctx: HaloContext, item: ItemReader): OutcomeRecord | undefined {
  const id = item.int('outcome_id');
  if (id !== undefined && id !== null && id > 0) return referenced(ctx.store.outcomes, id, item, 'outcome_id', 'Outcome');
  const name = item.string('outcome')?.trim().toLowerCase();
  if (!name) return undefined;
  const found = ctx.store.outcomes.all().find((o) => o.outcome.toLowerCase() === name);
  if (!found) throw badRequest(`Outcome "${item.string('outcome')}" does not exist. Path '${item.at('outcome')}'.`);
  return found;
}

/** Saves an action; a new one is by the API app's agent (`who_agentid`). */
export function saveAction(ctx: HaloContext, item: ItemReader, grant: TokenGrant): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.actions, id, 'Action');
  const newStatus = item.int('new_status');
  if (newStatus !== undefined && newStatus !== null && newStatus > 0) referenced(store.statuses, newStatus, item, 'new_status', 'Status');
  const outcome = readOutcome(ctx, item);
  if (existing) {
    const next = patched(existing, {
      outcome_id: outcome?.id,
      note: item.string('note'),
      note_html: item.string('note_html'),
      hiddenfromuser: item.bool('hiddenfromuser'),
    });
    store.actions.put(next);
    return next.id;
  }
  const ticketId = required(item.int('ticket_id'), item, 'ticket_id', 'add an action');
  referenced(store.tickets, ticketId, item, 'ticket_id', 'Ticket');
  if (!outcome) throw badRequest(OUTCOME_REQUIRED);
  const input: NewAction = { ticket_id: ticketId, outcome_id: outcome.id, who_agentid: grant.app.agentId };
  const note = item.string('note');
  const noteHtml = item.string('note_html');
  const hidden = item.bool('hiddenfromuser');
  if (note !== undefined && note !== null) input.note = note;
  if (noteHtml !== undefined && noteHtml !== null) input.note_html = noteHtml;
  if (hidden !== undefined && hidden !== null) input.hiddenfromuser = hidden;
  if (newStatus !== undefined && newStatus !== null && newStatus > 0) input.new_status = newStatus;
  return addAction(ctx, input).id;
}

/** `GET /api/Actions`: every action, or one ticket's (`ticket_id`). */
export function selectActions(ctx: HaloContext, query: Query): ActionRecord[] {
  const ticketId = query.int('ticket_id');
  return ticketId === undefined ? ctx.store.actions.all() : ctx.store.actions.find('ticket', ticketId);
}
