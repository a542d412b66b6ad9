/**
 * applyPlan: the writes that make Halo match a Plan, in dependency order (settings, asset fields,
 * asset types, clients, sites, assets, then the NinjaOne webhook), batched per kind, ids of new
 * objects carried to their dependents. A change that fails is split out of its batch and
 * reported, its dependents are skipped, everything else goes on. Safe to run again: every create
 * carries its NinjaOne id, so the next plan finds what this one made (DESIGN.md §3).
 */

import type { HaloApiClient, HaloResource } from '../halo/client.js';
import { haloFieldTypeCode } from '../halo/field-types.js';
import type { HaloAsset, HaloField, HaloSnapshot } from '../halo/types.js';
import { toWire, type TargetType } from '../model/convert.js';
import { ApiError } from '../http/index.js';
import type { NinjaOneClient } from '../ninjaone/client.js';
import { isRef, type Action, type Change, type Kind, type Plan, type UserLink } from '../plan/plan.js';

export type ApplyStatus = 'done' | 'failed' | 'skipped';

/** One finished change, as `apply --format json` prints it. */
export interface ApplyEvent {
  address: string;
  kind: Kind;
  action: Exclude<Action, 'no-op'>;
  name: string;
  status: ApplyStatus;
  haloId?: number;
  /** Why it failed or was skipped. */
  message?: string;
}

export interface ApplyResult {
  events: ApplyEvent[];
  counts: { created: number; adopted: number; updated: number; deactivated: number };
  failed: ApplyEvent[];
  skipped: ApplyEvent[];
}

export interface ApplyOptions {
  /** Objects per POST (connections.halo.batchSize). */
  batchSize: number;
  /** Batches of one kind in flight at once; the HTTP layer's rate limiter paces them all. Default 4. */
  concurrency?: number;
  /** Called as each change finishes. */
  onEvent?(event: ApplyEvent): void;
  /** Called when a kind starts, with how many changes it has. */
  onKind?(kind: Kind, total: number): void;
  /** HALOFORM_WEBHOOK_SECRET, for the NinjaOne webhook registration. */
  webhookSecret?: string;
}

interface Context {
  plan: Plan;
  live: HaloSnapshot;
  halo: HaloApiClient;
  ninja: NinjaOneClient;
  options: ApplyOptions;
  /** Halo id of every resource of the plan that exists (live, or created by this run). */
  ids: Map<string, number>;
  /** Main site Halo made with each client this run created. */
  mainSites: Map<string, number>;
  /** Asset fields as Halo has them now: live ones, and the ones this run created (with their options' ids). */
  fields: HaloField[];
  /** Addresses that failed or were skipped: their dependents are skipped. */
  broken: Map<string, string>;
  events: ApplyEvent[];
}

export async function applyPlan(plan: Plan, live: HaloSnapshot, halo: HaloApiClient, ninja: NinjaOneClient, options: ApplyOptions): Promise<ApplyResult> {
  if (plan.errors.length > 0) throw new Error('applyPlan was given a plan with errors');
  const ctx: Context = { plan, live, halo, ninja, options, ids: new Map(), mainSites: new Map(), fields: [...live.fields], broken: new Map(), events: [] };
  for (const c of plan.changes) if (c.haloId !== undefined) ctx.ids.set(c.address, c.haloId);

  const pending = (kind: Kind) => plan.changes.filter((c) => c.kind === kind && c.action !== 'no-op');
  await applySettings(ctx, pending('setting'));
  await applyFields(ctx, pending('asset_field'));
  await applyKind(ctx, 'asset_type', 'AssetType', pending('asset_type'), (c) => assetTypeBody(ctx, c));
  await applyKind(ctx, 'client', 'Client', pending('client'), (c) => clientBody(ctx, c), (c, saved) => {
    const main = typeof saved.main_site_id === 'number' && saved.main_site_id > 0 ? saved.main_site_id : undefined;
    if (c.action === 'create' && main !== undefined) ctx.mainSites.set(c.address, main);
  });
  await applyKind(ctx, 'site', 'Site', pending('site'), (c) => siteBody(ctx, c));
  const assetsLive = new Map(live.assets.map((a) => [a.id, a]));
  await applyKind(ctx, 'asset', 'Asset', pending('asset'), (c) => assetBody(ctx, c, assetsLive));
  await applyWebhook(ctx, pending('ninja_webhook'));

  const done = ctx.events.filter((e) => e.status === 'done' && e.kind !== 'ninja_webhook');
  const count = (action: Action) => done.filter((e) => e.action === action).length;
  return {
    events: ctx.events,
    counts: { created: count('create'), adopted: count('adopt'), updated: count('update'), deactivated: count('deactivate') },
    failed: ctx.events.filter((e) => e.status === 'failed'),
    skipped: ctx.events.filter((e) => e.status === 'skipped'),
  };
}

