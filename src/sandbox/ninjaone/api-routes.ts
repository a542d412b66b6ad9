/**
 * The NinjaOne API itself: the token endpoint and every `/v2/*` read and write haloform uses,
 * served under both `/v2` and `/api/v2` (NOTES §0). Each route checks the bearer token first
 * (401 body, NOTES §8), then the scope — `monitoring` to read, `management` to write (403) —
 * then its parameters. Lists are bare arrays in ascending id (NOTES §3.1). Every row passes
 * through the row overlays (src/sandbox/overlays.ts) last, so a test can make any row look like
 * one a real tenant sent.
 */

import type { RowOverlays } from '../overlays.js';
import { parseJson, type Handler, type Router, type SimRequest, type SimResponse } from '../sim-server.js';
import type { NinjaDevice, NinjaOrganization } from '../seed.js';
import type { ActivityFeed } from './activity-feed.js';
import { CustomFieldCursors, deviceFieldMap, FIELD_SCOPES, visibleValues, type CursorPage, type FieldScope, type ScopedFieldsRow } from './custom-fields.js';
import { parseDeviceFilter, type DevicePredicate } from './device-filter.js';
import { renderDevice, type DeviceView, type ReferenceOptions } from './device-shapes.js';
import { searchDevices } from './device-search.js';
import { nginxNotFound, type NinjaErrors } from './errors.js';
import type { TokenGrant, TokenIssuer } from './oauth.js';
import { pageIds, readInteger, readPageRequest, type PageLimits, type PageRequest } from './paging.js';
import type { NinjaStore } from './store.js';
import { inScopes, renderAlert, renderDefinition, renderLocation, renderOrganization, renderOrganizationDetailed } from './tenant-shapes.js';
import { parseWebhookConfig } from './webhook-config.js';

export interface ApiContext {
  store: NinjaStore;
  tokens: TokenIssuer;
  errors: NinjaErrors;
  feed: ActivityFeed;
  cursors: CustomFieldCursors;
  limits: PageLimits;
  /** Applied to every row rendered, by list name (OVERLAY_LISTS). */
  overlays: RowOverlays;
  /** Serve `POST /oauth/token` like `/ws/oauth/token` instead of nginx's 404 (some instances did, NOTES §1). */
  legacyTokenPath: boolean;
}

/** Both path prefixes the API answers on. */
export const API_PREFIXES = ['/v2', '/api/v2'] as const;

/** `/v2/queries/*` page size bounds and default [spec]. */
const QUERY_PAGE = { min: 10, max: 10_000, default: 1000 };

/**
 * The lists row overlays can name, and what each covers. A row is matched by its `id` (`uid` for
 * alerts, `name` for definitions); query rows, which have no id, by the key given here. Only API
 * reads are overlaid: webhook bodies are sent as the simulator makes them.
 */
export const OVERLAY_LISTS: Readonly<Record<string, string>> = {
  organizations: '/v2/organizations, /v2/organizations-detailed, /v2/organization/{id} (by id)',
  locations: '/v2/locations, /v2/organization/{id}/locations and the locations inside detailed organisations (by id)',
  devices: 'every device row: /v2/devices, /v2/devices-detailed, /v2/organization/{id}/devices, /v2/device/{id}, /v2/devices/search (by id)',
  alerts: '/v2/alerts, /v2/device/{id}/alerts (by uid)',
  'device-custom-fields': '/v2/device-custom-fields (by name)',
  'custom-fields': 'rows of /v2/queries/custom-fields (by deviceId)',
  'scoped-custom-fields': 'rows of /v2/queries/scoped-custom-fields (by entityId, whatever the scope)',
};

/** Default `limit` of /v2/devices/search when none is given ([unverified]: the spec gives none). */
const SEARCH_DEFAULT_LIMIT = 100;

export function registerApiRoutes(router: Router, ctx: ApiContext): void {
  const { tokens } = ctx;

  router.on('POST', '/ws/oauth/token', (req) => tokens.issue(req));
  router.on('POST', '/oauth/token', (req) => (ctx.legacyTokenPath ? tokens.issue(req) : nginxNotFound()));

  for (const prefix of API_PREFIXES) {
    const at = (path: string) => `${prefix}${path}`;
    registerOrganizationRoutes(router, at, ctx);
    registerDeviceRoutes(router, at, ctx);
    registerQueryRoutes(router, at, ctx);
    registerAlertRoutes(router, at, ctx);
    registerWebhookRoutes(router, at, ctx);
  }
}

