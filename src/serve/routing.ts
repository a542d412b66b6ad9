/**
 * alerts.routes: which route an alert takes, first match wins, and why — the same decision for
 * serve (the ticket it opens), `haloform alerts route` (a pull request's question "where would
 * this alert go?") and plan's routing table. Pure: the facts come in, the decision and its
 * reasons go out. A criterion whose fact is unknown (the webhook did not say the device's
 * organisation, and it could not be read) does not match, and says so.
 */

import type { AlertRoute, Alerts, NinjaRef, RouteMatch, Severity } from '../config/spec.js';
import { severityOf, type Activity, type ActivityDevice } from '../rmm/ninjaone/activity.js';

/** What routing looks at. Device facts are undefined when nobody said them. */
export interface RouteFacts {
  severity: Severity;
  /** NinjaOne's priority of the alert; NONE when it has none. */
  priority: string;
  activityType: string;
  /** The condition's names: condition name, source name, subject (non-empty ones). */
  conditionNames: string[];
  message?: string;
  organizationId?: number;
  organizationName?: string;
  nodeClass?: string;
  roleId?: number;
  tags?: string[];
}

/** One route weighed: whether it matched, and each criterion's verdict in words. */
export interface RouteTrace {
  route: AlertRoute;
  matched: boolean;
  /** Each criterion's verdict, in words. */
  reasons: { ok: boolean; why: string }[];
  /** A criterion could not be decided: the facts lack what it asks about. */
  unknown?: boolean;
}

export interface RouteDecision {
  /** The route taken; undefined: the default route. */
  route?: AlertRoute;
  /** Every route weighed, in order, up to and including the one taken. */
  trace: RouteTrace[];
}

/** The route's name for logs, the inbox and the plan; the default route is "default". */
export const DEFAULT_ROUTE = 'default';

export function routeName(decision: Pick<RouteDecision, 'route'>): string {
  return decision.route?.name ?? DEFAULT_ROUTE;
}

/** The facts an activity states (its device as the webhook sent it, if it did). */
export function factsOf(activity: Activity): RouteFacts {
  const facts: RouteFacts = {
    severity: severityOf(activity),
    priority: text(activity.priority)?.toUpperCase() ?? 'NONE',
    activityType: activity.activityType,
    conditionNames: [activity.conditionName, activity.sourceName, activity.subject].map(text).filter((t): t is string => t !== undefined),
  };
  const message = text(activity.message);
  if (message !== undefined) facts.message = message;
  if (activity.device) addDeviceFacts(facts, activity.device);
  return facts;
}

/** Fills device facts `facts` does not have yet from a device record (the webhook's, or one read from NinjaOne). */
export function addDeviceFacts(facts: RouteFacts, device: Pick<ActivityDevice, 'organizationId' | 'organizationName' | 'nodeClass' | 'record'>): void {
  const record = device.record ?? {};
  facts.organizationId ??= device.organizationId;
  facts.organizationName ??= text(device.organizationName);
  facts.nodeClass ??= text(device.nodeClass);
  if (facts.roleId === undefined && typeof record.nodeRoleId === 'number' && record.nodeRoleId > 0) facts.roleId = record.nodeRoleId;
  if (facts.tags === undefined && Array.isArray(record.tags)) facts.tags = record.tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '');
  for (const key of ['organizationId', 'organizationName', 'nodeClass'] as const) if (facts[key] === undefined) delete facts[key];
}

/** Whether deciding needed a fact the facts lack (read the device and decide again). */
export function decidedBlind(decision: RouteDecision): boolean {
  return decision.trace.some((t) => t.unknown);
}

/** The route the alert takes (first match wins), and the reasons. */
export function routeAlert(alerts: Pick<Alerts, 'routes'>, facts: RouteFacts): RouteDecision {
  const trace: RouteTrace[] = [];
  for (const route of alerts.routes) {
    const verdicts = criteria(route.match, facts);
    const matched = verdicts.every((v) => v.ok);
    trace.push({ route, matched, reasons: verdicts.length === 0 ? [{ ok: true, why: 'matches every alert (match: {})' }] : verdicts.map((v) => ({ ok: v.ok, why: v.why })), ...(verdicts.some((v) => v.unknown) ? { unknown: true } : {}) });
    if (matched) return { route, trace };
  }
  return { trace };
}

interface Verdict {
  ok: boolean;
  why: string;
  unknown?: boolean;
}