function finish(ctx: Context, change: Change, status: ApplyStatus, extra: { haloId?: number; message?: string } = {}): void {
  if (status !== 'done') ctx.broken.set(change.address, extra.message ?? status);
  if (extra.haloId !== undefined) ctx.ids.set(change.address, extra.haloId);
  const event: ApplyEvent = {
    address: change.address,
    kind: change.kind,
    action: change.action as Exclude<Action, 'no-op'>,
    name: change.name,
    status,
    ...(extra.haloId !== undefined ? { haloId: extra.haloId } : {}),
    ...(extra.message !== undefined ? { message: extra.message } : {}),
  };
  ctx.events.push(event);
  ctx.options.onEvent?.(event);
}

/** Why a change cannot be written because something it needs failed, or undefined. */
function blockedBy(ctx: Context, change: Change): string | undefined {
  for (const dep of change.dependsOn ?? []) {
    const reason = ctx.broken.get(dep);
    if (reason !== undefined) return `skipped: ${dep} was not written (${reason.replace(/^skipped: /, '')})`;
  }
  return undefined;
}

/** The Halo id a reference stands for; throws Unresolved when it has none (a bug, or a broken dependency). */
function idOf(ctx: Context, value: unknown): number {
  if (!isRef(value)) throw new Unresolved(`expected a reference, got ${JSON.stringify(value)}`);
  const id = ctx.ids.get(value.ref);
  if (id === undefined) throw new Unresolved(`${value.ref} has no Halo id`);
  return id;
}

class Unresolved extends Error {}

function message(error: unknown): string {
  if (error instanceof ApiError) return error.vendorMessage ? `${error.vendorMessage} (${error.label}, ${error.status ?? error.code})` : error.message;
  return (error as Error).message;
}

async function applySettings(ctx: Context, changes: Change[]): Promise<void> {
  ctx.options.onKind?.('setting', changes.length);
  for (const c of changes) {
    if (c.address !== 'setting["assetTagMustBeUnique"]') continue;
    try {
      // "Asset Tag must be unique" is Control.allowduplicateinv inverted (reference/halopsa/NOTES.md §4.4).
      await ctx.halo.post('Control', [{ allowduplicateinv: c.after?.value !== true }]);
      finish(ctx, c, 'done');
    } catch (e) {
      finish(ctx, c, 'failed', { message: message(e) });
    }
  }
}

async function applyFields(ctx: Context, changes: Change[]): Promise<void> {
  ctx.options.onKind?.('asset_field', changes.length);
  for (const c of changes) {
    try {
      let id = c.haloId;
      if (c.action === 'create') {
        // Created one by one: there are few, and a name that now exists must not be created twice.
        const fold = c.name.trim().toLowerCase();
        const existing = (await ctx.halo.readFields()).find((f) => f.name.trim().toLowerCase() === fold);
        const type = typeof c.after?.type === 'string' ? (c.after.type as HaloField['type']) : 'text';
        const options = Array.isArray(c.after?.options) ? (c.after.options as unknown[]).filter((o): o is string => typeof o === 'string') : [];
        // The field's type, and a selection's options, go with it ([unverified]: Halo's Field has no documented type; see src/halo/field-types.ts).
        id = existing?.id ?? requireId((await ctx.halo.post('Field', [{ name: c.name, type: haloFieldTypeCode(type), ...(options.length > 0 ? { values: options.map((name) => ({ name })) } : {}) }]))[0]);
        // Its options' ids, for the values written below.
        const saved = (await ctx.halo.readFields()).find((f) => f.id === id);
        if (saved) ctx.fields = [...ctx.fields.filter((f) => f.id !== saved.id), saved];
      }
      await ctx.halo.addFieldToAll(id!);
      finish(ctx, c, 'done', { haloId: id! });
    } catch (e) {
      finish(ctx, c, 'failed', { message: message(e) });
    }
  }
}

