/**
 * Reading the Halo lists alert routing names — teams, agents, ticket categories, SLAs, priorities
 * and statuses — so plan can check a spec's names and serve can put them on tickets. Each list is
 * read only when asked for, all in parallel, and each tolerates what tenants send: a bare array or
 * an envelope `{record_count, <key>: […]}`, ids as `21.0` or `"21"`, `-1` for none
 * (reference/halopsa/NOTES.md §3–§4). A row without its id or its name is left out and reported to
 * the problem sink, never thrown.
 */

import { notARow, RowReader, type ProblemSink } from '../http/rows.js';
import { asArray, asRecord, optionalInt, type ShapeContext } from '../http/shape.js';
import type { Query } from '../http/index.js';
import type { HaloApiClient } from './client.js';

/** A row of a list whose entries are named: a team, a category, an SLA, a status. */
export interface HaloNamed {
  id: number;
  /** As Halo spells it; never empty (a row without a name is left out). */
  name: string;
}

/** An agent (`/api/Agent`, swagger `Uname`): tickets carry its id in `agent_id`. */
export interface HaloAgentRow {
  id: number;
  /** Never empty (a row without a name is left out). */
  name: string;
  /** `isdisabled`: an agent who left. Still listed, so plan can say so rather than "unknown". */
  disabled: boolean;
}

/** A priority (`/api/Priority`, swagger `Policy`). */
export interface HaloPriorityRow {
  /** `priorityid`: the value tickets carry in `priority_id` (the row's own `id` is a string or GUID, NOTES §4). */
  id: number;
  name: string;
  /** `slaid`: the SLA the priority belongs to (priorities are per SLA, NOTES §4.6); absent when Halo does not say. */
  slaId?: number;
}

/** The lists routing needs; a list not asked for is empty. */
export interface HaloRoutingLookups {
  teams: HaloNamed[];
  agents: HaloAgentRow[];
  /** Ticket categories (`type_id` 1: what `category_1` holds). The same name may appear twice: Halo does not stop it. */
  categories: HaloNamed[];
  slas: HaloNamed[];
  priorities: HaloPriorityRow[];
  statuses: HaloNamed[];
}

/** Which lists to read. */
export type HaloRoutingNeed = Partial<Record<keyof HaloRoutingLookups, boolean>>;

/** One list: where it is, the envelope key it may come under, what its rows are called and how they read. */
interface ListRead<T> {
  path: string;
  query?: Query;
  /** The array's key when Halo answers an envelope. */
  key: string;
  /** What a row is, in problems: `team`. */
  noun: string;
  /** The rows, in messages: `teams`, `SLAs`. */
  plural: string;
  read(row: RowReader): T | undefined;
}

const IDENTITY = { identity: 'left out: haloform cannot refer to a row without its id' };

/** The advice on a 403: which permission the API application or its agent lacks [unverified which one Halo checks for these lists]. */
function forbidden(plural: string): string {
  return `Halo refused to list its ${plural}: give the API application the read:tickets scope (or all) and check that the agent it logs in as may see ${plural}`;
}

/** Left out when its name is missing: a route can only name it by name. */
function nameRole(plural: string): { identity: string } {
  return { identity: `left out: alerts.routes names ${plural} by name, and this one has none; give it a name in Halo` };
}

/** `team 3 "Backup"`: a row as a person finds it in Halo. */
function labelled(row: RowReader, noun: string, id: number, name: string | undefined): void {
  row.name(`${noun} ${id}${name && name.trim() !== '' ? ` "${name.trim()}"` : ''}`);
}

/** A list of rows `{id, name}` read by `name` (teams, SLAs, statuses). */
function namedRow(noun: string, plural: string): (row: RowReader) => HaloNamed | undefined {
  return (row) => {
    const id = row.int('id', IDENTITY);
    const name = row.string('name', nameRole(plural));
    if (id !== undefined) labelled(row, noun, id, name);
    return id === undefined || name === undefined ? undefined : { id, name };
  };
}

const TEAMS: ListRead<HaloNamed> = { path: '/api/Team', key: 'teams', noun: 'team', plural: 'teams', read: namedRow('team', 'teams') };

const SLAS: ListRead<HaloNamed> = { path: '/api/SLA', key: 'slas', noun: 'SLA', plural: 'SLAs', read: namedRow('SLA', 'SLAs') };

const STATUSES: ListRead<HaloNamed> = { path: '/api/Status', key: 'statuses', noun: 'status', plural: 'statuses', read: namedRow('status', 'statuses') };

const AGENTS: ListRead<HaloAgentRow> = {
  path: '/api/Agent',
  // Disabled agents too, should Halo hide them by default [unverified]: plan says "disabled", not "unknown".
  query: { includedisabled: true },
  key: 'agents',
  noun: 'agent',
  plural: 'agents',
  read(row) {
    const id = row.int('id', IDENTITY);
    const name = row.string('name', nameRole('agents'));
    if (id !== undefined) labelled(row, 'agent', id, name);
    return id === undefined || name === undefined ? undefined : { id, name, disabled: row.boolean('isdisabled') ?? false };
  },
};

