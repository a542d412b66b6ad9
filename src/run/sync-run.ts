/**
 * A sync run: one converge cycle of `sync:` — plan as `plan` does (the same reads, the same
 * guards), apply what sync.autoApply allows, hold the rest for a reviewed apply. Called by
 * `haloform sync` (a schedule in CI) and by serve's controller.
 */

import type { ApplyResult } from '../apply/executor.js';
import type { LoadedSpec } from '../config/load.js';
import type { Spec, Sync } from '../config/spec.js';
import type { Plan } from '../plan/plan.js';
import { hasChanges } from '../plan/plan.js';
import { splitForSync, type HeldChange } from '../sync/policy.js';
import { applyRun } from './apply-run.js';
import type { Clients } from './clients.js';
import { planRun } from './plan-run.js';

export interface SyncCycle {
  /** The plan the cycle made (every change, held ones included). */
  plan: Plan;
  /** What the cycle applied: the allowed part of the plan. */
  applied: Plan;
  held: HeldChange[];
  /** Why nothing was applied, when the plan has errors. */
  refused?: string;
  /** The writes' outcome; undefined when there was nothing to apply. */
  result?: ApplyResult;
}

export interface SyncOptions {
  env: Readonly<Record<string, string | undefined>>;
  now?: Date;
  onReading?: () => () => void;
  onEvent?: Parameters<typeof applyRun>[3]['onEvent'];
}

/** One cycle: read, plan, split by sync.autoApply, apply the allowed part. Throws only on a bug; read and write failures are in the result. */
export async function syncRun(loaded: LoadedSpec & { spec: Spec & { sync: Sync } }, clients: Clients, options: SyncOptions): Promise<SyncCycle> {
  const run = await planRun(loaded, clients, {
    env: options.env,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onReading ? { onReading: options.onReading } : {}),
  });
  const split = splitForSync(run.plan, loaded.spec.sync);
  const base = { plan: run.plan, applied: split.plan, held: split.held, ...(split.refused ? { refused: split.refused } : {}) };
  if (split.refused || !run.halo || !hasChanges(split.plan)) return base;
  const result = await applyRun(split.plan, run.halo, clients, { ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
  return { ...base, result };
}
