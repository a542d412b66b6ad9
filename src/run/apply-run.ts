/**
 * An apply run: the whole check that a saved plan is what would be applied now, and the writes.
 * `apply plan.json` plans afresh from the spec the plan names and the live state, and goes on only
 * when the fresh plan is the saved one change for change — same spec, same targets, no errors (the
 * guards hold at apply as at plan), same addresses, actions, ids and values — so a plan edited by
 * hand, or one Halo or the RMM moved past, is refused with its first difference named.
 */

import { applyPlan, type ApplyOptions, type ApplyResult } from '../apply/executor.js';
import type { LoadedSpec } from '../config/load.js';
import type { Spec } from '../config/spec.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HaloSnapshot } from '../halo/types.js';
import { planDifference } from '../plan/compare.js';
import type { Plan, PlanTargets } from '../plan/plan.js';
import { escapeControls } from '../render/safe-text.js';
import type { Clients } from './clients.js';
import type { PlanRun } from './plan-run.js';

/** A saved plan that may be applied (with the fresh read's fingerprints and Halo state), or why not. */
export type SavedPlanCheck = { ok: true; plan: Plan; live: HaloSnapshot } | { ok: false; reason: string; errors?: Diagnostic[] };

export interface SavedPlanOptions {
  /** How the plan file is named in messages. */
  file: string;
  /** How the spec is named in messages. */
  config: string;
  /** Hides secrets as the saved file hides them (a password in a URL, a webhook URL's token). */
  mask(text: string): string;
  /** The targets a plan made now records (run/clients.ts targetsOf). */
  targets: PlanTargets;
  /** A fresh plan from the spec and the live state. */
  plan(): Promise<PlanRun>;
}

export async function checkSavedPlan(saved: Plan, loaded: LoadedSpec & { spec: Spec }, options: SavedPlanOptions): Promise<SavedPlanCheck> {
  const { file, mask } = options;
  if (saved.specHash !== loaded.hash) {
    return { ok: false, reason: `Saved plan is stale: ${file} was made from a different spec (${saved.specHash.slice(0, 19)}…, the spec is now ${loaded.hash!.slice(0, 19)}…). Nothing was applied. Run haloform plan again.` };
  }
  // The file holds the addresses as saved, a password in them hidden: compare them so.
  const targets = Object.fromEntries(Object.entries(options.targets).map(([key, url]) => [key, mask(url)]));
  if (JSON.stringify(Object.entries(saved.targets).sort()) !== JSON.stringify(Object.entries(targets).sort())) {
    const shown = (t: Record<string, string>) => Object.values(t).map((url) => escapeControls(String(url).slice(0, 200))).join(' and ');
    return {
      ok: false,
      reason: `Saved plan is stale: ${file} was made against ${shown(saved.targets)}, the spec points at ${shown(targets)}. Nothing was applied.`,
    };
  }
  if (saved.errors.length > 0) return { ok: false, reason: `${file} is a plan with errors; it cannot be applied. Fix them and plan again.` };
  // Plan afresh: the saved file is a claim, the spec and the live state are the truth.
  const fresh = await options.plan();
  if (fresh.plan.errors.length > 0 || !fresh.halo) {
    const n = fresh.plan.errors.length;
    return {
      ok: false,
      errors: fresh.plan.errors,
      reason: `a fresh plan from ${options.config} has ${n === 1 ? 'an error' : `${n} errors`} (above), so ${file} cannot be applied: the guards hold at apply as at plan. Nothing was applied.`,
    };
  }
  if (JSON.stringify(saved.rmm) !== JSON.stringify(fresh.plan.rmm)) {
    const made = escapeControls((JSON.stringify(saved.rmm ?? null) ?? 'null').slice(0, 160));
    return { ok: false, reason: `Saved plan is stale: ${file} was made for ${made}, a fresh plan reads ${JSON.stringify(fresh.plan.rmm)}. Nothing was applied; run haloform plan again.` };
  }
  // The saved file hides secrets: compare the fresh plan as it would have been saved.
  const difference = planDifference(saved, JSON.parse(mask(JSON.stringify(fresh.plan))) as Plan);
  if (difference) {
    return {
      ok: false,
      reason: `Saved plan is stale: ${file} is not what a fresh plan would do now — ${escapeControls(difference)}. Halo or ${fresh.plan.rmm.name} changed since it was made, or the file was edited. Nothing was applied; run haloform plan again.`,
    };
  }
  // The same changes, with the fingerprints and the Halo state of this read.
  return { ok: true, plan: fresh.plan, live: fresh.halo };
}

/** The writes of a plan, batched as the spec says, with the run's clients. */
export function applyRun(plan: Plan, live: HaloSnapshot, clients: Clients, options: Omit<ApplyOptions, 'batchSize'>): Promise<ApplyResult> {
  return applyPlan(plan, live, clients.halo, clients.rmm, { batchSize: clients.halo.batchSize, ...options });
}