/** Ticket categories: `type_id` 1 is `category_1` [unverified]; the name is `value` (CategoryDetail), else `category_name`, else `name`. */
const CATEGORIES: ListRead<HaloNamed> = {
  path: '/api/Category',
  query: { type_id: 1 },
  key: 'categories',
  noun: 'category',
  plural: 'ticket categories',
  read(row) {
    const id = row.int('id', IDENTITY);
    const name = row.string('value') ?? row.string('category_name') ?? row.string('name');
    if (id !== undefined) labelled(row, 'category', id, name);
    if (name === undefined) row.problem('value', 'is missing (and so are category_name and name)', nameRole('ticket categories'));
    return id === undefined || name === undefined ? undefined : { id, name };
  },
};

/** Priorities: the ticket's id is `priorityid`, else a numeric `id` (NOTES §4: `id` is often a string or a GUID). */
const PRIORITIES: ListRead<HaloPriorityRow> = {
  path: '/api/Priority',
  key: 'priorities',
  noun: 'priority',
  plural: 'priorities',
  read(row) {
    const id = row.int('priorityid') ?? row.int('id', IDENTITY);
    const name = row.string('name', nameRole('priorities'));
    const slaId = row.int('slaid');
    if (id !== undefined) labelled(row, 'priority', id, name);
    return id === undefined || name === undefined ? undefined : { id, name, ...(slaId !== undefined && slaId > 0 ? { slaId } : {}) };
  },
};

/**
 * The lists `need` asks for, read in parallel; the others are empty. Rows left out and lists that
 * hold fewer rows than Halo counted are reported to `sink` (default: the client's). Transport
 * failures and a 403 are ApiErrors, as for every read.
 */
export async function readRoutingLookups(halo: HaloApiClient, need: HaloRoutingNeed, sink: ProblemSink | undefined = halo.onReadProblem, signal?: AbortSignal): Promise<HaloRoutingLookups> {
  const read = <T>(wanted: boolean | undefined, list: ListRead<T>): Promise<T[]> => (wanted ? readList(halo, list, sink, signal) : Promise.resolve([]));
  const [teams, agents, categories, slas, priorities, statuses] = await Promise.all([
    read(need.teams, TEAMS),
    read(need.agents, AGENTS),
    read(need.categories, CATEGORIES),
    read(need.slas, SLAS),
    read(need.priorities, PRIORITIES),
    read(need.statuses, STATUSES),
  ]);
  return { teams, agents, categories, slas, priorities, statuses };
}

/**
 * One list in one request. These lists are bare arrays, unpaged (NOTES §3); an envelope is read
 * whole, and one that counts more rows than it holds is reported rather than paged.
 */
async function readList<T>(halo: HaloApiClient, list: ListRead<T>, sink: ProblemSink | undefined, signal?: AbortSignal): Promise<T[]> {
  const label = `GET ${list.path}`;
  const response = await halo.http.request({
    method: 'GET',
    path: list.path,
    label,
    ...(list.query ? { query: list.query } : {}),
    hints: { 403: forbidden(list.plural) },
    ...(signal ? { signal } : {}),
  });
  const { rows, total } = unwrap(response.body, list.key, { api: 'Halo', label, where: 'response' });
  if (total !== undefined && total > rows.length) {
    sink?.({
      api: 'Halo', label, noun: list.noun, row: list.key, field: 'record_count', problem: `is ${total}, but the answer held ${rows.length}`,
      effect: `the ${list.plural} it did not send cannot be named by alerts.routes`, dropped: false,
    });
  }
  const out: T[] = [];
  rows.forEach((r, i) => {
    const where = `${list.key}[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      sink?.(notARow(r, 'Halo', label, where));
      return;
    }
    const row = new RowReader(r as Record<string, unknown>, 'Halo', label, list.noun, where);
    const value = list.read(row);
    if (row.report(sink) && value !== undefined) out.push(value);
  });
  return out;
}

/** A bare array, or the array under `key` of an envelope (else its first array); an empty body is no rows. */
function unwrap(body: unknown, key: string, ctx: ShapeContext): { rows: unknown[]; total?: number } {
  if (Array.isArray(body)) return { rows: body };
  if (body === undefined || body === null || body === '') return { rows: [] };
  const r = asRecord(body, ctx);
  const rows = r[key] ?? Object.values(r).find(Array.isArray) ?? [];
  const total = optionalInt(r, 'record_count', ctx);
  return { rows: asArray(rows, { ...ctx, where: `${ctx.where}.${key}` }), ...(total !== undefined ? { total } : {}) };
}
