/**
 * What a sync cycle may apply on its own (spec `sync.autoApply`), and what it holds for a
 * reviewed apply. Pure: a plan in, the part to apply and the held changes with their reasons
 * out. The guards hold here as in apply: a plan with errors applies nothing; a tripped
 * mass-deactivation guard holds every deactivation (and only them); a change that needs a held
 * one to exist first is held with it. The alert webhook is apply's alone and never synced.
 */

import { isWebhookKind } from '../model/address.js';
import type { Sync } from '../config/spec.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MASS_DEACTIVATION } from '../model/deactivations.js';
import { isRef, summarise, type Change, type Plan } from '../plan/plan.js';

export interface HeldChange {
  address: string;
  kind: Change['kind'];
  action: Change['action'];
  name: string;
  /** Why the cycle did not apply it, and what would. */
  reason: string;
}

export interface SyncSplit {
  /** The plan a cycle applies: the allowed changes, and the rest as no-ops (their Halo ids still resolve references). */
  plan: Plan;
  held: HeldChange[];
  /** When nothing at all may be applied: why (the plan has errors). */
  refused?: string;
}

/** `asset.create`: how autoApply names a change. */
export function syncKindOf(change: Pick<Change, 'kind' | 'action'>): string {
  return `${change.kind}.${change.action}`;
}

export function splitForSync(plan: Plan, sync: Sync): SyncSplit {
  const guard = plan.errors.find((e) => e.summary === MASS_DEACTIVATION);
  const others = plan.errors.filter((e) => e !== guard);
  const pending = plan.changes.filter((c) => c.action !== 'no-op' && !isWebhookKind(c.kind));
  if (others.length > 0) {
    const refused = `the plan has ${others.length === 1 ? 'an error' : `${others.length} errors`} (${others.map((e) => e.summary).join('; ')}), so the cycle applies nothing until it is fixed`;
    return { plan: subPlan(plan, []), held: pending.map((c) => held(c, refused)), refused };
  }
  const reasons = new Map<string, string>();
  for (const c of pending) {
    const why = ownReason(c, sync, guard);
    if (why) reasons.set(c.address, why);
  }
  // A change that needs a held create (its client, site, type or field) waits with it.
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of pending) {
      if (reasons.has(c.address)) continue;
      const blocker = needs(c).find((address) => reasons.has(address) && isCreate(plan, address));
      if (blocker) {
        reasons.set(c.address, `it needs ${blocker}, which is held`);
        grew = true;
      }
    }
  }
  const allowed = pending.filter((c) => !reasons.has(c.address));
  return { plan: subPlan(plan, allowed.map((c) => c.address)), held: pending.filter((c) => reasons.has(c.address)).map((c) => held(c, reasons.get(c.address)!)) };
}

/** Why a change is held on its own account, or undefined when the cycle may apply it. */
function ownReason(change: Change, sync: Sync, guard: Diagnostic | undefined): string | undefined {
  const kind = syncKindOf(change);
  if (!(sync.autoApply as readonly string[]).includes(kind)) {
    return `${kind} is not in sync.autoApply${sync.autoApplyGiven ? '' : ' (its default)'}: it waits for a reviewed apply`;
  }
  if (guard && change.action === 'deactivate') return `the mass-deactivation guard tripped — ${guard.detail.replace(/\.$/, '')}`;
  return undefined;
}

/** The addresses a change needs to exist first: its dependsOn and every reference it carries (a field it writes). */
function needs(change: Change): string[] {
  const out = new Set(change.dependsOn ?? []);
  const walk = (value: unknown): void => {
    if (isRef(value)) out.add(value.ref);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(change.after);
  if (change.kind === 'asset') walk(change.fieldIds);
  return [...out];
}

function isCreate(plan: Plan, address: string): boolean {
  return plan.changes.some((c) => c.address === address && c.action === 'create');
}

function held(change: Change, reason: string): HeldChange {
  return { address: change.address, kind: change.kind, action: change.action, name: change.name, reason };
}

/** The plan with only `allowed` changing; every other change is a no-op (kept for its Halo id), the webhook left out. */
function subPlan(plan: Plan, allowed: readonly string[]): Plan {
  const keep = new Set(allowed);
  const changes = plan.changes
    .filter((c) => !isWebhookKind(c.kind))
    .map((c): Change => (c.action === 'no-op' || keep.has(c.address) ? c : asNoOp(c)));
  return { ...plan, errors: [], changes, ...summarise(changes) };
}

function asNoOp(change: Change): Change {
  const { before: _before, after: _after, ...rest } = change;
  return { ...rest, action: 'no-op' } as Change;
}

