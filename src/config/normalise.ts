/**
 * Turns schema-valid spec data (defaults already filled in by the schema) into the `Spec` the
 * rest of haloform reads. Pure; assumes the schema check passed.
 */

import type { SpecPath } from '../diagnostics/diagnostic.js';
import type { FieldMapping as FieldMappingFile, HaloformSpec, OrganisationMapping as OrganisationMappingFile } from './spec-file.generated.js';
import { Secret } from './secret.js';
import type { AlertRoute, DevicePath, FieldMapping, LocationPolicy, NinjaRef, OrganisationMapping, RouteMatch, RouteSettings, Severity, SiteMapping, Spec, SyncKind } from './spec.js';
import { NINJAONE } from '../rmm/ninjaone/provider.js';
import { HALO_ASSET_PROPERTIES, NINJAONE_INSTANCES } from './vocabulary.js';

export interface NormaliseContext {
  /** Variables each interpolated value came from, by spec path. */
  variablesAt(path: SpecPath): string[] | undefined;
  /** Whether the map key at `path` was written as a number (an id). */
  isNumericKey(path: SpecPath): boolean;
}

/** The file shape once the schema's defaults are applied: every defaulted key is present. */
type Filled = HaloformSpec & {
  settings: NonNullable<HaloformSpec['settings']>;
  customers: Required<Pick<NonNullable<HaloformSpec['customers']>, 'unmapped' | 'unmappedLocations' | 'map'>> & NonNullable<HaloformSpec['customers']>;
  assetTypes: Required<Pick<NonNullable<HaloformSpec['assetTypes']>, 'map' | 'unmapped'>> & NonNullable<HaloformSpec['assetTypes']>;
  assets: Required<Omit<NonNullable<HaloformSpec['assets']>, 'user'>> & NonNullable<HaloformSpec['assets']>;
};

export function normalise(data: HaloformSpec, context: NormaliseContext): Spec {
  const file = data as Filled;
  const spec: Spec = {
    version: 1,
    connections: connectionsOf(file, context),
    settings: { ...file.settings },
    customers: customersOf(file, context),
    assetTypes: assetTypesOf(file),
    assets: assetsOf(file),
  };
  if (file.alerts) spec.alerts = alertsOf(file.alerts);
  if (file.sync) spec.sync = syncOf(file.sync, spec.customers);
  return spec;
}

/**
 * The sync section with its defaults: asset changes, and clients and sites where the spec's
 * unmapped policy already says create (an adopt of the same is allowed with it).
 */
function syncOf(sync: NonNullable<Filled['sync']>, customers: Spec['customers']): Spec['sync'] {
  const defaults: SyncKind[] = ['asset.create', 'asset.adopt', 'asset.update', 'asset.deactivate'];
  if (customers.unmapped === 'create') defaults.push('client.create', 'client.adopt');
  if (customers.unmappedLocations === 'create') defaults.push('site.create', 'site.adopt');
  return {
    everyMinutes: sync.everyMinutes ?? 15,
    resyncHours: sync.resyncHours ?? 24,
    autoApply: [...(sync.autoApply ?? defaults)],
    autoApplyGiven: sync.autoApply !== undefined,
  };
}

/** Both connections with their defaults; client secrets wrapped so they never print. */
function connectionsOf(file: Filled, context: NormaliseContext): Spec['connections'] {
  const ninja = file.connections.ninjaone;
  const halo = file.connections.halo;
  const secret = (path: string[], value: string) => {
    const variables = context.variablesAt(path);
    return new Secret(value, variables && variables.length > 0 ? variables.map((v) => `\${${v}}`).join('') : formatKey(path));
  };
  const haloUrl = stripSlash(halo.url);
  const ninjaBase = stripSlash(ninja.url ?? NINJAONE_INSTANCES[ninja.instance ?? 'app']!);
  return {
    ninjaone: {
      baseUrl: ninjaBase,
      webUrl: withoutUserinfo(ninjaBase),
      ...(ninja.instance !== undefined && ninja.url === undefined ? { instance: ninja.instance } : {}),
      clientId: ninja.clientId,
      clientSecret: secret(['connections', 'ninjaone', 'clientSecret'], ninja.clientSecret),
      scopes: [...(ninja.scopes ?? ['monitoring', 'management'])],
      timeoutSeconds: ninja.timeoutSeconds ?? 30,
    },
    halo: {
      url: haloUrl,
      authUrl: stripSlash(halo.authUrl ?? `${haloUrl}/auth`),
      ...(halo.tenant !== undefined ? { tenant: halo.tenant } : {}),
      clientId: halo.clientId,
      clientSecret: secret(['connections', 'halo', 'clientSecret'], halo.clientSecret),
      scope: halo.scope ?? 'all',
      ...(halo.rateLimit === false || halo.rateLimit === undefined ? {} : { rateLimit: { ...halo.rateLimit } }),
      batchSize: halo.batchSize ?? 50,
      timeoutSeconds: halo.timeoutSeconds ?? 30,
    },
  };
}

