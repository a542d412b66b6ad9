/**
 * makePlan: the Desired state against live Halo → a Plan of changes in apply order, each with
 * only the attributes it touches and a fingerprint of the live object it read. Pure: the time and
 * the spec hash are passed in.
 */

import { createHash } from 'node:crypto';
import type { DesiredAsset, DesiredAssetType, Desired, DesiredClient, DesiredField, DesiredSite, DesiredValue } from '../model/desired.js';
import { comparable } from '../model/convert.js';
import type { HaloAsset, HaloClient, HaloSite, HaloSnapshot } from '../halo/types.js';
import { KINDS, PLAN_FORMAT_VERSION, summarise, type AssetChange, type AssetFieldChange, type AssetTypeChange, type Change, type ClientChange, type Plan, type Ref, type SettingChange, type SiteChange, type WebhookChange, type HaloWebhookChange, type UserLink, type Value } from './plan.js';
import { foldName } from '../halo/names.js';
import { HALO_WEBHOOK_EVENTS, HALO_WEBHOOK_NAME, HALO_WEBHOOK_SECRET_ENV } from '../halo/webhooks.js';
import { compareRmmIds, deviceNoun, type RmmProvider } from '../rmm/provider.js';

export interface PlanMeta {
  specHash: string;
  spec?: string;
  createdAt: string;
  rmm: Plan['rmm'];
  targets: Plan['targets'];
  read: Plan['read'];
}

export function makePlan(desired: Desired, halo: HaloSnapshot, meta: PlanMeta): Plan {
  const lookups = lookupsOf(desired, halo);
  const rmm = desired.rmm;
  // Most assets share their client with the next: the same client needs no collation.
  const assets = [...desired.assets].sort((a, b) => (a.client === b.client ? 0 : a.client.name.localeCompare(b.client.name)) || a.name.localeCompare(b.name) || compareRmmIds(a.device.id, b.device.id));
  const changes: Change[] = [
    ...settingChanges(desired),
    ...desired.fields.map(fieldChange),
    ...desired.assetTypes.map((type) => assetTypeChange(type, desired)),
    ...[...desired.clients].sort(byName).map((client) => clientChange(client, rmm)),
    ...[...desired.sites].sort((a, b) => a.address.localeCompare(b.address)).map((site) => siteChange(site, rmm)),
    ...assets.map((asset) => assetChange(asset, lookups, rmm)),
    ...desired.deactivations.map((d) => deactivationChange(d, rmm)),
    ...(desired.webhook && rmm.webhook ? [webhookChange(desired.webhook, rmm.webhook)] : []),
    ...(desired.haloWebhook ? [haloWebhookChange(desired.haloWebhook)] : []),
  ];
  const order = new Map(KINDS.map((k, i) => [k, i]));
  changes.sort((a, b) => order.get(a.kind)! - order.get(b.kind)!);
  const { summary, byKind } = summarise(changes);
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    specHash: meta.specHash,
    ...(meta.spec !== undefined ? { spec: meta.spec } : {}),
    createdAt: meta.createdAt,
    rmm: meta.rmm,
    targets: meta.targets,
    errors: desired.errors,
    warnings: desired.warnings,
    changes,
    summary,
    byKind,
    ...(desired.routing ? { routing: desired.routing } : {}),
    read: meta.read,
  };
}

/** Live Halo indexed for the asset changes: ids by name, names by id. */
function lookupsOf(desired: Desired, halo: HaloSnapshot): Lookups {
  return {
    fieldIdsByName: new Map(halo.fields.map((f) => [foldName(f.name), f.id])),
    fieldAddressesByName: new Map(desired.fields.map((f) => [foldName(f.name), f.address])),
    shared: new Map(),
    customFieldIdsByName: new Map(halo.customFields.map((f) => [foldName(f.name), f.id])),
    clientsById: new Map(halo.clients.map((c) => [c.id, c])),
    sitesById: new Map(halo.sites.map((s) => [s.id, s])),
    typesById: new Map(halo.assetTypes.map((t) => [t.id, t])),
    usersById: new Map(halo.users.map((u) => [u.id, u])),
  };
}