async function applyWebhook(ctx: Context, changes: Change[]): Promise<void> {
  ctx.options.onKind?.('ninja_webhook', changes.length);
  for (const c of changes) {
    const secret = ctx.options.webhookSecret;
    if (!secret) {
      finish(ctx, c, 'failed', { message: 'HALOFORM_WEBHOOK_SECRET is not set' });
      continue;
    }
    try {
      const orgs = c.after?.organisations;
      await ctx.ninja.registerWebhook({
        url: String(c.after?.url),
        header: String(c.after?.header ?? 'Authorization'),
        secret,
        ...(typeof orgs === 'string' && orgs !== 'all' ? { organizationIds: orgs.split(',').map((s) => Number(s.trim())) } : {}),
      });
      finish(ctx, c, 'done');
    } catch (e) {
      finish(ctx, c, 'failed', { message: message(e) });
    }
  }
}

/**
 * One kind: batches of `batchSize` POSTed with bounded concurrency. A batch that Halo refuses
 * (4xx) is split and its items sent one by one, so one bad object does not hold back the rest.
 * A batch that may have been applied (a timeout, a reset, a 5xx after retries) is re-read before
 * anything is sent again, so a create is never made twice.
 */
async function applyKind(
  ctx: Context,
  kind: Kind,
  resource: HaloResource,
  changes: Change[],
  body: (c: Change) => Record<string, unknown>,
  onSaved?: (c: Change, saved: Record<string, unknown>) => void,
): Promise<void> {
  ctx.options.onKind?.(kind, changes.length);
  const ready: { change: Change; item: Record<string, unknown> }[] = [];
  for (const change of changes) {
    const blocked = blockedBy(ctx, change);
    if (blocked) {
      finish(ctx, change, 'skipped', { message: blocked });
      continue;
    }
    try {
      ready.push({ change, item: body(change) });
    } catch (e) {
      if (!(e instanceof Unresolved)) throw e;
      finish(ctx, change, 'skipped', { message: `skipped: ${e.message}` });
    }
  }
  const batches: (typeof ready)[] = [];
  for (let i = 0; i < ready.length; i += ctx.options.batchSize) batches.push(ready.slice(i, i + ctx.options.batchSize));

  const saveAll = (batch: typeof ready, saved: Record<string, unknown>[]) => {
    batch.forEach(({ change }, i) => {
      const record = saved[i]!;
      const id = typeof record.id === 'number' ? record.id : change.haloId;
      onSaved?.(change, record);
      finish(ctx, change, 'done', id !== undefined ? { haloId: id } : {});
    });
  };

  const run = async (batch: typeof ready): Promise<void> => {
    try {
      saveAll(batch, await ctx.halo.post(resource, batch.map((b) => b.item)));
      return;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      let rest = batch;
      if (e.maybeApplied || (batch.length > 1 && e.status !== undefined && e.status < 500)) {
        // Halo may have saved part of the batch: find what exists before sending again.
        rest = await recover(ctx, resource, batch, saveAll);
      }
      const splittable = e.status !== undefined && e.status >= 400 && e.status < 500 && e.code !== 'rate_limited';
      if (!splittable && !e.maybeApplied) {
        for (const { change } of rest) finish(ctx, change, 'failed', { message: message(e) });
        return;
      }
      for (const one of rest) {
        try {
          saveAll([one], await ctx.halo.post(resource, [one.item]));
        } catch (single) {
          if (!(single instanceof ApiError)) throw single;
          // Saved after all? Then it is done; a re-read that cannot tell leaves it failed (never sent twice).
          const left = single.maybeApplied ? await recover(ctx, resource, [one], saveAll) : [one];
          for (const { change } of left) if (!ctx.events.some((e) => e.address === change.address)) finish(ctx, change, 'failed', { message: message(single) });
        }
      }
    }
  };

  const concurrency = Math.max(1, ctx.options.concurrency ?? 4);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
      while (next < batches.length) await run(batches[next++]!);
    }),
  );
}

/**
 * After a batch failed in a way that may have saved some of it: re-reads the kind and marks the
 * creates that now exist as done (updates are safe to send again). Returns what is left to send.
 */