/** Prefixes a route path with one of API_PREFIXES. */
type At = (path: string) => string;

/** Organisations, their locations and the custom fields of both. */
function registerOrganizationRoutes(router: Router, at: At, ctx: ApiContext): void {
  const { store, errors } = ctx;
  const read = reader(ctx);

  router.on('GET', at('/organizations'), read((req) => ok(pageIds(store.organizationIds, page(ctx, req)).map((id) => organizationRow(ctx, store.organizations.get(id)!)))));
  router.on('GET', at('/organizations-detailed'), read((req) => ok(pageIds(store.organizationIds, page(ctx, req)).map((id) => organizationDetailedRow(ctx, store.organizations.get(id)!)))));
  router.on('GET', at('/organization/:id'), read((req) => ok(organizationDetailedRow(ctx, orgOf(ctx, req)))));
  router.on('GET', at('/locations'), read((req) => ok(pageIds(store.locationIds, page(ctx, req)).map((id) => locationRow(ctx, id, true)))));
  router.on('GET', at('/organization/:id/locations'), read((req) => ok(store.locationsOf(orgOf(ctx, req).id).map((id) => locationRow(ctx, id, false)))));
  router.on('GET', at('/organization/:id/custom-fields'), read((req) => ok(visibleValues(store, store.organizationFields.get(orgOf(ctx, req).id)))));
  router.on(
    'GET',
    at('/organization/:id/location/:locationId/custom-fields'),
    read((req) => {
      const org = orgOf(ctx, req);
      const location = store.locations.get(idParam(errors, req, 'locationId'));
      if (!location || location.organizationId !== org.id) throw errors.notFound();
      const own = visibleValues(store, store.locationFields.get(location.id));
      if (req.query.get('withInheritance') !== 'true') return ok(own);
      const inherited = Object.entries(visibleValues(store, store.organizationFields.get(org.id))).filter(([name]) => !(name in own));
      return ok({ ...own, ...Object.fromEntries(inherited) });
    }),
  );
}