function settingChanges(desired: Desired): SettingChange[] {
  const tag = desired.settings.assetTagMustBeUnique;
  if (!tag) return [];
  const same = tag.live === tag.desired;
  return [
    {
      address: 'setting["assetTagMustBeUnique"]',
      kind: 'setting',
      action: same ? 'no-op' : 'update',
      name: 'Asset Tag must be unique',
      ...(same ? {} : { before: { value: tag.live ?? null }, after: { value: tag.desired } }),
    },
  ];
}

/** A live type is left alone; a new one gets every mapped field, after the fields it needs are made. */
function assetTypeChange(type: DesiredAssetType, desired: Desired): AssetTypeChange {
  if (type.live) return { address: type.address, kind: 'asset_type', action: 'no-op', name: type.name, haloId: type.live.id, fingerprint: fingerprint(type.live) };
  return {
    address: type.address,
    kind: 'asset_type',
    action: 'create',
    name: type.name,
    reason: `for node class${type.nodeClasses.length === 1 ? '' : 'es'} ${type.nodeClasses.join(', ')}`,
    after: {
      name: type.name,
      asset_group: type.group ? { id: type.group.id, name: type.group.name } : null,
      fields: desired.fields.map((f) => ({ ref: f.address })),
    },
    dependsOn: desired.fields.filter((f) => !f.live).map((f) => f.address),
  };
}

function deactivationChange(d: Desired['deactivations'][number], rmm: RmmProvider): AssetChange {
  return {
    address: d.address,
    kind: 'asset',
    action: 'deactivate',
    name: d.name,
    reason: `${deviceNoun(rmm, d.live.rmmId)} no longer exists`,
    ...(d.client ? { client: d.client.name } : {}),
    haloId: d.live.id,
    rmmId: d.live.rmmId!,
    before: { inactive: false },
    after: { inactive: true },
    fingerprint: assetFingerprint(d.live),
  };
}

function webhookChange(webhook: NonNullable<Desired['webhook']>, words: NonNullable<RmmProvider['webhook']>): WebhookChange {
  return {
    address: 'ninja_webhook',
    kind: 'ninja_webhook',
    action: 'update',
    name: words.name,
    reason: words.reason,
    after: { url: webhook.url, header: webhook.header, organisations: webhook.organizationIds ?? 'all', ...(webhook.lifecycle ? { lifecycle: true as const } : {}) },
  };
}

function haloWebhookChange(hook: NonNullable<Desired['haloWebhook']>): HaloWebhookChange {
  return {
    address: 'halo_webhook',
    kind: 'halo_webhook',
    action: 'update',
    name: HALO_WEBHOOK_NAME,
    reason: 'alerts.haloWebhook: a ticket closed in Halo resets its alert at once; re-sent on every apply, as Halo never answers the password back',
    after: { url: hook.url, events: [...HALO_WEBHOOK_EVENTS], auth: `HTTP Basic, the password ${HALO_WEBHOOK_SECRET_ENV}` },
  };
}

function fieldChange(field: DesiredField): AssetFieldChange {
  if (!field.live) {
    return {
      address: field.address,
      kind: 'asset_field',
      action: 'create',
      name: field.name,
      reason: 'mapped in assets.fields; assets.addMissingFieldsToTypes is on',
      after: { name: field.name, type: field.type, ...(field.options.length > 0 ? { options: field.options.map((o) => o.name) } : {}), asset_types: 'all' },
    };
  }
  if (field.addToAll) {
    return {
      address: field.address,
      kind: 'asset_field',
      action: 'update',
      name: field.name,
      reason: `not on asset type${field.missingFrom.length === 1 ? '' : 's'} ${field.missingFrom.map((t) => `"${t.name}"`).join(', ')}, which receive${field.missingFrom.length === 1 ? 's' : ''} values for it; assets.addMissingFieldsToTypes is on`,
      haloId: field.live.id,
      before: { asset_types: [...field.presentOn] },
      after: { asset_types: 'all' },
      fingerprint: fingerprint(field.live),
    };
  }
  return { address: field.address, kind: 'asset_field', action: 'no-op', name: field.name, haloId: field.live.id, fingerprint: fingerprint(field.live) };
}

