/**
 * The Plan: what apply would change in Halo, in the order it would change it. The JSON that
 * `plan --format json` prints is this object; the text and markdown renderers read the same
 * object, so the three can never disagree.
 */

import type { PlanRoute } from '../model/routing-table.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HaloFieldType } from '../halo/types.js';
import type { AssetProperty } from '../halo/writes.js';
import { isWebhookKind, type Kind } from '../model/address.js';
import type { HaloIdentity } from '../rmm/provider.js';
import type { RmmId } from '../rmm/snapshot.js';

export { address, addressName, KINDS, type Kind } from '../model/address.js';

export type Action = 'create' | 'adopt' | 'update' | 'deactivate' | 'no-op';

/** A reference to another resource of the plan, resolved to its Halo id by apply. */
export interface Ref {
  ref: string;
}

/** A Halo object the plan names by its id (what apply writes) and its name (what a reviewer reads). */
export interface Named {
  id: number;
  name: string;
}

/** A Halo user linked to an asset. */
export type UserLink = Named;

/** The values of named fields: `{ "Serial Number": "5CG1234XYZ" }`. */
export type FieldValues = Record<string, string>;

export type Value = string | number | boolean | null | Ref | Named | Ref[] | Named[] | string[] | number[] | FieldValues;

/** What every change has, whatever its kind. */
interface ChangeBase {
  /** `client["Contoso"]`, `asset["ninja:1234"]` — unique within the plan. */
  address: string;
  action: Action;
  /** What a person calls it: the client name, the device name. */
  name: string;
  /** Why this action: "matched by serial 5CG1234XYZ", "new NinjaOne organisation". */
  reason?: string;
  /** The Halo client the change belongs to, for grouping; absent for global resources. */
  client?: string;
  /** The existing Halo object, for every action but create. */
  haloId?: number;
  /** The RMM's id written with it: the organisation, location or device id (NinjaOne's integers, another RMM's text uids). */
  rmmId?: RmmId;
  /** Addresses this change needs to exist first. */
  dependsOn?: string[];
  /** A hash of the live object as plan read it; apply refuses the plan if it changed since. */
  fingerprint?: string;
}

/**
 * One kind's change: `before` holds the touched attributes as they are now (update, adopt,
 * deactivate), `after` as apply leaves them — for a create, everything it writes.
 */
interface ChangeOf<K extends Kind, A> extends ChangeBase {
  kind: K;
  before?: Partial<Record<keyof A, Value>>;
  after?: A;
}

/** Halo's "Asset Tag must be unique". */
export type SettingChange = ChangeOf<'setting', { value: boolean | null }>;

export type AssetFieldChange = ChangeOf<
  'asset_field',
  {
    name?: string;
    type?: HaloFieldType;
    /** A selection's options, by name. */
    options?: string[];
    /** The asset types that carry it: `all` once Halo's "Add to all asset types" has run. */
    asset_types?: string[] | 'all';
  }
>;

export type AssetTypeChange = ChangeOf<
  'asset_type',
  {
    name?: string;
    asset_group?: Named | null;
    /** Its fields, in order: each an asset_field of the plan (live, or created before it). */
    fields?: Ref[];
  }
>;

export type ClientChange = ChangeOf<
  'client',
  {
    name?: string;
    top_level?: Named | null;
    /** The RMM organisation's id, in the Halo field `Plan.rmm.halo.client` names. */
    rmm_id?: RmmId | null;
    /** The name of the main site Halo makes with a new client. */
    main_site?: string;
  }
>;

export type SiteChange = ChangeOf<
  'site',
  {
    name?: string;
    client?: Ref;
    /** The RMM location's id, in the Halo field `Plan.rmm.halo.site` names. */
    rmm_id?: RmmId | null;
    /** This new site is the main site Halo made with its new client: named and linked, not made again. */
    main_site?: boolean;
  }
>;

export type AssetChange = ChangeOf<
  'asset',
  {
    /** A client, site or type of the plan; in `before`, the name the asset has now (or null). */
    client?: Ref;
    site?: Ref;
    asset_type?: Ref;
    /** The RMM device's id, in the Halo field `Plan.rmm.halo.asset` names. */
    rmm_id?: RmmId | null;
    inactive?: boolean;
    fields?: FieldValues;
    customfields?: FieldValues;
    users?: Named[];
  } & Partial<Record<AssetProperty, string | null>>
> & {
  /** The Halo field each value of `after.fields` goes into: its id, or the asset_field the plan creates. */
  fieldIds?: Record<string, number | Ref>;
  /** The Halo custom field of each value of `after.customfields`. */
  customFieldIds?: Record<string, number>;
};

/** The NinjaOne webhook registration (NinjaOne cannot report it, so apply sends it every time). */
export type WebhookChange = ChangeOf<'ninja_webhook', { url: string; header: string; organisations: RmmId[] | 'all'; /** Device lifecycle activities too (NODE_CREATED, …), for serve's sync; present only when the spec has sync:. */ lifecycle?: true }>;

/**
 * Halo's outgoing webhook to serve's POST /halo/webhook, for alerts.onTicketClosed (a ticket closed
 * in Halo resets its alert). Upserted by name on every apply: Halo never answers its password back.
 */
export type HaloWebhookChange = ChangeOf<'halo_webhook', { url: string; events: string[]; auth: string }>;

export type Change = SettingChange | AssetFieldChange | AssetTypeChange | ClientChange | SiteChange | AssetChange | WebhookChange | HaloWebhookChange;

/** A change's attributes as plain records, for code that reads any kind alike (renderers, comparisons). */
export function attributes(change: Change): { before?: Record<string, Value>; after?: Record<string, Value> } {
  return change as { before?: Record<string, Value>; after?: Record<string, Value> };
}

export type Summary = Record<Exclude<Action, 'no-op'>, number> & { unchanged: number };

/** The version of the plan's JSON: 2 since ids, lists and references are typed (a list of fields, not "a, b"). */
export const PLAN_FORMAT_VERSION = 2;

/** The addresses a plan is made against: `halo`, and the RMM's under its provider key (`ninjaone`). */
export type PlanTargets = { halo: string } & Record<string, string>;

export interface PlanRmm {
  name: string;
  /** Where a plan's RMM ids go: the fields of the client, the site and the asset. */
  halo: Pick<HaloIdentity, 'client' | 'site' | 'asset'>;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** `specHash` of the spec the plan was made from. */
  specHash: string;
  /** The spec file it was made from, as the command was given it (`apply plan.json` reads the same one). */
  spec?: string;
  /** When the plan was made (ISO 8601). */
  createdAt: string;
  /** The RMM the plan read, and the Halo fields its ids are written to (the text plans name those fields). */
  rmm: PlanRmm;
  /** Addresses the plan was made against (never credentials): Halo's, and the RMM's under its key (`ninjaone`). */
  targets: PlanTargets;
  /** Errors stop the plan: apply refuses a plan that has any. */
  errors: Diagnostic[];
  /** Things a reviewer must see: ambiguous serials, unmapped locations, mass deactivation. */
  warnings: Diagnostic[];
  /** Every resource haloform manages, changed or not, in apply order. */
  changes: Change[];
  /** Counts by action, over all kinds but the webhook registrations (re-sent on every apply). */
  summary: Summary;
  /** Counts by kind and action. */
  byKind: Partial<Record<Kind, Partial<Record<Action, number>>>>;
  /** alerts.routes as a table, the default route last (what serve will do with alerts; nothing apply changes). */
  routing?: PlanRoute[];
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
    if (isWebhookKind(c.kind)) continue;
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