/** Device lists, single devices, search, and each device's custom fields and alerts; then the field definitions. */
function registerDeviceRoutes(router: Router, at: At, ctx: ApiContext): void {
  const { store, errors } = ctx;
  const read = reader(ctx);
  const deviceList = (view: DeviceView) =>
    read((req) => {
      const matches = filter(errors, req);
      const refs = references(store, req);
      const ids = pageIds(store.deviceIds, page(ctx, req), matches && ((id) => matches(store.devices.get(id)!)));
      return ok(ids.map((id) => {
        const device = store.devices.get(id)!;
        return deviceRow(ctx, device, view, refs(device));
      }));
    });

  router.on('GET', at('/devices'), deviceList('brief'));
  router.on('GET', at('/devices-detailed'), deviceList('detailed'));
  router.on(
    'GET',
    at('/organization/:id/devices'),
    read((req) => {
      const org = orgOf(ctx, req);
      const refs = references(store, req);
      return ok(pageIds(store.devicesOf(org.id), page(ctx, req)).map((id) => {
        const device = store.devices.get(id)!;
        return deviceRow(ctx, device, 'brief', refs(device));
      }));
    }),
  );
  router.on(
    'GET',
    at('/device/:id'),
    read((req) => {
      const device = deviceOf(ctx, req);
      return ok(deviceRow(ctx, device, 'single', references(store, req)(device)));
    }),
  );
  router.on(
    'GET',
    at('/devices/search'),
    read((req) => {
      const query = req.query.get('q') ?? '';
      const limit = readInteger(req.query, 'limit');
      if (typeof limit === 'object') throw errors.error(400, limit.error);
      const max = limit === undefined || limit <= 0 ? SEARCH_DEFAULT_LIMIT : Math.min(limit, ctx.limits.maxPageSize);
      const refs = references(store, req);
      const devices = searchDevices(store, query, max).map(({ device, score, matchAttr, matchAttrValue }) =>
        ctx.overlays.apply('devices', { ...renderDevice(device, 'brief', refs(device)), score, matchAttr, matchAttrValue }),
      );
      return ok({ query, devices });
    }),
  );
  router.on('GET', at('/device/:id/custom-fields'), read((req) => ok(deviceFieldMap(store, deviceOf(ctx, req).id, req.query.get('withInheritance') === 'true'))));
  router.on('GET', at('/device/:id/alerts'), read((req) => alertList(ctx, req, deviceOf(ctx, req).id)));
  router.on(
    'GET',
    at('/device-custom-fields'),
    read((req) => {
      const raw = (req.query.get('scopes') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
      const scopes = raw.length > 0 ? new Set(raw) : undefined;
      return ok(store.definitions.filter((d) => inScopes(d, scopes)).map((d) => ctx.overlays.apply('device-custom-fields', renderDefinition(d))));
    }),
  );
}

/** `/v2/queries/*`: custom field values by cursor, device-scoped and scoped. */
function registerQueryRoutes(router: Router, at: At, ctx: ApiContext): void {
  const { store, errors, cursors } = ctx;
  const read = reader(ctx);

  router.on(
    'GET',
    at('/queries/custom-fields'),
    read((req) => {
      const pageSize = queryPageSize(errors, req);
      const result = cursorPage(ctx, req, (cursorName) => cursors.next(cursorName, pageSize), () => {
        const matches = filter(errors, req);
        const since = updatedAfter(errors, req);
        const changed = (id: number) => since === undefined || (store.deviceFieldsUpdatedAt.get(id) ?? 0) >= since;
        return cursors.open((id) => changed(id) && (!matches || matches(store.devices.get(id)!)), fieldNames(req), pageSize ?? QUERY_PAGE.default);
      });
      return ok({ ...result, results: result.results.map((row) => overlaidBy(ctx.overlays, 'custom-fields', row.deviceId, row)) });
    }),
  );
  router.on(
    'GET',
    at('/queries/scoped-custom-fields'),
    read((req) => {
      const pageSize = queryPageSize(errors, req);
      const result = cursorPage<ScopedFieldsRow>(
        ctx,
        req,
        (cursorName) => cursors.next<ScopedFieldsRow>(cursorName, pageSize, 'scoped-custom-fields'),
        () => cursors.openScoped(scopesParam(errors, req), fieldNames(req), pageSize ?? QUERY_PAGE.default),
      );
      return ok({ ...result, results: result.results.map((row) => overlaidBy(ctx.overlays, 'scoped-custom-fields', row.entityId, row)) });
    }),
  );
}

/**
 * The page a `/v2/queries/*` request asks for: the next page of its `cursor` when it names one
 * (400 when that cursor is gone), else the first page of a new cursor.
 */
function cursorPage<T>(
  ctx: ApiContext,
  req: SimRequest,
  next: (cursorName: string) => CursorPage<T> | undefined,
  open: () => CursorPage<T>,
): CursorPage<T> {
  const cursorName = req.query.get('cursor');
  if (cursorName === null || cursorName === '') return open();
  const result = next(cursorName);
  if (!result) throw ctx.errors.error(400, `cursor "${cursorName}" has expired or does not exist`);
  return result;
}

/** Active alerts, and resetting one (DELETE, or POST …/reset with custom activity data). */
function registerAlertRoutes(router: Router, at: At, ctx: ApiContext): void {
  const { errors, feed } = ctx;
  const write = writer(ctx);

  router.on('GET', at('/alerts'), reader(ctx)((req) => alertList(ctx, req)));
  router.on('GET', at('/activities'), reader(ctx)((req) => activityList(ctx, req)));
  router.on(
    'DELETE',
    at('/alert/:uid'),
    write((req) => {
      if (!feed.resetAlert(req.params.uid!)) throw errors.notFound();
      return NO_CONTENT;
    }),
  );
  router.on(
    'POST',
    at('/alert/:uid/reset'),
    write((req) => {
      const body = jsonBody(errors, req);
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        throw errors.error(400, 'the body must be a JSON object (custom activity data)');
      }
      if (!feed.resetAlert(req.params.uid!)) throw errors.notFound();
      return NO_CONTENT;
    }),
  );
}

/** The calling app's webhook: set (PUT) or removed (DELETE). */
function registerWebhookRoutes(router: Router, at: At, ctx: ApiContext): void {
  const { errors, feed } = ctx;
  const write = writer(ctx);

  router.on(
    'PUT',
    at('/webhook'),
    write((req, grant) => {
      const config = parseWebhookConfig(jsonBody(errors, req));
      if ('error' in config) throw errors.error(400, config.error);
      feed.webhooks.set(grant.clientId, config);
      return NO_CONTENT;
    }),
  );
  router.on(
    'DELETE',
    at('/webhook'),
    write((_req, grant) => {
      feed.webhooks.delete(grant.clientId);
      return NO_CONTENT;
    }),
  );
}

