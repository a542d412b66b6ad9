/**
 * applyPlan: the writes that make Halo match a Plan, in dependency order (settings, asset fields,
 * asset types, clients, sites, assets, then the RMM's alert webhook), batched per kind, ids of new
 * objects carried to their dependents. A change that fails is split out of its batch and
 * reported, its dependents are skipped, everything else goes on. Safe to run again: every create
 * carries its RMM id, so the next plan finds what this one made (DESIGN.md §3).
 */

import { HALO_WEBHOOK_EVENTS, HALO_WEBHOOK_SECRET_ENV } from '../halo/webhooks.js';
import { isWebhookKind } from '../model/address.js';
import type { HaloApiClient } from '../halo/client.js';
import { findByName, sameName } from '../halo/names.js';
import type { HaloAsset, HaloField, HaloSnapshot } from '../halo/types.js';
import { assetProperties, type AssetTypeWrite, type AssetWrite, type ClientWrite, type FieldValue, type Saved, type SiteWrite } from '../halo/writes.js';
import { toWire, type TargetType } from '../model/convert.js';
import { ApiError } from '../http/index.js';
import type { RmmSource } from '../rmm/provider.js';
import type { RmmId } from '../rmm/snapshot.js';
import { isRef, type Action, type AssetChange, type AssetFieldChange, type AssetTypeChange, type Change, type ClientChange, type Kind, type Plan, type Ref, type SettingChange, type SiteChange, type WebhookChange, type HaloWebhookChange } from '../plan/plan.js';

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
  /** HALOFORM_WEBHOOK_SECRET, for the RMM's webhook registration. */
  webhookSecret?: string;
  /** HALOFORM_HALO_WEBHOOK_SECRET: the password of Halo's webhook to serve (alerts.haloWebhook). */
  haloWebhookSecret?: string;
}