function clientChange(client: DesiredClient, rmm: RmmProvider): ClientChange {
  const base = { address: client.address, kind: 'client' as const, name: client.name, client: client.name };
  if (!client.live) {
    return {
      ...base,
      action: 'create',
      reason: client.organisation ? `new for ${rmm.name} organisation "${client.organisation}"` : 'the catch-all client of customers.catchAll',
      ...(client.rmmId !== undefined ? { rmmId: client.rmmId } : {}),
      after: {
        name: client.name,
        top_level: client.topLevel ? { id: client.topLevel.id, name: client.topLevel.name } : null,
        ...(client.rmmId !== undefined ? { rmm_id: client.rmmId } : {}),
        main_site: client.mainSiteName ?? 'Main',
      },
    };
  }
  const before: Record<string, Value> = {};
  const after: Record<string, Value> = {};
  if (client.rmmId !== undefined && client.live.rmmId !== client.rmmId) {
    before.rmm_id = client.live.rmmId ?? null;
    after.rmm_id = client.rmmId;
  }
  if (client.explicitName && client.live.name !== client.name) {
    before.name = client.live.name;
    after.name = client.name;
  }
  const changed = Object.keys(after).length > 0;
  const action = !changed ? 'no-op' : client.match === 'name' ? 'adopt' : 'update';
  return {
    ...base,
    action,
    ...(changed ? { reason: client.match === 'name' ? `${client.explicitName ? 'mapped in customers.map' : 'matched by name'} to ${rmm.name} organisation "${client.organisation}"` : 'renamed as the spec says' } : {}),
    haloId: client.live.id,
    ...(client.rmmId !== undefined ? { rmmId: client.rmmId } : {}),
    ...(changed ? { before, after } : {}),
    fingerprint: fingerprint(client.live),
  };
}

function siteChange(site: DesiredSite, rmm: RmmProvider): SiteChange {
  const base = { address: site.address, kind: 'site' as const, name: site.name, client: site.client.name, dependsOn: [site.client.address] };
  if (!site.live) {
    return {
      ...base,
      action: 'create',
      reason: site.asMainSite
        ? `the main site Halo creates with the new client${site.location ? `, for ${rmm.name} location "${site.location}"` : ''}`
        : site.location
          ? `new for ${rmm.name} location "${site.location}"`
          : 'the catch-all site of customers.catchAll',
      ...(site.rmmId !== undefined ? { rmmId: site.rmmId } : {}),
      after: {
        name: site.name,
        client: { ref: site.client.address },
        ...(site.rmmId !== undefined ? { rmm_id: site.rmmId } : {}),
        ...(site.asMainSite ? { main_site: true } : {}),
      },
    };
  }
  const before: Record<string, Value> = {};
  const after: Record<string, Value> = {};
  if (site.rmmId !== undefined && site.live.rmmId !== site.rmmId) {
    before.rmm_id = site.live.rmmId ?? null;
    after.rmm_id = site.rmmId;
  }
  if (site.explicitName && site.live.name !== site.name) {
    before.name = site.live.name;
    after.name = site.name;
  }
  const changed = Object.keys(after).length > 0;
  return {
    ...base,
    action: !changed ? 'no-op' : site.match === 'name' ? 'adopt' : 'update',
    ...(changed ? { reason: site.match === 'name' ? `${site.explicitName ? 'mapped in the spec' : 'matched by name'} to ${rmm.name} location "${site.location}"` : 'renamed as the spec says' } : {}),
    haloId: site.live.id,
    ...(site.rmmId !== undefined ? { rmmId: site.rmmId } : {}),
    ...(changed ? { before, after } : {}),
    fingerprint: fingerprint(site.live),
  };
}

interface Lookups {
  fieldIdsByName: Map<string, number>;
  /** The asset_field change of each field the plan knows, for fields it creates. */
  fieldAddressesByName: Map<string, string>;
  /** fieldTargets' answers by the fields they are for. */
  shared: Map<string, Pick<AssetChange, 'fieldIds' | 'customFieldIds'>>;
  customFieldIdsByName: Map<string, number>;
  clientsById: Map<number, HaloClient>;
  sitesById: Map<number, HaloSite>;
  typesById: Map<number, { id: number; name: string }>;
  usersById: Map<number, { id: number; name: string }>;
}

