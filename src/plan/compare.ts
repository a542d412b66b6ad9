/**
 * Is a saved plan what would be applied now? `apply plan.json` makes a fresh plan from the spec
 * and the live state and applies only when the two agree change for change — same addresses,
 * actions, ids and values — so a plan edited by hand, or one the world has moved past, is
 * refused with its first difference named (Terraform: "Saved plan is stale"). Pure.
 */

import type { Change, Plan } from './plan.js';

/** What of a change apply acts on: everything but the fingerprint (fresh on every read) and the reason (words). */
function essence(change: Change): Record<string, unknown> {
  const { fingerprint: _fingerprint, reason: _reason, ...rest } = change;
  return rest;
}

/** "create it", "leave it unchanged". */
const VERB: Record<Change['action'], string> = { create: 'create it', adopt: 'adopt it', update: 'update it', deactivate: 'deactivate it', 'no-op': 'leave it unchanged' };

/** The first way `saved` differs from `fresh`, in words; undefined when they agree. */
export function planDifference(saved: Plan, fresh: Plan): string | undefined {
  const savedByAddress = new Map<string, Change>();
  for (const c of saved.changes) {
    if (savedByAddress.has(c.address)) return `${c.address} appears twice in the saved plan`;
    savedByAddress.set(c.address, c);
  }
  const freshByAddress = new Map(fresh.changes.map((c) => [c.address, c]));
  for (const c of fresh.changes) {
    const old = savedByAddress.get(c.address);
    if (!old) return `${c.address}: a fresh plan would ${VERB[c.action]}, but the saved plan does not mention it`;
    if (old.action !== c.action) return `${c.address}: the saved plan would ${VERB[old.action]}, a fresh plan would ${VERB[c.action]}`;
    const diff = firstValueDifference(essence(old), essence(c), '');
    if (diff) return `${c.address}: ${diff}`;
  }
  for (const c of saved.changes) {
    if (!freshByAddress.has(c.address)) return `${c.address}: the saved plan would ${VERB[c.action]}, but a fresh plan has no such change`;
  }
  return undefined;
}

function firstValueDifference(saved: unknown, fresh: unknown, at: string): string | undefined {
  if (Object.is(saved, fresh)) return undefined;
  const bothObjects = saved !== null && fresh !== null && typeof saved === 'object' && typeof fresh === 'object';
  if (bothObjects && Array.isArray(saved) === Array.isArray(fresh)) {
    const a = saved as Record<string, unknown>;
    const b = fresh as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    for (const key of keys) {
      const diff = firstValueDifference(a[key], b[key], at === '' ? key : Array.isArray(saved) ? `${at}[${key}]` : `${at}.${key}`);
      if (diff) return diff;
    }
    return undefined;
  }
  return `${at || 'the change'} is ${shown(saved)} in the saved plan, ${shown(fresh)} in a fresh plan`;
}

function shown(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
