/**
 * The small lists tickets and assets refer to, each a bare array (reference/halopsa/NOTES.md §3):
 * `/api/TicketType`, `/api/Status`, `/api/Priority` (ids as strings, NOTES §4), `/api/Outcome`,
 * `/api/AssetGroup`, `/api/TopLevel` — the last three are undocumented; the simulator answers bare
 * arrays. Asset groups and top levels can be created (haloform may need them); the others are
 * read-only here. The routes come from their entries in resource-table.ts; this module holds
 * those entries' hooks.
 */

import { badRequest } from '../errors.js';
import { requireText, type ItemReader } from '../item-reader.js';
import type { OutcomeRecord, PriorityRecord, TicketTypeRecord } from '../records.js';
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

export function renderPriority(priority: PriorityRecord): Record<string, unknown> {
  return { id: String(priority.id), priorityid: priority.id, name: priority.name };
}

export function renderOutcome(outcome: OutcomeRecord): Record<string, unknown> {
  return { id: outcome.id, outcome: outcome.outcome, buttonname: outcome.outcome };
}

/** A row that is just `{id, name}`: statuses (their type left out), asset groups, top levels. */
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