function assetChange(asset: DesiredAsset, lookups: Lookups, rmm: RmmProvider): AssetChange {
  const fieldValues: DesiredValue[] = [];
  const customValues: DesiredValue[] = [];
  const propertyValues: DesiredValue[] = [];
  for (const v of asset.values) (v.kind === 'field' ? fieldValues : v.kind === 'customfield' ? customValues : propertyValues).push(v);
  const userLinks: UserLink[] | undefined = asset.user ? [{ id: asset.user.id, name: asset.user.name }] : undefined;

  if (!asset.live) {
    return {
      ...assetChangeHead(asset, 'create'),
      reason: `new for ${deviceNoun(rmm, asset.device.id)} (${asset.device.nodeClass})`,
      after: {
        client: { ref: asset.client.address },
        site: { ref: asset.site.address },
        asset_type: { ref: asset.type.address },
        rmm_id: asset.device.id,
        ...Object.fromEntries(propertyValues.map((v) => [v.target, v.value])),
        ...(fieldValues.length > 0 ? { fields: Object.fromEntries(fieldValues.map((v) => [v.target, v.value])) } : {}),
        ...(customValues.length > 0 ? { customfields: Object.fromEntries(customValues.map((v) => [v.target, v.value])) } : {}),
        ...(userLinks ? { users: userLinks } : {}),
      },
      ...fieldTargets(fieldValues.map((v) => v.target), customValues.map((v) => v.target), lookups),
    };
  }

  const live = asset.live;
  const before: Record<string, Value> = {};
  const after: Record<string, Value> = {};
  if (live.rmmId !== asset.device.id) {
    before.rmm_id = live.rmmId ?? null;
    after.rmm_id = asset.device.id;
  }
  if (live.inactive) {
    before.inactive = true;
    after.inactive = false;
  }
  if (asset.client.live === undefined || asset.client.live.id !== live.clientId) {
    before.client = live.clientId === undefined ? null : lookups.clientsById.get(live.clientId)?.name || `client ${live.clientId}`;
    after.client = { ref: asset.client.address };
  }
  if (asset.site.live === undefined || asset.site.live.id !== live.siteId) {
    before.site = live.siteId === undefined ? null : lookups.sitesById.get(live.siteId)?.name || `site ${live.siteId}`;
    after.site = { ref: asset.site.address };
  }
  if (asset.type.live === undefined || asset.type.live.id !== live.assetTypeId) {
    before.asset_type = live.assetTypeId === undefined ? null : lookups.typesById.get(live.assetTypeId)?.name || `asset type ${live.assetTypeId}`;
    after.asset_type = { ref: asset.type.address };
  }
  for (const v of propertyValues) {
    const current = comparable(v.target === 'inventory_number' ? live.inventoryNumber : live.properties[v.target], v.type);
    if (current !== comparable(v.value, v.type)) {
      before[v.target] = current ?? null;
      after[v.target] = v.value;
    }
  }
  const fields = diffValues(fieldValues, lookups.fieldIdsByName, live.fields);
  if (fields) {
    before.fields = fields.was;
    after.fields = fields.will;
  }
  const customFields = diffValues(customValues, lookups.customFieldIdsByName, live.customFields);
  if (customFields) {
    before.customfields = customFields.was;
    after.customfields = customFields.will;
  }
  if (userLinks && !(live.userIds.length === 1 && live.userIds[0] === userLinks[0]!.id)) {
    before.users = live.userIds.map((id) => ({ id, name: lookups.usersById.get(id)?.name ?? `user ${id}` }));
    after.users = userLinks;
  }

  // Property by property in the order the plan's JSON shows them: spreading optional parts costs
  // more than the rest of an unchanged asset's change.
  const changed = Object.keys(after).length > 0;
  const change = assetChangeHead(asset, asset.match === 'serial' ? 'adopt' : changed ? 'update' : 'no-op');
  if (asset.match === 'serial') change.reason = `matched by serial ${asset.serial}`;
  else if (changed) change.reason = describeUpdate(after, rmm);
  change.haloId = live.id;
  if (changed) {
    change.before = before;
    change.after = after as NonNullable<AssetChange['after']>;
  }
  const targets = fieldTargets(fields ? Object.keys(fields.will) : [], customFields ? Object.keys(customFields.will) : [], lookups);
  if (targets.fieldIds) change.fieldIds = targets.fieldIds;
  if (targets.customFieldIds) change.customFieldIds = targets.customFieldIds;
  change.fingerprint = assetFingerprint(live);
  return change;
}

