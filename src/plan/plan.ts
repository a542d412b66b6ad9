/**
 * The Plan: what apply would change in Halo, in the order it would change it. The JSON that
 * `plan --format json` prints is this object; the text and markdown renderers read the same
 * object, so the three can never disagree.
 */

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Kind } from '../model/address.js';

export { address, addressName, KINDS, type Kind } from '../model/address.js';

export type Action = 'create' | 'adopt' | 'update' | 'deactivate' | 'no-op';

/** A reference to another resource of the plan, resolved to its Halo id by apply. */
export interface Ref {
  ref: string;
}

/** A Halo user linked to an asset. */
export interface UserLink {
  id: number;
  name: string;
}

export type Value = string | number | boolean | null | Ref | UserLink[] | string[] | { [field: string]: string };

export interface Change {
  /** `client["Contoso"]`, `asset["ninja:1234"]` — unique within the plan. */
  address: string;
  kind: Kind;
  action: Action;
  /** What a person calls it: the client name, the device name. */
  name: string;
  /** Why this action: "matched by serial 5CG1234XYZ", "new NinjaOne organisation". */
  reason?: string;
  /** The Halo client the change belongs to, for grouping; absent for global resources. */
  client?: string;
  /** The existing Halo object, for every action but create. */
  haloId?: number;
  /** The NinjaOne id written with it (organisation, location or device id). */
  ninjaId?: number;
  /** The touched attributes as they are now (update, adopt, deactivate). */
  before?: Record<string, Value>;
  /** The touched attributes as apply leaves them; for a create, everything it writes. */
  after?: Record<string, Value>;
  /** Addresses this change needs to exist first. */
  dependsOn?: string[];
  /** A hash of the live object as plan read it; apply refuses the plan if it changed since. */
  fingerprint?: string;
}

export type Summary = Record<Exclude<Action, 'no-op'>, number> & { unchanged: number };

export interface Plan {
  formatVersion: 1;
  /** `specHash` of the spec the plan was made from. */
  specHash: string;
  /** The spec file it was made from, as the command was given it (`apply plan.json` reads the same one). */
  spec?: string;
  /** When the plan was made (ISO 8601). */
  createdAt: string;
  /** Hosts the plan was made against (never credentials). */
  targets: { ninjaone: string; halo: string };
  /** Errors stop the plan: apply refuses a plan that has any. */
  errors: Diagnostic[];
  /** Things a reviewer must see: ambiguous serials, unmapped locations, mass deactivation. */
  warnings: Diagnostic[];
  /** Every resource haloform manages, changed or not, in apply order. */
  changes: Change[];
  /** Counts by action, over all kinds but ninja_webhook (which NinjaOne cannot report). */
  summary: Summary;
  /** Counts by kind and action. */
  byKind: Partial<Record<Kind, Partial<Record<Action, number>>>>;
  /** What was read, for the reader's orientation. */
  read: { organizations: number; locations: number; devices: number; haloClients: number; haloAssets: number };
}

export function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Ref).ref === 'string' && Object.keys(value).length === 1;
}

export function summarise(changes: readonly Change[]): { summary: Summary; byKind: Plan['byKind'] } {
  const summary: Summary = { create: 0, adopt: 0, update: 0, deactivate: 0, unchanged: 0 };
  const byKind: Plan['byKind'] = {};
  for (const c of changes) {
    const kind = (byKind[c.kind] ??= {});
    kind[c.action] = (kind[c.action] ?? 0) + 1;
    if (c.kind === 'ninja_webhook') continue;
    if (c.action === 'no-op') summary.unchanged += 1;
    else summary[c.action] += 1;
  }
  return { summary, byKind };
}

/** Whether applying the plan would change anything (the webhook registration is not counted: it is re-sent on every apply). */
export function hasChanges(plan: Pick<Plan, 'summary'>): boolean {
  const { create, adopt, update, deactivate } = plan.summary;
  return create + adopt + update + deactivate > 0;
}