async function recover<T extends { change: Change; item: Record<string, unknown> }>(
  ctx: Context,
  resource: HaloResource,
  batch: T[],
  saveAll: (batch: T[], saved: Record<string, unknown>[]) => void,
): Promise<T[]> {
  const creates = batch.filter((b) => b.change.action === 'create');
  if (creates.length === 0) return batch;
  let found: Map<T, Record<string, unknown>>;
  try {
    found = await findExisting(ctx, resource, creates);
  } catch {
    // Cannot tell what was saved: do not risk a duplicate; the next plan will see it.
    for (const b of creates) finish(ctx, b.change, 'failed', { message: 'the write may or may not have been saved, and Halo could not be re-read to check; plan again' });
    return batch.filter((b) => b.change.action !== 'create');
  }
  for (const [b, record] of found) saveAll([b], [record]);
  return batch.filter((b) => !found.has(b));
}

async function findExisting<T extends { change: Change; item: Record<string, unknown> }>(ctx: Context, resource: HaloResource, creates: T[]): Promise<Map<T, Record<string, unknown>>> {
  const out = new Map<T, Record<string, unknown>>();
  const fold = (s: unknown) => String(s ?? '').trim().toLowerCase();
  if (resource === 'Client') {
    const clients = await ctx.halo.readClients();
    for (const b of creates) {
      const hit = clients.find((c) => (b.item.ninjarmmid !== undefined ? c.ninjaId === b.item.ninjarmmid : fold(c.name) === fold(b.item.name)));
      if (hit) out.set(b, { id: hit.id, ...(hit.mainSiteId !== undefined ? { main_site_id: hit.mainSiteId } : {}) });
    }
  } else if (resource === 'Site') {
    const sites = await ctx.halo.readSites();
    for (const b of creates) {
      const hit = sites.find((s) => (b.item.ninjarmmid !== undefined ? s.ninjaId === b.item.ninjarmmid : s.clientId === b.item.client_id && fold(s.name) === fold(b.item.name)));
      if (hit) out.set(b, { id: hit.id });
    }
  } else if (resource === 'Asset') {
    const clientIds = [...new Set(creates.map((b) => b.item.client_id as number))];
    const assets = (await Promise.all(clientIds.map((id) => ctx.halo.readAssetsWhere({ client_id: id, includeinactive: true })))).flat();
    for (const b of creates) {
      const hit = assets.find((a) => a.ninjaId === b.item.ninjarmm_id);
      if (hit) out.set(b, { id: hit.id });
    }
  } else if (resource === 'AssetType') {
    const types = await ctx.halo.readAssetTypes();
    for (const b of creates) {
      const hit = types.find((t) => fold(t.name) === fold(b.item.name));
      if (hit) out.set(b, { id: hit.id });
    }
  }
  return out;
}

function requireId(saved: Record<string, unknown> | undefined): number {
  if (!saved || typeof saved.id !== 'number') throw new Error('Halo did not return the id of the object it created');
  return saved.id;
}

// Bodies: what each change writes, in Halo's field names (reference/halopsa/NOTES.md §4).

/** The asset field of a name as Halo has it now (live, or created by this run). */
function fieldByName(ctx: Context, name: string): HaloField {
  const fold = name.trim().toLowerCase();
  const field = ctx.fields.find((f) => f.name.trim().toLowerCase() === fold);
  if (field) return field;
  const id = ctx.ids.get(`asset_field[${JSON.stringify(name)}]`) ?? [...ctx.ids].find(([a]) => a.toLowerCase() === `asset_field[${JSON.stringify(fold)}]`)?.[1];
  if (id === undefined) throw new Unresolved(`asset field "${name}" has no Halo id`);
  return { id, name, type: 'text', typeKnown: false, options: [] };
}

function fieldIdByName(ctx: Context, name: string): number {
  return fieldByName(ctx, name).id;
}

function targetOf(field: { type: HaloField['type']; options: HaloField['options']; name: string }): TargetType {
  return { type: field.type, options: field.options, label: `Halo field "${field.name}"` };
}

function assetTypeBody(ctx: Context, c: Change): Record<string, unknown> {
  const after = c.after ?? {};
  const group = ctx.live.assetGroups.find((g) => g.name === after.asset_group);
  const fields = typeof after.fields === 'string' && after.fields !== '' ? after.fields.split(', ') : [];
  return {
    name: c.name,
    ...(group ? { assetgroup_id: group.id } : {}),
    fields: fields.map((name, i) => ({ field_id: fieldIdByName(ctx, name), sequence: i + 1 })),
  };
}