/** What every asset change starts with. */
function assetChangeHead(asset: DesiredAsset, action: AssetChange['action']): AssetChange {
  return {
    address: asset.address,
    kind: 'asset',
    name: asset.name,
    client: asset.client.name,
    rmmId: asset.device.id,
    dependsOn: [asset.client.address, asset.site.address, asset.type.address],
    action,
  };
}

/** The asset's field (or custom field) values that differ from the live ones: what it has (`was`, "" for none) and what it gets. */
function diffValues(values: readonly DesiredValue[], ids: ReadonlyMap<string, number>, live: ReadonlyMap<number, unknown>): { was: Record<string, string>; will: Record<string, string> } | undefined {
  let diff: { was: Record<string, string>; will: Record<string, string> } | undefined;
  for (const v of values) {
    const id = ids.get(foldName(v.target));
    const current = comparable(id === undefined ? undefined : live.get(id), v.type);
    if (current !== comparable(v.value, v.type)) {
      diff ??= { was: {}, will: {} };
      diff.was[v.target] = current ?? '';
      diff.will[v.target] = v.value;
    }
  }
  return diff;
}

/**
 * The Halo field of each value written (its id, or the asset_field change that creates it); the
 * custom field of each custom value. Assets writing the same fields share one object: at 50,000
 * assets, a map each cost ~70 MB.
 */
function fieldTargets(fields: string[], customFields: string[], lookups: Lookups): Pick<AssetChange, 'fieldIds' | 'customFieldIds'> {
  if (fields.length === 0 && customFields.length === 0) return {};
  const key = JSON.stringify([fields, customFields]);
  const known = lookups.shared.get(key);
  if (known) return known;
  const fieldIds: Record<string, number | Ref> = {};
  for (const name of fields) {
    const id = lookups.fieldIdsByName.get(foldName(name));
    const created = lookups.fieldAddressesByName.get(foldName(name));
    if (id !== undefined) fieldIds[name] = id;
    else if (created !== undefined) fieldIds[name] = { ref: created };
  }
  const customFieldIds: Record<string, number> = {};
  for (const name of customFields) {
    const id = lookups.customFieldIdsByName.get(foldName(name));
    if (id !== undefined) customFieldIds[name] = id;
  }
  const targets = { ...(fields.length > 0 ? { fieldIds } : {}), ...(customFields.length > 0 ? { customFieldIds } : {}) };
  lookups.shared.set(key, targets);
  return targets;
}

function describeUpdate(after: Record<string, Value>, rmm: RmmProvider): string {
  if ('client' in after) return `moved to another client in ${rmm.name}`;
  if ('site' in after) return `moved to another location in ${rmm.name}`;
  if ('inactive' in after) return `the device is back in ${rmm.name}`;
  return `${rmm.name} values changed`;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}

/** A stable hash of a live object: apply re-reads and compares before writing. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

/**
 * Fingerprints by asset object: a Halo read's records are never changed in place (a re-read
 * replaces them), so serve's sync, planning against the same cached 50,000 assets every cycle,
 * hashes each once rather than once a cycle.
 */
const assetFingerprints = new WeakMap<HaloAsset, string>();

export function assetFingerprint(asset: HaloAsset): string {
  let known = assetFingerprints.get(asset);
  if (known === undefined) {
    known = fingerprint({ ...asset, fields: [...asset.fields].sort(([a], [b]) => a - b), userIds: [...asset.userIds].sort((a, b) => a - b) });
    assetFingerprints.set(asset, known);
  }
  return known;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return [...v].sort(([a], [b]) => String(a).localeCompare(String(b)));
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      // Keys in code-unit order (sort's own); the copy's integer keys still come first, as in any object.
      const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // a key "__proto__" stays a key
      for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
      return sorted;
    }
    return v;
  });
}
