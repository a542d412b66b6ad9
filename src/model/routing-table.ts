/**
 * The plan's routing table: alerts.routes in order, each with what it matches and what its
 * tickets get in Halo, and the default route last — checked against Halo (every team, agent,
 * category, priority, status, SLA and ticket type a route names) and against the RMM (every
 * organisation a route matches). A reviewer reads where alerts will go before serve sends them
 * there. Pure.
 */

import type { AlertRoute, Alerts, NinjaRef, RouteMatch, Spec } from '../config/spec.js';
import { error, warning, type Diagnostic, type SpecPath } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { resolveRouteTargets, type RouteTarget } from '../halo/route-targets.js';
import type { HaloSnapshot } from '../halo/types.js';
import type { RmmSnapshot } from '../rmm/snapshot.js';
import { sameRmmId } from '../rmm/provider.js';
import { DEFAULT_ROUTE } from '../serve/routing.js';

/** One row of the routing table. */
export interface PlanRoute {
  name: string;
  /** The criteria in words ("severity CRITICAL or MAJOR"); the default route's is "every other alert". */
  match: string[];
  /** suppress: no ticket; else what the ticket gets. */
  then: 'suppress' | PlanRouteTicket;
}

export interface PlanRouteTicket {
  ticketType: string;
  /** "Critical (1)", or "by severity: CRITICAL 1, …" when the route leaves it to alerts.priority. */
  priority: string;
  team?: string;
  agent?: string;
  category?: string;
  status?: string;
  sla?: string;
}

type Report = { errors: Diagnostic[]; warnings: Diagnostic[] };

/** The routing table, when the spec routes alerts; problems go into `report`. */
export function routingTable(spec: Spec, rmm: RmmSnapshot, halo: HaloSnapshot, report: Report): PlanRoute[] | undefined {
  const alerts = spec.alerts;
  if (!alerts || alerts.routes.length === 0) return undefined;
  checkOrganisations(alerts.routes, rmm, report);
  // Without Halo's lists (a sync cycle reads none) only the ticket types can be checked.
  const lists = halo.routing ?? { teams: [], agents: [], categories: [], slas: [], priorities: [], statuses: [] };
  const { targets, problems } = resolveRouteTargets(alerts.routes, halo.ticketTypes, lists);
  for (const p of problems) {
    if (!halo.routing && p.key !== 'ticketType') continue;
    (p.severity === 'error' ? report.errors : report.warnings).push((p.severity === 'error' ? error : warning)(p.summary, p.detail, ['alerts', 'routes', p.route, p.key]));
  }
  return [...alerts.routes.map((r) => row(r, alerts, targets.get(r.index) ?? {})), { name: DEFAULT_ROUTE, match: ['every other alert'], then: ticketOf(alerts, {}, {}) }];
}

function row(route: AlertRoute, alerts: Alerts, target: RouteTarget): PlanRoute {
  return { name: route.name, match: matchWords(route.match), then: route.suppress ? 'suppress' : ticketOf(alerts, route.set, target) };
}

/** What a route's tickets get, as the spec names it (no Halo read): for `haloform alerts route`. */
export function routeTicket(alerts: Alerts, route: AlertRoute | undefined): PlanRouteTicket {
  return ticketOf(alerts, route?.set ?? {}, {});
}

function ticketOf(alerts: Alerts, set: AlertRoute['set'], target: RouteTarget): PlanRouteTicket {
  const priority =
    set.priority !== undefined
      ? target.priority !== undefined
        ? `${target.priority} (${target.priorityId})`
        : String(set.priority)
      : `by severity: ${Object.entries(alerts.priority)
          .map(([s, id]) => `${s} ${id}`)
          .join(', ')}`;
  const ticket: PlanRouteTicket = { ticketType: target.ticketType ?? set.ticketType ?? alerts.ticketType, priority };
  const put = (key: 'team' | 'agent' | 'category' | 'status' | 'sla', value: string | number | undefined) => {
    if (value !== undefined) ticket[key] = String(value);
  };
  put('team', target.team ?? set.team);
  put('agent', target.agent !== undefined ? `${target.agent} (${target.agentId})` : set.agent);
  put('category', target.category ?? set.category);
  put('status', target.status ?? set.status);
  put('sla', target.sla ?? set.sla);
  return ticket;
}

/** A route's criteria in words, in the order the spec's schema lists them. */
export function matchWords(match: RouteMatch): string[] {
  const words: string[] = [];
  const either = (values: readonly (string | number)[]) => values.map(String).join(' or ');
  if (match.severities) words.push(`severity ${either(match.severities)}`);
  if (match.priorities) words.push(`NinjaOne priority ${either(match.priorities)}`);
  if (match.activityTypes) words.push(`activity ${either(match.activityTypes)}`);
  if (match.conditions) words.push(`condition ${match.conditions.map((c) => (c.startsWith('/') ? c : `"${c}"`)).join(' or ')}`);
  if (match.organisations) words.push(`organisation ${match.organisations.map(refWords).join(' or ')}`);
  if (match.deviceClasses) words.push(`device class ${either(match.deviceClasses)}`);
  if (match.deviceRoles) words.push(`device role ${either(match.deviceRoles)}`);
  if (match.tags) words.push(`tagged ${match.tags.map((t) => `"${t}"`).join(' or ')}`);
  return words.length > 0 ? words : ['every alert'];
}

function refWords(ref: NinjaRef): string {
  return ref.kind === 'id' ? `id ${ref.id}` : `"${ref.name}"`;
}

/** Organisations a route matches must exist in the RMM: a misspelt one would never match. */
function checkOrganisations(routes: readonly AlertRoute[], rmm: RmmSnapshot, report: Report): void {
  for (const route of routes) {
    const refs = route.match.organisations ?? [];
    refs.forEach((ref, j) => {
      const found = ref.kind === 'id' ? rmm.organizations.some((o) => sameRmmId(o.id, ref.id)) : rmm.organizations.some((o) => o.name === ref.name);
      if (found) return;
      const path: SpecPath = refs.length === 1 ? ['alerts', 'routes', route.index, 'match', 'organisation'] : ['alerts', 'routes', route.index, 'match', 'organisation', j];
      report.errors.push(
        error(
          `Unknown ${rmm.provider.name} organisation`,
          `alerts.routes[${route.index}].match.organisation names ${refWords(ref)}, which ${rmm.provider.name} does not have, so the route would never match it.${ref.kind === 'name' ? didYouMean(ref.name, rmm.organizations.map((o) => o.name)) : ''} Correct it (names are exact) or use the organisation's id.`,
          path,
        ),
      );
    });
  }
}