/** Bearer token, then scope; throws the 401 or 403 answer. */
function authorize(ctx: ApiContext, req: SimRequest, scope: 'monitoring' | 'management'): TokenGrant {
  const grant = ctx.tokens.authenticate(req.headers.authorization);
  if (!grant) throw ctx.errors.notAuthenticated();
  if (!grant.scopes.includes(scope)) throw ctx.errors.error(403);
  return grant;
}

/** Wraps a read handler: it runs once the token has the `monitoring` scope. */
function reader(ctx: ApiContext): (handler: (req: SimRequest) => SimResponse) => Handler {
  return (handler) => (req) => {
    authorize(ctx, req, 'monitoring');
    return handler(req);
  };
}

/** Wraps a write handler: it runs once the token has the `management` scope, and gets the grant. */
function writer(ctx: ApiContext): (handler: (req: SimRequest, grant: TokenGrant) => SimResponse) => Handler {
  return (handler) => (req) => handler(req, authorize(ctx, req, 'management'));
}

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

const NO_CONTENT: SimResponse = { status: 204 };

/** Overlays for a row without an id of its own: matched as if `key` were its id, which is not added. */
function overlaidBy<T extends object>(overlays: RowOverlays, list: string, key: number, row: T): T {
  if (!overlays.has(list)) return row;
  const probe = { ...row, id: key };
  const out = overlays.apply(list, probe);
  if (out === probe) return row;
  delete (out as { id?: number }).id;
  return out as T;
}

function deviceRow(ctx: ApiContext, device: NinjaDevice, view: DeviceView, refs?: ReferenceOptions) {
  return ctx.overlays.apply('devices', renderDevice(device, view, refs));
}

function organizationRow(ctx: ApiContext, org: NinjaOrganization) {
  return ctx.overlays.apply('organizations', renderOrganization(org));
}

function organizationDetailedRow(ctx: ApiContext, org: NinjaOrganization) {
  const { store, overlays } = ctx;
  const row = renderOrganizationDetailed(org, store.locationsOf(org.id).map((l) => store.locations.get(l)!));
  if (overlays.has('locations')) row.locations = (row.locations as unknown[]).map((l) => overlays.apply('locations', l));
  return overlays.apply('organizations', row);
}

function locationRow(ctx: ApiContext, id: number, withOrganization: boolean) {
  return ctx.overlays.apply('locations', renderLocation(ctx.store.locations.get(id)!, withOrganization));
}

/** Alerts, of one device or all, narrowed by `sourceType` and the device filter `df`. */
function alertList(ctx: ApiContext, req: SimRequest, deviceId?: number): SimResponse {
  const { store } = ctx;
  const matches = filter(ctx.errors, req);
  const sourceTypes = req.query.get('sourceType')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const alerts = [...store.alerts.values()].filter((alert) => {
    if (deviceId !== undefined && alert.deviceId !== deviceId) return false;
    if (sourceTypes && sourceTypes.length > 0 && !sourceTypes.includes(alert.sourceType)) return false;
    if (!matches) return true;
    const device = store.devices.get(alert.deviceId);
    return device !== undefined && matches(device);
  });
  return ok(alerts.map((alert) => ctx.overlays.apply('alerts', renderAlert(alert))));
}

/** `GET /v2/activities`: the feed, newest first (ActivityFeed.list); `newerThan` and `olderThan` together are refused, as reported of the real API. */
function activityList(ctx: ApiContext, req: SimRequest): SimResponse {
  const id = (name: string) => {
    const value = readInteger(req.query, name);
    if (typeof value === 'object') throw ctx.errors.error(400, value.error);
    return value;
  };
  const newerThan = id('newerThan');
  const olderThan = id('olderThan');
  if (newerThan !== undefined && olderThan !== undefined) throw ctx.errors.error(400, 'newerThan and olderThan cannot be used together');
  const size = id('pageSize');
  const pageSize = size === undefined ? 200 : Math.min(1000, Math.max(10, size));
  const text = (name: string) => req.query.get(name)?.trim() || undefined;
  const cls = text('class')?.toUpperCase();
  const listed = ctx.feed.list({
    pageSize,
    ...(newerThan !== undefined ? { newerThan } : {}),
    ...(olderThan !== undefined ? { olderThan } : {}),
    ...(cls && cls !== 'ALL' ? { class: cls } : {}),
    ...(text('type') ? { type: text('type')! } : {}),
    ...(text('status') ? { status: text('status')! } : {}),
  });
  return ok({ lastActivityId: listed.lastActivityId, activities: listed.activities });
}