interface Context {
  plan: Plan;
  live: HaloSnapshot;
  halo: HaloApiClient;
  rmm: RmmSource;
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

export async function applyPlan(plan: Plan, live: HaloSnapshot, halo: HaloApiClient, rmm: RmmSource, options: ApplyOptions): Promise<ApplyResult> {
  if (plan.errors.length > 0) throw new Error('applyPlan was given a plan with errors');
  const ctx: Context = { plan, live, halo, rmm, options, ids: new Map(), mainSites: new Map(), fields: [...live.fields], broken: new Map(), events: [] };
  for (const c of plan.changes) if (c.haloId !== undefined) ctx.ids.set(c.address, c.haloId);

  const pending = <K extends Kind>(kind: K) => plan.changes.filter((c): c is Extract<Change, { kind: K }> => c.kind === kind && c.action !== 'no-op');
  await applySettings(ctx, pending('setting'));
  await applyFields(ctx, pending('asset_field'));
  await applyKind(ctx, 'asset_type', pending('asset_type'), {
    write: (c) => assetTypeWrite(ctx, c),
    save: (writes) => ctx.halo.saveAssetTypes(writes),
    find: async (writes) => {
      const types = await ctx.halo.readAssetTypes();
      return writes.map((w) => types.find((t) => sameName(t.name, w.name)));
    },
  });
  await applyKind(ctx, 'client', pending('client'), {
    write: (c) => clientWrite(c),
    save: (writes) => ctx.halo.saveClients(writes),
    find: async (writes) => {
      const clients = await ctx.halo.readClients();
      return writes.map((w) => {
        const hit = clients.find((c) => (w.rmmId !== undefined ? c.rmmId === w.rmmId : 'name' in w && sameName(c.name, w.name)));
        return hit && { id: hit.id, ...(hit.mainSiteId !== undefined ? { mainSiteId: hit.mainSiteId } : {}) };
      });
    },
    onSaved: (c, saved) => {
      if (c.action === 'create' && saved.mainSiteId !== undefined) ctx.mainSites.set(c.address, saved.mainSiteId);
    },
  });
  await applyKind(ctx, 'site', pending('site'), {
    write: (c) => siteWrite(ctx, c),
    save: (writes) => ctx.halo.saveSites(writes),
    find: async (writes) => {
      const sites = await ctx.halo.readSites();
      return writes.map((w) => sites.find((s) => (w.rmmId !== undefined ? s.rmmId === w.rmmId : s.clientId === w.clientId && sameName(s.name, w.name))));
    },
  });
  const assetsLive = new Map(live.assets.map((a) => [a.id, a]));
  await applyKind(ctx, 'asset', pending('asset'), {
    write: (c) => assetWrite(ctx, c, assetsLive),
    save: (writes) => ctx.halo.saveAssets(writes),
    find: async (writes) => {
      const clientIds = [...new Set(writes.map((w) => w.clientId).filter((id): id is number => id !== undefined))];
      const assets = (await Promise.all(clientIds.map((id) => ctx.halo.readAssetsWhere({ client_id: id, includeinactive: true })))).flat();
      return writes.map((w) => assets.find((a) => a.rmmId === w.rmmId));
    },
  });
  await applyWebhook(ctx, pending('ninja_webhook'));
  await applyHaloWebhook(ctx, pending('halo_webhook'));

  const done = ctx.events.filter((e) => e.status === 'done' && !isWebhookKind(e.kind));
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
function idOf(ctx: Context, value: Ref | undefined): number {
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

async function applySettings(ctx: Context, changes: SettingChange[]): Promise<void> {
  ctx.options.onKind?.('setting', changes.length);
  for (const c of changes) {
    if (c.address !== 'setting["assetTagMustBeUnique"]') continue;
    try {
      await ctx.halo.setAssetTagMustBeUnique(c.after?.value === true);
      finish(ctx, c, 'done');
    } catch (e) {
      finish(ctx, c, 'failed', { message: message(e) });
    }
  }
}

async function applyFields(ctx: Context, changes: AssetFieldChange[]): Promise<void> {
  ctx.options.onKind?.('asset_field', changes.length);
  for (const c of changes) {
    try {
      let id = c.haloId;
      if (c.action === 'create') {
        // Created one by one: there are few, and a name that now exists must not be created twice.
        const existing = findByName(await ctx.halo.readFields(), c.name);
        id = existing?.id ?? (await ctx.halo.createField({ name: c.name, type: c.after?.type ?? 'text', options: c.after?.options ?? [] }));
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

async function applyWebhook(ctx: Context, changes: WebhookChange[]): Promise<void> {
  ctx.options.onKind?.('ninja_webhook', changes.length);
  for (const c of changes) {
    const secret = ctx.options.webhookSecret;
    if (!secret) {
      finish(ctx, c, 'failed', { message: 'HALOFORM_WEBHOOK_SECRET is not set' });
      continue;
    }
    try {
      const orgs = c.after?.organisations;
      if (!ctx.rmm.registerWebhook) throw new Error(`${ctx.rmm.provider.name} takes no webhook over its API; configure its alerts to call haloform serve by hand`);
      await ctx.rmm.registerWebhook({
        url: c.after?.url ?? '',
        header: c.after?.header ?? 'Authorization',
        secret,
        ...(Array.isArray(orgs) ? { organizationIds: orgs } : {}),
        ...(c.after?.lifecycle ? { lifecycle: true } : {}),
      });
      finish(ctx, c, 'done');
    } catch (e) {
      finish(ctx, c, 'failed', { message: message(e) });
    }
  }
}

async function applyHaloWebhook(ctx: Context, changes: HaloWebhookChange[]): Promise<void> {
  ctx.options.onKind?.('halo_webhook', changes.length);
  for (const c of changes) {
    const password = ctx.options.haloWebhookSecret;
    if (!password) {
      finish(ctx, c, 'failed', { message: `${HALO_WEBHOOK_SECRET_ENV} is not set` });
      continue;
    }
    try {
      await ctx.halo.registerWebhook({ name: c.name, url: c.after?.url ?? '', events: c.after?.events ?? HALO_WEBHOOK_EVENTS, username: 'haloform', password });
      finish(ctx, c, 'done');
    } catch (e) {
      finish(ctx, c, 'failed', { message: message(e) });
    }
  }
}

/** How one kind is written: each change as a typed write, a batch saved, and what a create made found again. */
interface KindWriter<C extends Change, W> {
  /** The write a change makes; throws Unresolved when a reference it needs has no Halo id. */
  write(change: C): W;
  save(writes: W[]): Promise<Saved[]>;
  /** For each create, what Halo holds that it made (by RMM id, else by name), or undefined. */
  find(creates: W[]): Promise<(Saved | undefined)[]>;
  onSaved?(change: C, saved: Saved): void;
}

interface Pending<C extends Change, W> {
  change: C;
  item: W;
}

/**
 * One kind: batches of `batchSize` saved with bounded concurrency. A batch that Halo refuses
 * (4xx) is split and its items sent one by one, so one bad object does not hold back the rest.
 * A batch that may have been applied (a timeout, a reset, a 5xx after retries) is re-read before
 * anything is sent again, so a create is never made twice.
 */
async function applyKind<C extends Change, W>(ctx: Context, kind: C['kind'], changes: C[], writer: KindWriter<C, W>): Promise<void> {
  ctx.options.onKind?.(kind, changes.length);
  const ready: Pending<C, W>[] = [];
  for (const change of changes) {
    const blocked = blockedBy(ctx, change);
    if (blocked) {
      finish(ctx, change, 'skipped', { message: blocked });
      continue;
    }
    try {
      ready.push({ change, item: writer.write(change) });
    } catch (e) {
      if (!(e instanceof Unresolved)) throw e;
      finish(ctx, change, 'skipped', { message: `skipped: ${e.message}` });
    }
  }
  const batches: Pending<C, W>[][] = [];
  for (let i = 0; i < ready.length; i += ctx.options.batchSize) batches.push(ready.slice(i, i + ctx.options.batchSize));

  const saveAll = (batch: Pending<C, W>[], saved: Saved[]) => {
    batch.forEach(({ change }, i) => {
      const record = saved[i]!;
      const id = record.id ?? change.haloId;
      writer.onSaved?.(change, record);
      finish(ctx, change, 'done', id !== undefined ? { haloId: id } : {});
    });
  };

  const run = async (batch: Pending<C, W>[]): Promise<void> => {
    try {
      saveAll(batch, await writer.save(batch.map((b) => b.item)));
      return;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      let rest = batch;
      if (e.maybeApplied || (batch.length > 1 && e.status !== undefined && e.status < 500)) {
        // Halo may have saved part of the batch: find what exists before sending again.
        rest = await recover(ctx, writer, batch, saveAll);
      }
      const splittable = e.status !== undefined && e.status >= 400 && e.status < 500 && e.code !== 'rate_limited';
      if (!splittable && !e.maybeApplied) {
        for (const { change } of rest) finish(ctx, change, 'failed', { message: message(e) });
        return;
      }
      for (const one of rest) {
        try {
          saveAll([one], await writer.save([one.item]));
        } catch (single) {
          if (!(single instanceof ApiError)) throw single;
          // Saved after all? Then it is done; a re-read that cannot tell leaves it failed (never sent twice).
          const left = single.maybeApplied ? await recover(ctx, writer, [one], saveAll) : [one];
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
async function recover<C extends Change, W>(ctx: Context, writer: KindWriter<C, W>, batch: Pending<C, W>[], saveAll: (batch: Pending<C, W>[], saved: Saved[]) => void): Promise<Pending<C, W>[]> {
  const creates = batch.filter((b) => b.change.action === 'create');
  if (creates.length === 0) return batch;
  let found: (Saved | undefined)[];
  try {
    found = await writer.find(creates.map((b) => b.item));
  } catch {
    // Cannot tell what was saved: do not risk a duplicate; the next plan will see it.
    for (const b of creates) finish(ctx, b.change, 'failed', { message: 'the write may or may not have been saved, and Halo could not be re-read to check; plan again' });
    return batch.filter((b) => b.change.action !== 'create');
  }
  const saved = new Set<Pending<C, W>>();
  creates.forEach((b, i) => {
    const hit = found[i];
    if (hit === undefined) return;
    saveAll([b], [hit]);
    saved.add(b);
  });
  return batch.filter((b) => !saved.has(b));
}

// Writes: what each change writes, in haloform's words and with the ids the plan carries;
// src/halo/writes.ts makes Halo's bodies.

/** The asset field of an id as Halo has it now (live, or created by this run), for converting its values. */
function fieldById(ctx: Context, id: number, name: string): HaloField {
  return ctx.fields.find((f) => f.id === id) ?? { id, name, type: 'text', typeKnown: false, options: [] };
}

function targetOf(field: { type: HaloField['type']; options: HaloField['options']; name: string }): TargetType {
  return { type: field.type, options: field.options, label: `Halo field "${field.name}"` };
}

function assetTypeWrite(ctx: Context, c: AssetTypeChange): AssetTypeWrite {
  const after = c.after ?? {};
  return {
    name: c.name,
    ...(after.asset_group ? { assetGroupId: after.asset_group.id } : {}),
    fieldIds: (after.fields ?? []).map((ref) => idOf(ctx, ref)),
  };
}

function clientWrite(c: ClientChange): ClientWrite {
  const after = c.after ?? {};
  const rmmId = isRmmId(after.rmm_id) ? { rmmId: after.rmm_id } : {};
  if (c.action === 'create') {
    return { name: after.name ?? c.name, ...(after.top_level ? { topLevelId: after.top_level.id } : {}), ...rmmId, mainSiteName: after.main_site ?? 'Main' };
  }
  return { id: c.haloId!, ...(after.name !== undefined ? { name: after.name } : {}), ...rmmId };
}

function siteWrite(ctx: Context, c: SiteChange): SiteWrite {
  const after = c.after ?? {};
  const rmmId = isRmmId(after.rmm_id) ? { rmmId: after.rmm_id } : {};
  if (c.action === 'create') {
    const clientId = idOf(ctx, after.client);
    // The main site Halo made with a new client is this site: name it and link it instead of making another.
    const main = after.main_site === true && after.client ? ctx.mainSites.get(after.client.ref) : undefined;
    return { ...(main !== undefined ? { id: main } : {}), name: after.name ?? c.name, clientId, ...rmmId };
  }
  return { id: c.haloId!, ...(after.name !== undefined ? { name: after.name } : {}), ...rmmId };
}

function assetWrite(ctx: Context, c: AssetChange, live: Map<number, HaloAsset>): AssetWrite {
  const after = c.after ?? {};
  if (c.action === 'deactivate') return { id: c.haloId!, inactive: true };
  const write: AssetWrite = c.action === 'create' ? {} : { id: c.haloId! };
  if (after.client !== undefined) write.clientId = idOf(ctx, after.client);
  if (after.site !== undefined) write.siteId = idOf(ctx, after.site);
  if (after.asset_type !== undefined) write.assetTypeId = idOf(ctx, after.asset_type);
  if (isRmmId(after.rmm_id)) write.rmmId = after.rmm_id;
  if (typeof after.inactive === 'boolean') write.inactive = after.inactive;
  const values = after as Record<string, unknown>;
  const properties = Object.fromEntries(assetProperties(ctx.rmm.provider.halo).flatMap((key) => (typeof values[key] === 'string' ? [[key, values[key]]] : [])));
  if (Object.keys(properties).length > 0) write.properties = properties;
  const kept = c.haloId !== undefined ? live.get(c.haloId) : undefined;
  if (after.fields) {
    // Halo replaces the whole fields list (NOTES §2): send every value the asset keeps, with ours over them.
    write.fields = merged(kept?.fields, after.fields, (name) => {
      const target = c.fieldIds?.[name];
      if (target === undefined) throw new Unresolved(`the plan names no Halo field for "${name}"`);
      return fieldById(ctx, typeof target === 'number' ? target : idOf(ctx, target), name);
    });
  }
  if (after.customfields) {
    // Replaced whole too (NOTES §4 "re-send all values you want kept").
    write.customFields = merged(kept?.customFields, after.customfields, (name) => {
      const id = c.customFieldIds?.[name];
      const field = id === undefined ? undefined : ctx.live.customFields.find((f) => f.id === id);
      if (!field) throw new Unresolved(`custom field "${name}" is not in Halo`);
      return field;
    });
  }
  if (after.users) write.userIds = after.users.map((u) => u.id);
  return write;
}

/** The values an asset keeps (`kept`), with the plan's over them, converted for each field's type. */
function merged(kept: ReadonlyMap<number, unknown> | undefined, values: Record<string, string>, field: (name: string) => HaloField): FieldValue[] {
  const out = new Map<number, unknown>(kept ?? []);
  for (const [name, value] of Object.entries(values)) {
    const target = field(name);
    out.set(target.id, toWire(String(value), targetOf(target)));
  }
  return [...out].map(([id, value]) => ({ id, value }));
}

/** An RMM id as a plan carries it: an integer or a text uid (null is "none"). */
function isRmmId(value: unknown): value is RmmId {
  return typeof value === 'number' || (typeof value === 'string' && value !== '');
}