function customersOf(file: Filled, context: NormaliseContext): Spec['customers'] {
  return {
    ...(file.customers.topLevel !== undefined ? { topLevel: file.customers.topLevel } : {}),
    unmapped: file.customers.unmapped,
    unmappedLocations: file.customers.unmappedLocations,
    map: file.customers.map.map((entry, i) =>
      organisationMapping(entry, ['customers', 'map', i], file.customers.unmappedLocations, context),
    ),
    ...(file.customers.catchAll ? { catchAll: { ...file.customers.catchAll } } : {}),
  };
}

function assetTypesOf(file: Filled): Spec['assetTypes'] {
  return {
    map: Object.entries(file.assetTypes.map).map(([nodeClass, assetType]) => ({
      nodeClass,
      assetType: assetType!,
      path: ['assetTypes', 'map', nodeClass],
    })),
    unmapped: file.assetTypes.unmapped,
    ...(file.assetTypes.group !== undefined ? { group: file.assetTypes.group } : {}),
  };
}

function assetsOf(file: Filled): Spec['assets'] {
  return {
    match: [...file.assets.match],
    serialField: file.assets.serialField,
    ignoreSerials: [...file.assets.ignoreSerials],
    serial: serialSources(file.assets.serial?.from),
    name: { from: [...(file.assets.name?.from ?? NINJAONE.devices.nameSources)] },
    links: links(file.assets.links),
    fields: file.assets.fields.map((f, i) =>
      fieldMapping(f, ['assets', 'fields', i], {
        serial: file.assets.serial?.from ?? NINJAONE.devices.serialSources,
        name: file.assets.name?.from ?? NINJAONE.devices.nameSources,
      }),
    ),
    addMissingFieldsToTypes: file.assets.addMissingFieldsToTypes,
    ...(file.assets.user
      ? {
          user: {
            from: parseDevicePath(file.assets.user.from),
            matchBy: [...(file.assets.user.matchBy ?? ['login', 'email', 'name'])],
            path: ['assets', 'user'],
          },
        }
      : {}),
    removed: file.assets.removed,
  };
}

function alertsOf(alerts: NonNullable<Filled['alerts']>): NonNullable<Spec['alerts']> {
  const priority = alerts.priority ?? {};
  return {
    ticketType: alerts.ticketType,
    priority: {
      CRITICAL: priority.CRITICAL ?? 1,
      MAJOR: priority.MAJOR ?? 2,
      MODERATE: priority.MODERATE ?? 3,
      MINOR: priority.MINOR ?? 4,
      NONE: priority.NONE ?? 4,
    },
    endUser: alerts.endUser ?? 'assetUser',
    onReset: alerts.onReset ?? 'close',
    onTicketClosed: alerts.onTicketClosed ?? 'resetAlert',
    haloWebhook: alerts.haloWebhook ?? false,
    reopenWithinMinutes: alerts.reopenWithinMinutes ?? 0,
    ...(alerts.template ? { template: { ...alerts.template } } : {}),
    routes: (alerts.routes ?? []).map(routeOf),
    ...(alerts.stormThreshold
      ? { stormThreshold: { alerts: alerts.stormThreshold.alerts, withinMinutes: alerts.stormThreshold.withinMinutes ?? 5, per: alerts.stormThreshold.per ?? 'organisation+condition' } }
      : {}),
    maintenanceWindows: (alerts.maintenanceWindows ?? []).map((w) => ({
      ...(w.name !== undefined ? { name: w.name } : {}),
      ...(w.organisations ? { organisations: w.organisations.map(ninjaRef) } : {}),
      days: [...(w.days ?? ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])],
      from: minutesOf(w.from),
      to: minutesOf(w.to),
      timezone: w.timezone ?? 'UTC',
    })),
    closeOnlyUntouched: alerts.closeOnlyUntouched ?? true,
    include: {
      activityTypes: [...(alerts.include?.activityTypes ?? ['CONDITION'])],
      ...(alerts.include?.severities ? { severities: [...alerts.include.severities] as Severity[] } : {}),
      ...(alerts.include?.nodeClasses ? { nodeClasses: [...alerts.include.nodeClasses] } : {}),
    },
    poll: { enabled: alerts.poll?.enabled ?? true, everyMinutes: alerts.poll?.everyMinutes ?? 10 },
    ...(alerts.webhook
      ? {
          webhook: {
            publicUrl: alerts.webhook.publicUrl,
            header: alerts.webhook.header ?? 'Authorization',
            ...(alerts.webhook.organisations ? { organisations: alerts.webhook.organisations.map(ninjaRef) } : {}),
          },
        }
      : {}),
  };
}

type RouteFile = NonNullable<NonNullable<Filled['alerts']>['routes']>[number];

