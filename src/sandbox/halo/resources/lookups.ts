/**
 * The small lists tickets and assets refer to, each a bare array (reference/halopsa/NOTES.md §3):
 * `/api/TicketType`, `/api/Status`, `/api/Priority` (ids as strings, NOTES §4), `/api/Outcome`,
 * `/api/AssetGroup`, `/api/TopLevel` — the last three are undocumented; the simulator answers bare
 * arrays — and alert routing's `/api/SLA`, `/api/Team`, `/api/Agent`, `/api/Category`, bare arrays
 * as the other lookups [unverified: no capture of these four]. Asset groups and top levels can be
 * created (haloform may need them); the others are read-only here. The routes come from their
 * entries in resource-table.ts; this module holds those entries' hooks.
 */

import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import { requireText, type ItemReader } from '../item-reader.js';
import type { Query } from '../query.js';
import type { AgentRecord, CategoryRecord, OutcomeRecord, PriorityRecord, TeamRecord, TicketTypeRecord } from '../records.js';
import type { Table } from '../table.js';
import { patched, toUpdate } from './common.js';

export function renderTicketType(type: TicketTypeRecord): Record<string, unknown> {
  return {
    id: type.id,
    name: type.name,
    initial_status: type.initial_status,
    default_priority: type.default_priority,
    // No SLA is modelled: Halo writes -1 for "none" (NOTES §4).
    default_sla: -1,
    visible: true,
    agentscanselect: true,
  };
}

/** A Policy row: `id` a string (NOTES §4), `priorityid` what tickets carry in `priority_id`, `slaid` its SLA. */
export function renderPriority(priority: PriorityRecord): Record<string, unknown> {
  return { id: String(priority.id), priorityid: priority.id, name: priority.name, ...(priority.slaid !== undefined ? { slaid: priority.slaid } : {}) };
}

/** A team as SectionDetail: `name` null on a team without one, as the row holds it. */
export function renderTeam(team: TeamRecord): Record<string, unknown> {
  return { id: team.id, name: team.name, inactive: team.inactive ?? false, department_id: team.department_id ?? -1 };
}

/** An agent as Uname's list fields. */
export function renderAgent(agent: AgentRecord): Record<string, unknown> {
  return { id: agent.id, name: agent.name, email: agent.email ?? '', isdisabled: agent.isdisabled, team: agent.team ?? '' };
}

/** A category as CategoryDetail's fields [unverified: the list row's shape is read from the swagger, never observed]. */
export function renderCategory(category: CategoryRecord): Record<string, unknown> {
  return { id: category.id, value: category.value, type_id: category.type_id, ...(category.category_name !== undefined ? { category_name: category.category_name } : {}) };
}

/** Ticket categories are type 1 (`category_1`); the simulator's default when `type_id` is not given [unverified]. */
export const TICKET_CATEGORY_TYPE = 1;

/**
 * `GET /api/Category`: the categories of `type_id` (default 1). The swagger's other filters
 * (`team_id`, `tickettype_id`, …) restrict categories per team or type, which the simulator does
 * not model: it ignores them, as Halo ignores what it does not know.
 */
export function selectCategories(ctx: HaloContext, query: Query): CategoryRecord[] {
  return ctx.store.categories.find('type', query.int('type_id') ?? TICKET_CATEGORY_TYPE);
}

export function renderOutcome(outcome: OutcomeRecord): Record<string, unknown> {
  return { id: outcome.id, outcome: outcome.outcome, buttonname: outcome.outcome };
}

/** A row that is just `{id, name}`: statuses (their type left out), asset groups, top levels, SLAs. */
export function renderNamed(row: { id: number; name: string }): Record<string, unknown> {
  return { id: row.id, name: row.name };
}

/** POST for a table whose records are just `{id, name}`: renames, or creates with the next id. */
export function saveNamed<T extends { id: number; name: string }>(table: Table<T>, what: string, item: ItemReader): number {
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
}