/** `pageSize` of a `/v2/queries/*` request: clamped to the spec's 10..10000 ([unverified] whether the real API refuses others); undefined when absent. */
function queryPageSize(errors: NinjaErrors, req: SimRequest): number | undefined {
  const size = readInteger(req.query, 'pageSize');
  if (typeof size === 'object') throw errors.error(400, size.error);
  return size === undefined ? undefined : Math.min(QUERY_PAGE.max, Math.max(QUERY_PAGE.min, size));
}

/**
 * `updatedAfter`: only devices whose values changed at or after it. Epoch milliseconds, as a
 * published client sends it (the spec says only "date" [unverified]); anything else is a 400.
 */
function updatedAfter(errors: NinjaErrors, req: SimRequest): number | undefined {
  const raw = req.query.get('updatedAfter');
  if (raw === null || raw.trim() === '') return undefined;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) throw errors.error(400, `Invalid updatedAfter "${raw}": epoch milliseconds`);
  return ms;
}

function fieldNames(req: SimRequest): ReadonlySet<string> | undefined {
  const names = (req.query.get('fields') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return names.length > 0 ? new Set(names) : undefined;
}

/** `scopes=all|node,location,organization,end_user` (spec default `all`); an unknown scope is a 400 ([unverified] real answer). */
function scopesParam(errors: NinjaErrors, req: SimRequest): Set<FieldScope> {
  const raw = (req.query.get('scopes') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
  if (raw.length === 0 || raw.includes('ALL')) return new Set(FIELD_SCOPES);
  const known = new Set<string>(FIELD_SCOPES);
  const unknown = raw.find((s) => !known.has(s));
  if (unknown !== undefined) throw errors.error(400, `scopes: unknown scope "${unknown.toLowerCase()}"; use all, node, location, organization or end_user`);
  return new Set(raw as FieldScope[]);
}

function page(ctx: ApiContext, req: SimRequest): PageRequest {
  const request = readPageRequest(req.query, ctx.limits);
  if ('error' in request) throw ctx.errors.error(400, request.error);
  return request;
}

function filter(errors: NinjaErrors, req: SimRequest): DevicePredicate | undefined {
  const df = req.query.get('df');
  if (df === null || df.trim() === '') return undefined;
  const parsed = parseDeviceFilter(df);
  if (!parsed.ok) throw errors.error(400, `Invalid device filter "${df}": ${parsed.message}`);
  return parsed.matches;
}

function idParam(errors: NinjaErrors, req: SimRequest, name = 'id'): number {
  const raw = req.params[name] ?? '';
  // A non-numeric id does not match the real route at all: 404, as JAX-RS answers.
  if (!/^\d+$/.test(raw)) throw errors.notFound();
  return Number(raw);
}

function orgOf(ctx: ApiContext, req: SimRequest): NinjaOrganization {
  const org = ctx.store.organizations.get(idParam(ctx.errors, req));
  if (!org) throw ctx.errors.notFound();
  return org;
}

function deviceOf(ctx: ApiContext, req: SimRequest): NinjaDevice {
  const device = ctx.store.devices.get(idParam(ctx.errors, req));
  if (!device) throw ctx.errors.notFound();
  return device;
}

/** `expand=organization,location` fills `references` ([unverified] — homotechsual sends it; plain captures have none). */
function references(store: NinjaStore, req: SimRequest): (device: NinjaDevice) => ReferenceOptions | undefined {
  const expand = new Set((req.query.get('expand') ?? '').split(',').map((s) => s.trim()));
  return (device) =>
    expand.has('organization') || expand.has('location')
      ? {
          organization: expand.has('organization') ? store.organizations.get(device.organizationId) : undefined,
          location: expand.has('location') ? store.locations.get(device.locationId) : undefined,
        }
      : undefined;
}

function jsonBody(errors: NinjaErrors, req: SimRequest): unknown {
  try {
    return parseJson(req);
  } catch {
    throw errors.error(400, 'request body is not valid JSON');
  }
}