function criteria(match: RouteMatch, f: RouteFacts): Verdict[] {
  const out: Verdict[] = [];
  if (match.severities) out.push(among('severity', f.severity, match.severities));
  if (match.priorities) out.push(among('NinjaOne priority', f.priority, match.priorities));
  if (match.activityTypes) out.push(among('activity type', f.activityType, match.activityTypes.map((t) => t.toUpperCase()), f.activityType.toUpperCase()));
  if (match.conditions) out.push(conditionVerdict(match.conditions, f));
  if (match.organisations) out.push(organisationVerdict(match.organisations, f));
  if (match.deviceClasses) out.push(f.nodeClass === undefined ? unknown('device class') : among('device class', f.nodeClass, match.deviceClasses, f.nodeClass.toUpperCase()));
  if (match.deviceRoles) out.push(f.roleId === undefined ? unknown('device role') : among('device role', String(f.roleId), match.deviceRoles.map(String)));
  if (match.tags) out.push(tagsVerdict(match.tags, f));
  return out;
}

function among(what: string, value: string, wanted: readonly string[], compare = value): Verdict {
  const ok = wanted.includes(compare);
  return { ok, why: `${what} ${value} ${ok ? 'is' : 'is not'} ${wanted.length === 1 ? wanted[0] : `one of ${wanted.join(', ')}`}` };
}

function unknown(what: string): Verdict {
  return { ok: false, unknown: true, why: `${what} unknown (neither the activity nor the device record says it)` };
}

function conditionVerdict(conditions: readonly string[], f: RouteFacts): Verdict {
  const names = f.conditionNames;
  for (const c of conditions) {
    const regex = conditionRegex(c);
    if (regex) {
      const hit = [...names, ...(f.message !== undefined ? [f.message] : [])].find((t) => regex.test(t.slice(0, 2000)));
      if (hit !== undefined) return { ok: true, why: `condition "${clip(hit)}" matches ${c}` };
    } else if (names.some((n) => fold(n) === fold(c))) {
      return { ok: true, why: `condition is "${c}"` };
    }
  }
  const said = names.length > 0 ? `"${clip(names[0]!)}"` : f.message !== undefined ? `(no name; message "${clip(f.message)}")` : '(no name or message)';
  return { ok: false, why: `condition ${said} is not ${conditions.length === 1 ? conditions[0] : `any of ${conditions.join(', ')}`}` };
}

function organisationVerdict(refs: readonly NinjaRef[], f: RouteFacts): Verdict {
  if (f.organizationId === undefined && f.organizationName === undefined) return unknown('organisation');
  const hit = refs.find((r) => (r.kind === 'id' ? r.id === f.organizationId : f.organizationName !== undefined && fold(r.name) === fold(f.organizationName)));
  const said = f.organizationName !== undefined ? `"${f.organizationName}"${f.organizationId !== undefined ? ` (id ${f.organizationId})` : ''}` : `id ${f.organizationId}`;
  const wanted = refs.map((r) => (r.kind === 'id' ? `id ${r.id}` : `"${r.name}"`)).join(', ');
  // Named by what the facts lack (a name when only the id is known): undecided, so serve looks it up.
  if (!hit && refs.some((r) => (r.kind === 'name' ? f.organizationName === undefined : f.organizationId === undefined))) return { ok: false, unknown: true, why: `organisation ${said}: its ${f.organizationName === undefined ? 'name' : 'id'} is unknown, so it cannot be compared with ${wanted}` };
  return { ok: hit !== undefined, why: `organisation ${said} ${hit ? 'is' : 'is not'} ${refs.length === 1 ? wanted : `one of ${wanted}`}` };
}

function tagsVerdict(tags: readonly string[], f: RouteFacts): Verdict {
  if (f.tags === undefined) return unknown('device tags');
  const hit = tags.find((t) => f.tags!.some((d) => fold(d) === fold(t)));
  return { ok: hit !== undefined, why: hit !== undefined ? `the device is tagged "${hit}"` : `the device's tags (${f.tags.length ? f.tags.join(', ') : 'none'}) include none of ${tags.join(', ')}` };
}

/** A condition written /…/flags is a regular expression; anything else is a name. Throws on a bad expression (rules.ts reports it first). */
export function conditionRegex(condition: string): RegExp | undefined {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(condition);
  return m ? new RegExp(m[1]!, m[2]) : undefined;
}

function fold(s: string): string {
  return s.trim().toLowerCase();
}

function text(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