function clientBody(ctx: Context, c: Change): Record<string, unknown> {
  const after = c.after ?? {};
  if (c.action === 'create') {
    const top = ctx.live.topLevels.find((t) => t.name === after.top_level);
    return {
      name: after.name,
      ...(top ? { toplevel_id: top.id } : {}),
      ...(after.ninjarmmid !== undefined ? { ninjarmmid: after.ninjarmmid } : {}),
      newclient_sitename: after.main_site ?? 'Main',
    };
  }
  return { id: c.haloId, ...pick(after, ['name', 'ninjarmmid']) };
}

function siteBody(ctx: Context, c: Change): Record<string, unknown> {
  const after = c.after ?? {};
  if (c.action === 'create') {
    const clientRef = after.client;
    const clientId = idOf(ctx, clientRef);
    // The main site Halo made with a new client is this site: name it and link it instead of making another.
    const main = after.main_site === true && isRef(clientRef) ? ctx.mainSites.get(clientRef.ref) : undefined;
    return {
      ...(main !== undefined ? { id: main } : {}),
      name: after.name,
      client_id: clientId,
      ...(after.ninjarmmid !== undefined ? { ninjarmmid: after.ninjarmmid } : {}),
    };
  }
  return { id: c.haloId, ...pick(after, ['name', 'ninjarmmid']) };
}

const ASSET_PROPERTIES = ['inventory_number', 'notes', 'warranty_start', 'warranty_end', 'labour_warranty_start', 'labour_warranty_end', 'supplier_purchasedate', 'commissiondate', 'ninja_url', 'ninja_remote_url'];

function assetBody(ctx: Context, c: Change, live: Map<number, HaloAsset>): Record<string, unknown> {
  const after = c.after ?? {};
  if (c.action === 'deactivate') return { id: c.haloId, inactive: true };
  const body: Record<string, unknown> = c.action === 'create' ? {} : { id: c.haloId };
  if (after.client !== undefined) body.client_id = idOf(ctx, after.client);
  if (after.site !== undefined) body.site_id = idOf(ctx, after.site);
  if (after.asset_type !== undefined) body.assettype_id = idOf(ctx, after.asset_type);
  if (after.ninjarmm_id !== undefined) body.ninjarmm_id = after.ninjarmm_id;
  if (after.inactive !== undefined) body.inactive = after.inactive;
  for (const key of ASSET_PROPERTIES) if (typeof after[key] === 'string') body[key] = after[key];
  const fields = after.fields;
  if (fields && typeof fields === 'object' && !Array.isArray(fields) && !isRef(fields)) {
    // Halo replaces the whole fields list (NOTES §2): send every value the asset keeps, with ours over them.
    const values = new Map<number, unknown>(c.haloId !== undefined ? live.get(c.haloId)?.fields ?? [] : []);
    for (const [name, value] of Object.entries(fields)) {
      const field = fieldByName(ctx, name);
      values.set(field.id, toWire(String(value), targetOf(field)));
    }
    body.fields = [...values].map(([id, value]) => ({ id, value }));
    // Never let a write add fields to a type behind the plan's back.
    body._dontaddnewfields = true;
  }
  const custom = after.customfields;
  if (custom && typeof custom === 'object' && !Array.isArray(custom) && !isRef(custom)) {
    // Replaced whole too (NOTES §4 "re-send all values you want kept").
    const values = new Map<number, unknown>(c.haloId !== undefined ? live.get(c.haloId)?.customFields ?? [] : []);
    for (const [name, value] of Object.entries(custom)) {
      const field = ctx.live.customFields.find((f) => f.name.trim().toLowerCase() === name.trim().toLowerCase());
      if (!field) throw new Unresolved(`custom field "${name}" is not in Halo`);
      values.set(field.id, toWire(String(value), targetOf(field)));
    }
    body.customfields = [...values].map(([id, value]) => ({ id, value }));
  }
  const users = after.users as UserLink[] | undefined;
  if (Array.isArray(users)) body.users = users.map((u) => ({ id: u.id }));
  return body;
}

function pick(from: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}