function routeOf(route: RouteFile, index: number): AlertRoute {
  const list = <T>(value: T | T[] | undefined): T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? [...value] : [value]);
  const m = route.match;
  const match: RouteMatch = {};
  const put = <K extends keyof RouteMatch>(key: K, value: RouteMatch[K] | undefined) => {
    if (value !== undefined) match[key] = value;
  };
  put('severities', list(m.severity) as Severity[] | undefined);
  put('priorities', list(m.priority));
  put('activityTypes', list(m.activityType));
  put('conditions', list(m.condition));
  put('organisations', list(m.organisation)?.map(ninjaRef));
  put('deviceClasses', list(m.deviceClass));
  put('deviceRoles', list(m.deviceRole));
  put('tags', list(m.tags));
  const set: RouteSettings = {};
  for (const key of ['ticketType', 'team', 'agent', 'category', 'priority', 'status', 'sla'] as const) {
    if (route[key] !== undefined) (set as Record<string, unknown>)[key] = route[key];
  }
  return { name: route.name ?? `routes[${index}]`, index, match, suppress: route.suppress ?? false, set };
}

function organisationMapping(
  entry: OrganisationMappingFile,
  path: SpecPath,
  defaultPolicy: LocationPolicy,
  context: NormaliseContext,
): OrganisationMapping {
  const sites: SiteMapping[] = Object.entries(entry.sites ?? {}).map(([key, site]) => {
    const keyPath = [...path, 'sites', key];
    const location: NinjaRef = context.isNumericKey(keyPath) ? { kind: 'id', id: Number(key) } : { kind: 'name', name: key };
    if (typeof site === 'string' || site === undefined) return { location, site: site!, path: keyPath };
    return { location, site: site.site, ...(site.renameFrom !== undefined ? { renameFrom: site.renameFrom } : {}), path: keyPath };
  });
  return {
    organisation: ninjaRef(entry.organisation),
    ...(entry.client !== undefined ? { client: entry.client } : {}),
    ...(entry.renameFrom !== undefined ? { renameFrom: entry.renameFrom } : {}),
    skip: entry.skip ?? false,
    sites,
    unmappedLocations: entry.unmappedLocations ?? defaultPolicy,
    path,
  };
}

/** The prefix of a custom field target: `customfields.CFcontractTier`. */
export const CUSTOM_FIELD_PREFIX = 'customfields.';

/** The keywords a mapping's `from` may be besides a device path. */
export const VALUE_KEYWORDS = { serial: 'serial', name: 'deviceName' } as const;

function fieldMapping(f: FieldMappingFile, path: SpecPath, sources: { serial: readonly string[]; name: readonly string[] }): FieldMapping {
  const custom = f.to.toLowerCase().startsWith(CUSTOM_FIELD_PREFIX) && f.to.length > CUSTOM_FIELD_PREFIX.length;
  const to = custom ? f.to.slice(CUSTOM_FIELD_PREFIX.length) : f.to;
  const toProperty = !custom && HALO_ASSET_PROPERTIES.includes(f.to);
  const source: FieldMapping['source'] =
    f.from === VALUE_KEYWORDS.serial || sources.serial.includes(f.from)
      ? 'serial'
      : f.from === VALUE_KEYWORDS.name || (f.to === 'inventory_number' && sources.name.includes(f.from))
        ? 'name'
        : 'path';
  return {
    to,
    target: custom ? 'customfield' : toProperty ? 'property' : 'field',
    toProperty,
    source,
    from: parseDevicePath(f.from),
    fromText: f.from,
    inherit: f.inherit ?? false,
    ...(f.type !== undefined ? { type: f.type } : {}),
    ...(f.dateFormat !== undefined ? { dateFormat: f.dateFormat } : {}),
    path,
  };
}

/** The link templates, by default the RMM's device link (reference/halopsa/NOTES.md §4.4: ninja_url, ninja_remote_url). */
function links(spec: NonNullable<HaloformSpec['assets']>['links']): Spec['assets']['links'] {
  const device = spec?.deviceUrl ?? NINJAONE.devices.deviceLink;
  const remote = spec?.remoteUrl ?? NINJAONE.devices.deviceLink;
  return { ...(device !== false ? { deviceUrl: device } : {}), ...(remote !== false ? { remoteUrl: remote } : {}) };
}

function serialSources(from: readonly string[] | undefined): Spec['assets']['serial'] {
  const fromText = [...(from ?? NINJAONE.devices.serialSources)];
  return { from: fromText.map(parseDevicePath), fromText };
}

/** `06:30` → 390 (the schema has checked the form). */
function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

export function ninjaRef(value: number | string): NinjaRef {
  return typeof value === 'number' ? { kind: 'id', id: value } : { kind: 'name', name: value };
}

/** `system.serialNumber`, `ipAddresses[0]` → segments. The schema has checked the syntax. */
export function parseDevicePath(text: string): DevicePath {
  return text.split('.').map((segment) => {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(segment);
    return m && m[2] !== undefined ? { name: m[1]!, index: Number(m[2]) } : { name: m?.[1] ?? segment };
  });
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function formatKey(path: string[]): string {
  return path.join('.');
}

/** `https://user:pw@host/x` → `https://host/x`; text that is not a URL is returned as it is. */
export function withoutUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return stripSlash(parsed.toString());
  } catch {
    return url;
  }
}
