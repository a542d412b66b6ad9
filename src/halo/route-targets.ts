/**
 * What alerts.routes name in Halo — ticket types, teams, agents, categories, priorities, statuses
 * and SLAs — found in Halo's lists the one way plan and serve both use. Plan reports each
 * problem as a located error; serve, finding a name gone since the plan, leaves that setting to
 * Halo and says so on the ticket rather than lose the alert. Pure.
 */

import type { AlertRoute, Alerts } from '../config/spec.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { foldName } from './names.js';
import type { HaloRoutingLookups } from './routing-lookups.js';
import type { HaloTicketType } from './types.js';
import { ticketTypeNamed } from './lookups.js';

/** The ticket settings of one route, as Halo ids and names. */
export interface RouteTarget {
  ticketTypeId?: number;
  ticketType?: string;
  /** The team's name as Halo spells it (a ticket carries its team by name, NOTES §4.6). */
  team?: string;
  agentId?: number;
  agent?: string;
  /** The category as Halo spells it (`category_1`). */
  category?: string;
  priorityId?: number;
  priority?: string;
  statusId?: number;
  status?: string;
  slaId?: number;
  sla?: string;
}

/** Something a route names that Halo does not have (or should not be used), with the spec key it is under. */
export interface RouteProblem {
  route: number;
  key: keyof AlertRoute['set'];
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
}

/** Which of Halo's lists the routes need read. */
export function routingListsNeeded(alerts: Pick<Alerts, 'routes'> | undefined): { teams: boolean; agents: boolean; categories: boolean; slas: boolean; priorities: boolean; statuses: boolean } {
  const routes = alerts?.routes ?? [];
  const any = (key: keyof AlertRoute['set']) => routes.some((r) => r.set[key] !== undefined);
  return { teams: any('team'), agents: any('agent'), categories: any('category'), slas: any('sla') || any('priority'), priorities: any('priority'), statuses: any('status') };
}

/** Each route's target (by route index) and what could not be found. */
export function resolveRouteTargets(routes: readonly AlertRoute[], ticketTypes: readonly HaloTicketType[], lists: HaloRoutingLookups): { targets: Map<number, RouteTarget>; problems: RouteProblem[] } {
  const targets = new Map<number, RouteTarget>();
  const problems: RouteProblem[] = [];
  for (const route of routes) {
    const target: RouteTarget = {};
    const i = route.index;
    const where = (key: string) => `alerts.routes[${i}].${key}`;
    const missing = (key: RouteProblem['key'], what: string, name: string | number, have: readonly string[], hint: string, owner = 'Halo', listedAs = `${what === 'category' ? 'Categories' : `${what[0]!.toUpperCase()}${what.slice(1)}s`} in Halo`) =>
      problems.push({ route: i, key, severity: 'error', summary: `Unknown Halo ${what}`, detail: `${where(key)} names ${typeof name === 'number' ? `id ${name}` : `"${name}"`}, which ${owner} does not have.${typeof name === 'string' ? didYouMean(name, have) : ''} ${listed(listedAs, have)} ${hint}` });
    const set = route.set;
    if (set.ticketType !== undefined) {
      const found = ticketTypeNamed(ticketTypes, set.ticketType);
      if ('missing' in found) problems.push({ route: i, key: 'ticketType', severity: 'error', summary: 'Unknown Halo ticket type', detail: `${where('ticketType')}: ${found.missing} Correct the name, or create the type in Halo.` });
      else Object.assign(target, { ticketTypeId: found.type.id, ticketType: found.type.name });
    }
    if (set.team !== undefined) {
      const hit = named(lists.teams, set.team);
      if (hit) target.team = hit.name;
      else missing('team', 'team', set.team, lists.teams.map((t) => t.name), 'Correct the name, or create the team in Halo.');
    }
    if (set.agent !== undefined) {
      const hit = typeof set.agent === 'number' ? lists.agents.find((a) => a.id === set.agent) : named(lists.agents, set.agent);
      if (!hit) missing('agent', 'agent', set.agent, lists.agents.filter((a) => !a.disabled).map((a) => a.name), 'Correct the name or id.');
      else {
        Object.assign(target, { agentId: hit.id, agent: hit.name });
        if (hit.disabled) problems.push({ route: i, key: 'agent', severity: 'warning', summary: 'Disabled Halo agent', detail: `${where('agent')} assigns tickets to ${hit.name} (agent ${hit.id}), who is disabled in Halo: their alert tickets would wait unseen. Route to an active agent or a team.` });
      }
    }
    if (set.category !== undefined) {
      const hit = named(lists.categories, set.category);
      if (hit) target.category = hit.name;
      else missing('category', 'category', set.category, lists.categories.map((c) => c.name), 'Write it as Halo shows it (Hardware>Server), or create it in Halo.');
    }
    let slaId: number | undefined;
    if (set.sla !== undefined) {
      const hit = named(lists.slas, set.sla);
      if (hit) {
        Object.assign(target, { slaId: hit.id, sla: hit.name });
        slaId = hit.id;
      } else missing('sla', 'SLA', set.sla, lists.slas.map((s) => s.name), 'Correct the name, or create the SLA in Halo.');
    }
    if (set.priority !== undefined) {
      // Priorities are per SLA (NOTES §4.6): with an SLA named, only that SLA's count.
      const inSla = slaId === undefined ? lists.priorities : lists.priorities.filter((p) => p.slaId === undefined || p.slaId === slaId);
      const hit = typeof set.priority === 'number' ? inSla.find((p) => p.id === set.priority) : named(inSla, set.priority);
      if (hit) Object.assign(target, { priorityId: hit.id, priority: hit.name });
      else if (typeof set.priority === 'number' && lists.priorities.length === 0) target.priorityId = set.priority;
      else if (slaId === undefined) missing('priority', 'priority', set.priority, inSla.map((p) => p.name), 'Name one Halo has, by its name or its id.');
      else missing('priority', 'priority', set.priority, inSla.map((p) => p.name), "Halo's priorities belong to an SLA: name one of this SLA's, by its name or its id.", `SLA "${target.sla}"`, `Priorities of SLA "${target.sla}"`);
    }
    if (set.status !== undefined) {
      const hit = named(lists.statuses, set.status);
      if (!hit) missing('status', 'status', set.status, lists.statuses.map((s) => s.name), 'Correct the name.');
      else if (foldName(hit.name) === 'closed') problems.push({ route: i, key: 'status', severity: 'error', summary: 'Alert tickets would start closed', detail: `${where('status')} is "${hit.name}": every ticket of the route would be closed as it opens, and its alert never seen. Use suppress: true to open no ticket, or name an open status.` });
      else Object.assign(target, { statusId: hit.id, status: hit.name });
    }
    targets.set(i, target);
  }
  return { targets, problems };
}

function named<T extends { name: string }>(list: readonly T[], wanted: string): T | undefined {
  const key = foldName(wanted);
  return list.find((x) => foldName(x.name) === key);
}

function uniqueNames(names: readonly string[]): string[] {
  return [...new Set(names)];
}

function listed(what: string, names: readonly string[]): string {
  const unique = uniqueNames(names.filter((n) => n.trim() !== '')).map((n) => `"${n}"`);
  return `${what}: ${unique.length === 0 ? 'none (or the API application cannot read them)' : unique.length <= 8 ? unique.join(', ') : `${unique.slice(0, 8).join(', ')} and ${unique.length - 8} more`}.`;
}
