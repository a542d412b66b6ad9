/**
 * Storm roll-up (alerts.stormThreshold): when N devices fire one condition (of one organisation)
 * within the window, one parent ticket lists them instead of a ticket each. The storm's state is
 * one store meta value per storm key, changed only through `InboxStore.updateMeta` (atomic across
 * workers and replicas), by the pure transitions here:
 *
 * - `fire`: a new firing is counted. Below the threshold it opens its own ticket (`single`); the
 *   firing that reaches it creates the parent (`lead`, a claim others wait on); later ones join
 *   the parent (`join`: a note on it, and the parent is their series' ticket).
 * - `leave`: a member's alert reset; the parent closes with the last member's reset.
 *
 * Firings that kept their own tickets are named on the parent but never hold it open.
 */

import type { StormThreshold } from '../config/spec.js';
import type { RouteFacts } from './routing.js';

/** Storm keys (and the parent ticket's alert id) start with this; the poller leaves such tickets to the storm. */
export const STORM_PREFIX = 'storm:';

/** A claim to create the parent older than this is taken over (its holder died). */
const CLAIM_MS = 2 * 60_000;

/**
 * At most this many devices are kept per storm. Beyond it a device still joins the parent (its
 * series' ticket, a note), but is not counted toward its close, which then comes with the last
 * kept member's reset or the poller.
 */
const MAX_FIRINGS = 5000;

export interface StormFiring {
  series: string;
  deviceId: number;
  device: string;
  at: number;
  /** Its own ticket, when it opened one before the storm. */
  ticketId?: number;
  /** It is a member: the parent is its ticket. */
  joined?: boolean;
  /** A member whose alert has not reset yet. */
  active?: boolean;
}

export interface StormState {
  key: string;
  condition: string;
  organisation?: string;
  firings: StormFiring[];
  parentTicketId?: number;
  creating?: { by: string; at: number };
}

export type StormRole =
  | { role: 'single' }
  | { role: 'lead'; state: StormState }
  | { role: 'join'; parentTicketId: number; members: number; devices: number }
  | { role: 'wait'; by: string };

/** The storm an alert belongs to: its condition (NinjaOne's condition uid, else its name) and, per the spec, its organisation. */
export function stormKeyOf(threshold: StormThreshold, facts: RouteFacts, sourceConfigUid: string | undefined): { key: string; condition: string; organisation?: string } | undefined {
  const condition = sourceConfigUid?.trim() || facts.conditionNames[0];
  if (!condition) return undefined;
  const label = facts.conditionNames[0] ?? condition;
  if (threshold.per === 'condition') return { key: `${STORM_PREFIX}${condition}`, condition: label };
  if (facts.organizationId === undefined) return undefined;
  return { key: `${STORM_PREFIX}${facts.organizationId}:${condition}`, condition: label, ...(facts.organizationName ? { organisation: facts.organizationName } : {}) };
}

export function parseStorm(raw: string | undefined): StormState | undefined {
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as StormState;
    return typeof s.key === 'string' && Array.isArray(s.firings) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Counts a firing and says what it does; `next` is the state to store. */
export function fire(raw: string | undefined, at: { key: string; condition: string; organisation?: string }, firing: Omit<StormFiring, 'joined' | 'active'>, threshold: StormThreshold, now: number): { next: StormState; role: StormRole } {
  const state: StormState = parseStorm(raw) ?? { key: at.key, condition: at.condition, ...(at.organisation ? { organisation: at.organisation } : {}), firings: [] };
  const windowStart = now - threshold.withinMinutes * 60_000;
  // Firings that only count drop out of the window; members stay while the parent is open.
  state.firings = state.firings.filter((f) => f.joined || f.at >= windowStart);
  const known = state.firings.find((f) => f.series === firing.series);
  if (state.parentTicketId !== undefined) {
    // A firing before the storm that has its own ticket keeps it; any other (one that waited on the lead, too) joins.
    if (known?.ticketId !== undefined && !known.joined) return { next: state, role: { role: 'single' } };
    if (known) Object.assign(known, { joined: true, active: true });
    else if (state.firings.length < MAX_FIRINGS) state.firings.push({ ...firing, joined: true, active: true });
    const members = state.firings.filter((f) => f.joined).length;
    return { next: state, role: { role: 'join', parentTicketId: state.parentTicketId, members, devices: state.firings.length } };
  }
  if (!known) {
    state.firings.push({ ...firing });
    // Only the latest `alerts` count toward a storm (and are named on its parent): older ones go.
    const counting = state.firings.filter((f) => !f.joined);
    if (counting.length > threshold.alerts) {
      const drop = new Set(counting.slice(0, counting.length - threshold.alerts));
      state.firings = state.firings.filter((f) => !drop.has(f));
    }
  }
  const claim = state.creating;
  if (claim && claim.by !== firing.series && now - claim.at < CLAIM_MS) return { next: state, role: { role: 'wait', by: claim.by } };
  if (claim?.by === firing.series || (!known?.ticketId && state.firings.length >= threshold.alerts)) {
    state.creating = { by: firing.series, at: now };
    return { next: state, role: { role: 'lead', state } };
  }
  return { next: state, role: { role: 'single' } };
}

/** The parent was created: the lead is its first member. */
export function parentCreated(raw: string | undefined, series: string, parentTicketId: number): StormState | undefined {
  const state = parseStorm(raw);
  if (!state) return undefined;
  state.parentTicketId = parentTicketId;
  delete state.creating;
  for (const f of state.firings) if (f.series === series) Object.assign(f, { joined: true, active: true });
  return state;
}

/** A firing below the threshold opened its own ticket: the parent, if one comes, names it. */
export function ownTicket(raw: string | undefined, series: string, ticketId: number): StormState | undefined {
  const state = parseStorm(raw);
  if (!state) return undefined;
  for (const f of state.firings) if (f.series === series) f.ticketId = ticketId;
  return state;
}

/** A member's alert reset: how many members are still alerting. The storm is over (state removed) after the last. */
export function leave(raw: string | undefined, series: string): { next: StormState | undefined; active: number; members: number; wasMember: boolean; device?: string } {
  const state = parseStorm(raw);
  if (!state || state.parentTicketId === undefined) return { next: state, active: 0, members: 0, wasMember: false };
  const member = state.firings.find((f) => f.series === series && f.joined);
  if (member) member.active = false;
  const members = state.firings.filter((f) => f.joined);
  const active = members.filter((f) => f.active).length;
  return { next: active === 0 && member ? undefined : state, active, members: members.length, wasMember: member !== undefined, ...(member ? { device: member.device } : {}) };
}
